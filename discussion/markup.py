"""Comment bodies: a safe Markdown subset, rendered once and sanitised."""

from __future__ import annotations

import hashlib

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


def fingerprint(source: str) -> str:
    """Identifies a body regardless of surrounding whitespace and letter case."""
    normal = " ".join(source.split()).casefold()
    return hashlib.sha256(normal.encode()).hexdigest()
