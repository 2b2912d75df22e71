"""Comment bodies: a safe Markdown subset, rendered once and sanitised."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

import nh3
from markdown_it import MarkdownIt

# CommonMark with raw HTML off; only the constructs a comment needs stay on.
_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "breaks": True}
).disable(["heading", "lheading", "image", "hr", "html_block", "html_inline"])

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "blockquote",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}


def render(source: str) -> str:
    """HTML for a comment body; anything outside the allow-list is dropped."""
    html = _markdown.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel=LINK_REL,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
    ).strip()


_TAG = re.compile(r"<[^>]*>")
# Characters that take up a place in a line and show nothing: fillers of Hangul,
# the blank Braille pattern, the Mongolian vowel separator.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# Spaces, controls and format characters (zero-width, direction), marks with no
# letter to sit on, private and unassigned code points.
_UNSEEN = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn", "Mn", "Me"})


def shows_text(rendered: str) -> bool:
    """Whether rendered HTML shows a reader anything: a body of zero-width
    spaces, "&nbsp;" or an empty link renders to a paragraph with nothing in it."""
    text = html.unescape(_TAG.sub("", rendered))
    return any(
        ch not in _BLANK and unicodedata.category(ch) not in _UNSEEN for ch in text
    )


def fingerprint(source: str) -> str:
    """Identifies a body regardless of surrounding whitespace and letter case."""
    normal = " ".join(source.split()).casefold()
    return hashlib.sha256(normal.encode()).hexdigest()
