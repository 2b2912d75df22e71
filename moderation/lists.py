"""The lists behind the checks: the starter lists in data/, and the moderators'
lists in the database, compiled into matchers each process keeps until a list
changes."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from pagecache.generations import CONTENT, version

from .matching import Matcher
from .models import LISTS, LinkDomain, Phrase, clean_domain

DATA = Path(str(files("moderation").joinpath("data")))


def read_list(path: Path) -> list[tuple[str, str]]:
    """The entries of a list file, each with its note: one entry a line; lines
    starting with "#" are comments, and "## Heading" makes the heading the note
    of the entries under it."""
    entries: list[tuple[str, str]] = []
    note = ""
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line.startswith("## "):
            note = line[3:].strip()
        elif line and not line.startswith("#"):
            entries.append((line, note))
    return entries


def load_starter_lists(phrase_model=Phrase, domain_model=LinkDomain) -> int:
    """Adds the starter phrases and domains that are not in the lists yet (a
    moderator's changes to an entry are kept); returns how many were added.

    The models are arguments so that the data migration can pass its historical
    ones. Bulk inserts skip `save()`, so the lists' generation is bumped here.
    """
    from .models import lists_changed

    known_phrases = {
        text.casefold() for text in phrase_model.objects.values_list("text", flat=True)
    }
    phrases = []
    for name, action in (("banned_phrases", "reject"), ("suspect_phrases", "hold")):
        for text, note in read_list(DATA / f"{name}.txt"):
            text = " ".join(text.split())
            if text.casefold() not in known_phrases:
                known_phrases.add(text.casefold())
                phrases.append(phrase_model(text=text, action=action, note=note))
    known_domains = set(domain_model.objects.values_list("domain", flat=True))
    domains = []
    for name, kind in (("trusted_domains", "trusted"), ("blocked_domains", "blocked")):
        for domain, note in read_list(DATA / f"{name}.txt"):
            domain = clean_domain(domain)
            if domain and domain not in known_domains:
                known_domains.add(domain)
                domains.append(domain_model(domain=domain, kind=kind, note=note))
    phrase_model.objects.bulk_create(phrases)
    domain_model.objects.bulk_create(domains)
    if phrases or domains:
        lists_changed()
    return len(phrases) + len(domains)


@dataclass(frozen=True)
class Lists:
    """The moderators' lists, compiled: phrases (each match's value is the
    phrase's action, "reject" or "hold") and the trusted and blocked domains."""

    phrases: Matcher
    trusted: frozenset[str]
    blocked: frozenset[str]


_lock = threading.Lock()
_compiled: dict[str, tuple[str, object]] = {}


def _kept(name: str, current: str, build):
    """What `build()` returns, made again only when `current` changes."""
    found = _compiled.get(name)
    if found is not None and found[0] == current:
        return found[1]
    with _lock:
        found = _compiled.get(name)
        if found is not None and found[0] == current:
            return found[1]
        value = build()
        _compiled[name] = (current, value)
        return value


def forget_compiled() -> None:
    """Drops what this process compiled, so the next check reads the lists again.

    Changes to the lists and to published content bump generations and need no
    call; this is for tests, whose changes never commit.
    """
    with _lock:
        _compiled.clear()


def current_lists() -> Lists:
    """The lists as they are now, compiled once per change of any of them."""
    return _kept("lists", version(LISTS), _build_lists)


def _build_lists() -> Lists:
    phrases = Matcher(Phrase.objects.values_list("text", "action").iterator())
    trusted, blocked = set(), set()
    for domain, kind in LinkDomain.objects.values_list("domain", "kind"):
        (trusted if kind == LinkDomain.Kind.TRUSTED else blocked).add(domain)
    return Lists(
        phrases=phrases, trusted=frozenset(trusted), blocked=frozenset(blocked)
    )


def _names_version() -> str:
    """When the reserved names are read again: when published content (the
    authors, the site's name) changes, and at least every minute for staff."""
    return f"{version(CONTENT)}:{int(time.time() // 60)}"


def _reserved_names() -> tuple[str, ...]:
    """The reserved names, read once for both matchers made from them."""
    from accounts.names import reserved_names

    return _kept("reserved_names", _names_version(), lambda: tuple(reserved_names()))


def name_memo() -> dict:
    """A place to keep what the checks found of a guest's name, emptied when the
    lists or the reserved names change: the same readers post again and again
    under the same names."""
    return _kept("name_memo", f"{version(LISTS)}/{_names_version()}", dict)


def impersonation_matcher() -> Matcher:
    """The claims of impersonation.txt with every reserved name put in; made
    again when published content (the authors, the site's name) changes, and at
    least every minute for staff."""

    reserved = _reserved_names()  # outside `build`: `_kept` holds its lock there

    def build():
        names = sorted({" ".join(name.split()) for name in reserved})
        entries = []
        for claim, _ in read_list(DATA / "impersonation.txt"):
            if "{name}" in claim:
                entries += [(claim.replace("{name}", name), name) for name in names]
            else:
                entries.append((claim, claim))
        return Matcher(entries)

    return _kept("impersonation", _names_version(), build)


def claimed_names() -> frozenset[str]:
    """The skeletons (accounts.names.name_skeleton) of the names a guest's name
    may not contain: the site's name and every author's and staff member's
    full name, a one-word name (an alias) of five letters or more, and a full
    name shortened to an initial ("N. Halvorsen", "Noor H."). See
    `pipeline.check_name`. Made again like `impersonation_matcher`."""
    from accounts.names import RESERVED_WORDS, name_skeleton

    reserved = _reserved_names()  # outside `build`: `_kept` holds its lock there

    def build():
        roles = {word.casefold() for word in RESERVED_WORDS}
        names: set[str] = set()
        for name in reserved:
            words = [name_skeleton(word) for word in name.split()]
            words = [word for word in words if word]
            if not words or name.casefold() in roles:
                continue
            if len(words) == 1:
                if len(words[0]) >= 5:
                    names.add(words[0])
                continue
            names.add("".join(words))
            first, last = words[0], words[-1]
            names.update(
                short for short in (first[0] + last, first + last[0]) if len(short) >= 5
            )
        return frozenset(names)

    return _kept("claimed_names", _names_version(), build)


@cache
def pattern_lists() -> dict[str, list[str]]:
    """Every term list in data/patterns/, by name (the file's name)."""
    return {
        path.stem: [term for term, _ in read_list(path)]
        for path in sorted((DATA / "patterns").glob("*.txt"))
    }


def people_matcher() -> Matcher:
    """The site's name and the names of its authors and staff, as the pattern
    rules read them: someone a threat or an insult can be aimed at ("someone
    should pay Wierzbicki a visit", "Marchetti is a talentless fraud"). Full
    names, and the first or last word of a full name or a one-word name (an
    alias) of five letters or more; not the role words ("admin", "system"), which are
    ordinary words. Made again like `impersonation_matcher`."""
    from accounts.names import RESERVED_WORDS

    reserved = _reserved_names()  # outside `build`: `_kept` holds its lock there

    def build():
        roles = {word.casefold() for word in RESERVED_WORDS}
        names: set[str] = set()
        for name in reserved:
            words = name.split()
            if not words or name.casefold() in roles:
                continue
            if len(words) > 1:
                names.add(" ".join(words))
            # Readers call an author by the first name as often as by the last
            # ("Elias is a coward"): either counts, when long enough to be a
            # name rather than a common word.
            for word in {words[0], words[-1]}:
                if len(word) >= 5 and word.casefold() not in roles:
                    names.add(word)
        return Matcher((name, name) for name in sorted(names))

    return _kept("people", _names_version(), build)
