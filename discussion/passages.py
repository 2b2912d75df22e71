"""An article's body as text, block by block: what passages are found in.

A block's text is what a browser gives as the `textContent` of the element that
holds it on the page (`data-block-id`), so an offset the reader's script measures
there is an offset here too.
"""

from __future__ import annotations

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
