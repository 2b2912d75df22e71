"""An article's body as text, block by block: what passages are found in.

A block's text is what a browser gives as the `textContent` of the element that
holds it on the page (`data-block-id`), so an offset the reader's script measures
there is an offset here too.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

# Blocks a passage can be in: running text. Headings, images, embeds and the
# call to action are not commented on line by line.
TEXT_BLOCKS = ("paragraph", "quote")


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(html: str) -> str:
    """The text of an HTML fragment, as the browser's textContent has it."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def block_texts(body) -> dict[str, str]:
    """The text of each block of a StreamField body a passage can be in, by
    block id, in page order."""
    texts = {}
    for block in body:
        if block.block_type == "paragraph":
            # Rich text's stored HTML has the same text as its rendering (which
            # would look up every linked page), so it is read as stored.
            texts[block.id] = text_of(block.value.source)
        elif block.block_type in TEXT_BLOCKS:
            texts[block.id] = text_of(block.render())
    return texts


# --- marking passages in a block's HTML -------------------------------------------
class _Tokens(HTMLParser):
    """An HTML fragment as tokens that put it back together unchanged: (kind,
    text), where the text of "data" is decoded and every other kind is raw."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start:" + tag, self.get_starttag_text()))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("empty", self.get_starttag_text()))

    def handle_endtag(self, tag):
        self.tokens.append(("end:" + tag, f"</{tag}>"))

    def handle_data(self, data):
        self.tokens.append(("data", data))

    def handle_comment(self, data):
        self.tokens.append(("raw", f"<!--{data}-->"))

    def handle_decl(self, decl):
        self.tokens.append(("raw", f"<!{decl}>"))


# Elements whose contents are never text a reader selects in a paragraph.
_VOID = {"br", "img", "hr", "wbr", "input", "source", "col", "area", "embed"}


def mark_passages(html: str, passages, count_html) -> str:
    """`html` with the words of each passage wrapped in <mark data-passage-id>,
    and `count_html(passage)` (HTML) put after them.

    The passages' offsets are in the block's text (`text_of(html)`); a passage
    whose words are not at its offset any more (a preview of a draft, say) is
    left unmarked. Passages may nest or overlap: the text is cut wherever one
    starts or ends (and at every tag), and each piece is wrapped in one mark per
    passage that covers it, nested, the passage that starts first (or the longer)
    outside. So every mark names one passage, a piece read by two passages sits
    in two marks, and marks never cross a tag. The first piece of a passage
    carries its `id`; its count goes right after its last piece, or after the
    link that piece is in, so links never nest. Words are put back as text,
    escaped, whatever they contain.
    """
    text = text_of(html)
    chosen = sorted(
        (
            p
            for p in passages
            if p.exact and text[p.offset : p.offset + len(p.exact)] == p.exact
        ),
        key=lambda p: (p.offset, -len(p.exact), p.pk),
    )
    if not chosen:
        return html
    spans = [(p.offset, p.offset + len(p.exact)) for p in chosen]
    cuts = sorted({edge for span in spans for edge in span})
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    out: list[str] = []
    open_tags: list[str] = []
    pending: list[str] = []  # counts waiting for a link to close
    started: set[int] = set()  # passages (their index in `chosen`) with an id out
    position = 0
    for kind, raw in parser.tokens:
        if kind.startswith("start:"):
            tag = kind[6:]
            out.append(raw)
            if tag not in _VOID:
                open_tags.append(tag)
            continue
        if kind.startswith("end:"):
            tag = kind[4:]
            out.append(raw)
            if tag in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(tag) :]
            if pending and "a" not in open_tags:
                out.extend(pending)
                pending.clear()
            continue
        if kind != "data":
            out.append(raw)
            continue
        if not raw:
            continue
        start, end = position, position + len(raw)
        position = end
        edges = [start, *(cut for cut in cuts if start < cut < end), end]
        for a, b in zip(edges, edges[1:], strict=False):
            covering = [i for i, (s, e) in enumerate(spans) if s <= a and b <= e]
            for i in covering:
                out.append(
                    f'<mark class="passage" data-passage-id="{chosen[i].pk}"'
                    + ("" if i in started else f' id="passage-{chosen[i].pk}"')
                    + ">"
                )
                started.add(i)
            out.append(escape(raw[a - start : b - start], quote=False))
            out.append("</mark>" * len(covering))
            # The passages that end here, innermost first, as their marks close.
            for i in reversed(covering):
                if spans[i][1] == b:
                    count = str(count_html(chosen[i]))
                    (pending if "a" in open_tags else out).append(count)
    out.extend(pending)
    return "".join(out)
