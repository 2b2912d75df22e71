"""Links in a comment: finding them, and judging their domains against the
lists of trusted and known-bad sites."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz.distance import OSA

from accounts.names import name_skeleton

from .models import clean_domain

# Endings under which anyone may register a name, for the few countries whose
# registrable names sit one level down ("bbc.co.uk", "abc.net.au").
_SECOND_LEVEL = {
    "co",
    "com",
    "net",
    "org",
    "gov",
    "ac",
    "edu",
    "or",
    "ne",
    "go",
    "gob",
    "nic",
    "ltd",
    "plc",
    "me",
}
# Top-level domains for addresses written without http:// ("visit cheap-pills.xyz");
# others are only found with a scheme or "www.", so that "e.g." or "end.Next" are not.
_BARE_TLDS = (
    "com|net|org|info|biz|xyz|top|online|site|club|shop|store|live|app|io|co|me|tv|"
    "cc|ly|gl|to|ru|su|cn|pk|in|ae|sa|eg|fr|de|uk|us|eu|ca|au|nl|be|ch|es|it|pl|ua|"
    "tk|ml|ga|cf|gq|ws|pw|icu|vip|win|bid|loan|click|link|work|news|blog|xxx|"
    "pro|bet|buzz|cam"
)
_URL = re.compile(
    r"(?i)\bhttps?://[^\s<>()\[\]{}\"'`]+"
    r"|\bwww\.[^\s<>()\[\]{}\"'`]+"
    rf"|(?<![\w@.\-/])(?:[^\W_](?:[\w\-]{{0,62}}[^\W_])?\.)+(?:{_BARE_TLDS})\b(?![.\-]?\w)"
    r"(?:/[^\s<>()\[\]{}\"'`]*)?"
)
_HOST_CHARACTERS = re.compile(r"[^\w.\-]")


@dataclass(frozen=True)
class Link:
    url: str
    host: str  # lower case, without "www.", IDNA decoded; only letters, digits, . and -


def host_of(url: str) -> str:
    """The host of a link, made safe to show: IDNA ("xn--") labels decoded,
    anything but letters, digits, dots and hyphens dropped."""
    if "//" not in url[:10]:
        url = "//" + url
    try:
        host = clean_domain(urlsplit(url).hostname or "")
    except ValueError:
        return ""
    if "xn--" in host:
        labels = []
        for label in host.split("."):
            try:
                labels.append(label.encode("ascii").decode("idna"))
            except (UnicodeError, ValueError):
                labels.append(label)
        host = ".".join(labels)
    return _HOST_CHARACTERS.sub("", host)


def find_links(text: str) -> list[Link]:
    """Every link in a text, in order, with where it points."""
    links = []
    for found in _URL.finditer(text):
        url = found.group().rstrip(".,;:!?")
        host = host_of(url)
        if host and "." in host:
            links.append(Link(url=url, host=host))
    return links


def covered(host: str, domains: frozenset[str]) -> str | None:
    """The listed domain that `host` is, or is a subdomain of."""
    labels = host.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in domains:
            return candidate
    return None


def core(host: str) -> str:
    """The name a site registered: "bbc" for news.bbc.co.uk, "reuters" for
    reuters.com."""
    labels = host.split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


@functools.lru_cache(maxsize=4)
def _keyed(trusted: frozenset[str]) -> tuple[tuple[str, str, str], ...]:
    """Each trusted domain with its registered name and that name's look-alike
    key, worked out once per list (a list changes rarely, links come often)."""
    return tuple(
        (domain, core(domain), name_skeleton(core(domain)))
        for domain in sorted(trusted)
    )


# Bounded: hosts come from readers. The same hosts come again and again.
@functools.lru_cache(maxsize=8192)
def imitated(host: str, trusted: frozenset[str]) -> str | None:
    """The trusted domain that an untrusted `host` imitates, if any.

    A host imitates a trusted site when its registered name has the same
    look-alike key (Cyrillic letters, "0" for "o", "rn" for "m": "reuter5.com",
    "bbс.com"), the same name under another ending ("reuters.co"), the trusted
    domain at its start ("reuters.com.example.net"), the name with words added
    ("bbc-news.com", "reutersnews.net"), or a name one typo away ("reutres.com").
    Short names (under five letters) are only compared by key and word, so that
    "cbs" is not taken for "cbc".
    """
    if covered(host, trusted):
        return None
    name = core(host)
    key = name_skeleton(name)
    parts = set(re.split(r"[-_]", name))
    for domain, trusted_name, trusted_key in _keyed(trusted):
        if host.startswith(domain + "."):
            return domain
        if len(trusted_name) < 3:
            continue
        if key == trusted_key or trusted_name in parts:
            return domain
        if len(trusted_name) >= 5 and (
            (name.startswith(trusted_name) or name.endswith(trusted_name))
            or OSA.distance(key, trusted_key, score_cutoff=1) <= 1
        ):
            return domain
    return None
