"""Display names: cleaning what readers type, and refusing names that impersonate.

Sign-up and the comment form both use these, so a name is judged the same way
wherever it is entered. Three steps:

- `clean_display_name` turns raw input into what we store and show: Unicode NFKC,
  without the invisible and control characters that make two names look alike or
  reorder text around them, with whitespace collapsed.
- `name_skeleton` turns a name into a comparison key that two look-alike names share:
  "Admin", "Аdmin" (Cyrillic А), "adm1n" and "a d m i n" all become the same string.
- `is_reserved_name` compares a skeleton with the site's own names: the role words
  below, every member of staff, and the names the apps above supply through
  `settings.ACCOUNTS_RESERVED_NAMES` (the site's name, every author).

`validate_display_name` puts the three together with the length rules, for forms.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib.resources import files

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.module_loading import import_string

from pagecache.generations import CONTENT, version

DISPLAY_NAME_MIN_LENGTH = 2
DISPLAY_NAME_MAX_LENGTH = 50

# Names no reader may take, whatever the data says.
RESERVED_WORDS: tuple[str, ...] = (
    "admin",
    "administrator",
    "moderator",
    "mod",
    "staff",
    "editor",
    "tribune",
    "root",
    "system",
)

# Characters that draw nothing or steer the text around them. Most are in Unicode's
# "Cf" (format) category and would go anyway; they are listed so the rule is readable.
_ZERO_WIDTH = {chr(c) for c in (*range(0x200B, 0x2010), *range(0x2060, 0x2065), 0xFEFF)}
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
# Letters and marks that render as blank space; used to make "empty" or padded names.
_BLANK_LOOKING = {
    "\u034f",  # combining grapheme joiner
    "\u115f",  # Hangul choseong filler
    "\u1160",  # Hangul jungseong filler
    "\u2800",  # braille pattern blank
    "\u3164",  # Hangul filler
    "\uffa0",  # halfwidth Hangul filler
}
_STRIPPED = _ZERO_WIDTH | _BIDI_CONTROLS | _BLANK_LOOKING
# More marks than this on one letter is decoration stacked to overflow the line
# ("Zalgo" text), never a real spelling.
_MAX_COMBINING_MARKS = 3

# Digits and symbols used for letters ("adm1n", "$taff", "m0d"), and the Latin letters
# that look alike in most fonts: i, l, 1, | and ! all become "l".
_SUBSTITUTIONS = {
    "0": "o",
    "1": "l",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "€": "e",
    "|": "l",
    "!": "l",
    "+": "t",
    "i": "l",
}
# Lower-case Cyrillic and Greek letters that pass for Latin ones but are missing from
# the Unicode confusables data, which lists mostly capitals for these.
_EXTRA_LOOKALIKES = {
    "в": "b",
    "к": "k",
    "м": "m",
    "н": "h",
    "п": "n",
    "т": "t",
    "ь": "b",
    "ё": "e",
    "ї": "l",
    "κ": "k",
    "μ": "u",
    "η": "n",
    "ω": "w",
    "ε": "e",
    "β": "b",
}
# Letter pairs that read as one letter: "adrnin", "vvriter".
_DIGRAPHS = (("rn", "m"), ("vv", "w"))
_WHITESPACE = re.compile(r"\s+")


def clean_display_name(raw: str) -> str:
    """What a reader typed, made fit to store and show as their name.

    NFKC-normalises (so full-width and styled letters become plain ones), drops
    zero-width characters (U+200B–U+200F, U+2060–U+2064, U+FEFF), bidirectional
    controls (U+202A–U+202E, U+2066–U+2069), every other control or format character
    (categories Cc and Cf), fillers that render as blank, and combining marks stacked
    more than three deep on one letter; then collapses runs of whitespace to one space
    and trims. Tabs and line breaks count as whitespace, so "Ada\\nQuill" becomes
    "Ada Quill" rather than "AdaQuill".

    The result may be empty or too short; length rules belong to the form.
    """
    text = unicodedata.normalize("NFKC", raw)
    kept: list[str] = []
    marks = 0
    for char in text:
        if char.isspace():
            kept.append(" ")
            marks = 0
            continue
        if char in _STRIPPED or unicodedata.category(char) in {"Cc", "Cf", "Cs"}:
            continue
        if unicodedata.combining(char):
            marks += 1
            if marks > _MAX_COMBINING_MARKS:
                continue
        else:
            marks = 0
        kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()


@cache
def _lookalikes() -> dict[str, str]:
    """Non-ASCII characters mapped to the Latin letters or digits they imitate.

    Built once from the Unicode confusables data that `confusable-homoglyphs` ships
    (about 1,400 characters from Cyrillic, Greek, Armenian, Cherokee, mathematical
    letters and more), topped up with `_EXTRA_LOOKALIKES`.
    """
    data = json.loads(
        files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    table: dict[str, str] = {}
    for char, homoglyphs in data.items():
        if len(char) != 1 or char.isascii():
            continue
        for glyph in homoglyphs:
            target = glyph["c"]
            if target.isascii() and target.isalnum():
                table[char] = target.lower()
                break
    table.update(_EXTRA_LOOKALIKES)
    return table


@cache
def _lookalike_translation() -> dict[int, str]:
    return {ord(char): latin for char, latin in _lookalikes().items()}


def fold_lookalikes(text: str) -> str:
    """`text` with every letter that imitates a Latin letter or digit replaced by it.

    "раураl" with Cyrillic р, а and у becomes "paypal". Uses the same table as
    `name_skeleton` (the Unicode confusables data and `_EXTRA_LOOKALIKES`), but
    only that: no case-folding, no digit stand-ins, no digraphs. Characters with
    no Latin look-alike are kept, so most Arabic, Chinese or Russian words stay
    as they are; a caller that wants whole words should check what is left.
    """
    return text.translate(_lookalike_translation())


def _fold(char: str) -> str:
    lookalikes = _lookalikes()
    if char in lookalikes:
        folded = lookalikes[char]
    else:
        folded = "".join(lookalikes.get(c, c) for c in char.casefold())
    return "".join(_SUBSTITUTIONS.get(c, c) for c in folded)


def name_skeleton(name: str) -> str:
    """A key under which names that look alike compare equal.

    Cleans the name as `clean_display_name` does, strips accents and other combining
    marks, maps look-alike letters from other scripts and digit or symbol stand-ins
    ("0" for "o", "@" for "a", "|" for "l") to Latin, case-folds, reads "rn" as "m"
    and "vv" as "w", and drops everything that is not a letter or digit. Letters
    with no Latin look-alike (Chinese, Arabic, …) are kept as they are.

    >>> name_skeleton("Аdm1n ") == name_skeleton("admin")
    True

    The key is for comparison only: it is deliberately lossy ("Ada" and "A.D.A."
    share one) and never shown.
    """
    text = unicodedata.normalize("NFKD", clean_display_name(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(_fold(c) for c in text)
    text = "".join(c for c in text if c.isalnum())
    for pair, letter in _DIGRAPHS:
        text = text.replace(pair, letter)
    return text


def reserved_skeletons() -> set[str]:
    """The skeletons of every name a reader may not take.

    The role words in `RESERVED_WORDS`; the username, display name and full name
    of every staff member and superuser; and every name the functions listed in
    `settings.ACCOUNTS_RESERVED_NAMES` return (the site's name, every author's
    name and alias). Kept in the cache for a minute, and dropped at once when the
    published content changes (an author or the site settings are saved); a new
    staff member is protected within the minute.
    """
    key = f"accounts:reserved:{version(CONTENT)}"
    skeletons = django_cache.get(key)
    if skeletons is None:
        skeletons = _read_reserved_skeletons()
        django_cache.set(key, skeletons, timeout=60)
    return skeletons


def reserved_names() -> list[str]:
    """Every name a reader may not take, as written: the role words in
    `RESERVED_WORDS`, the names the functions in `settings.ACCOUNTS_RESERVED_NAMES`
    return (the site's name, every author's name and alias), and the username,
    display name and full name of every staff member and superuser. Read afresh
    each call (a few queries); `reserved_skeletons` keeps their keys cached."""
    names: list[str] = list(RESERVED_WORDS)
    for path in settings.ACCOUNTS_RESERVED_NAMES:
        names += import_string(path)()
    staff = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True))
    for username, display, first, last in staff.values_list(
        "username", "display_name", "first_name", "last_name"
    ):
        names += [username, display, f"{first} {last}"]
    return [name for name in names if name and name.strip()]


def _read_reserved_skeletons() -> set[str]:
    # An empty skeleton ("", "…") would otherwise reserve every name made of symbols.
    return {skeleton for name in reserved_names() if (skeleton := name_skeleton(name))}


def is_reserved_name(name: str) -> bool:
    """Whether `name` looks like a role, the site, an author or a member of staff.

    True when its skeleton (see `name_skeleton`) equals that of any name in
    `reserved_skeletons()`: "ADMIN ", "Аdmin" with a Cyrillic А, "adm1n", "a\\u200bdmin"
    and an author's name typed with a Greek omicron all are; "Adam", "Admiral" and
    "Editorial Fan" are not. Only whole names are compared, so a name may contain a
    reserved word ("Ada's editor").

    A staff member's own names are reserved for them too: a form that lets staff
    post under their own name should skip this check for them.
    """
    skeleton = name_skeleton(name)
    return bool(skeleton) and skeleton in reserved_skeletons()


def validate_display_name(raw: str) -> str:
    """`raw` cleaned and checked as a reader's display name: the name to store.

    Raises `ValidationError` (codes "required", "too_short", "too_long",
    "no_letters", "markup", "reserved") with a message written for the reader.
    Lengths count characters after cleaning.
    """
    name = clean_display_name(raw)
    if not name:
        raise ValidationError("Enter a display name.", code="required")
    if len(name) < DISPLAY_NAME_MIN_LENGTH:
        raise ValidationError(
            f"Use at least {DISPLAY_NAME_MIN_LENGTH} characters.", code="too_short"
        )
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            f"Use at most {DISPLAY_NAME_MAX_LENGTH} characters "
            f"(this one has {len(name)}).",
            code="too_long",
        )
    if not any(char.isalnum() for char in name):
        raise ValidationError(
            "Include at least one letter or number.", code="no_letters"
        )
    if "<" in name or ">" in name:
        raise ValidationError("Names cannot contain < or >.", code="markup")
    if is_reserved_name(name):
        raise ValidationError(
            "That name is reserved for the site and its staff. Please choose another.",
            code="reserved",
        )
    return name
