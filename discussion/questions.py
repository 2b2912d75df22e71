"""Questions the editors ask about passages of an article.

In the body's rich text an editor marks words and writes a question ("Is this
claim fair?"). The rich text keeps it as

    <span data-question-id="KEY" data-question="Is this claim fair?">the words</span>

where KEY is made once, when the words are marked, and stays with them through
every edit. Each time the article is published the markers are read back from
its body (`questions_in`), and each becomes, or moves, a Passage whose answers
are comments (discussion.services.place_questions).

The span is a Draftail entity in the admin (registered in wagtail_hooks.py, its
toolbar control in static/js/question-entity.js).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from . import anchoring, passages

ENTITY_TYPE = "QUESTION"
FEATURE = "question"
MAX_QUESTION = 300
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,36}$")


@dataclass(frozen=True)
class Marked:
    """A marked passage as the body has it now."""

    key: str
    question: str
    anchor: anchoring.Anchor


def clean_question(text: str | None) -> str:
    """The question as it is kept and shown: one line, at most MAX_QUESTION
    characters, without control characters."""
    printable = "".join(c if c.isprintable() else " " for c in text or "")
    words = " ".join(printable.split())
    return words[:MAX_QUESTION]


def clean_key(key: str | None) -> str:
    return key if key and _KEY.match(key) else ""


class _Markers(HTMLParser):
    """Where each marker's words start and end in the fragment's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.position = 0
        self.open: list[tuple[str, str, int] | None] = []  # per open <span>
        self.found: list[tuple[str, str, int, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag != "span":
            return
        attrs = dict(attrs)
        key = clean_key(attrs.get("data-question-id"))
        self.open.append(
            (key, attrs.get("data-question") or "", self.position) if key else None
        )

    def handle_endtag(self, tag):
        if tag == "span" and self.open:
            marker = self.open.pop()
            if marker:
                key, question, start = marker
                self.found.append((key, question, start, self.position))

    def handle_data(self, data):
        self.position += len(data)


def markers_in(html: str) -> list[tuple[str, str, int, int]]:
    """(key, question, start, end) of each marker in an HTML fragment; offsets
    in the fragment's text (passages.text_of)."""
    parser = _Markers()
    parser.feed(html)
    parser.close()
    return parser.found


def questions_in(body) -> list[Marked]:
    """The marked passages of a StreamField body, in page order. A key seen a
    second time (a marker copied with its words) counts once, where first seen;
    a marker around no words, or only spaces, is no passage."""
    found: dict[str, Marked] = {}
    for block in body:
        if block.block_type != "paragraph":
            continue
        html = block.value.source
        text = passages.text_of(html)
        for key, question, start, end in markers_in(html):
            # The marked words without the spaces at their edges.
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            question = clean_question(question)
            if key in found or end <= start or not question:
                continue
            end = min(end, start + anchoring.MAX_EXACT)
            found[key] = Marked(
                key=key,
                question=question,
                anchor=anchoring.anchor_at(text, start, end, block.id),
            )
    return list(found.values())
