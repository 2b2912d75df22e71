"""A WordPress post body turned into the article body's blocks.

WordPress keeps a body as HTML written by the classic editor (paragraphs are
blank lines, to which `wpautop` adds <p> on display) or by the block editor
(HTML between `<!-- wp:name {...} -->` comments), with shortcodes such as
[caption] and [embed] in either. Headings become heading blocks; paragraphs
and lists rich text; images (found in the media folder) image blocks with their
[caption] or <figcaption>; YouTube, Vimeo and other embeds embed blocks; block
quotes quote blocks; the rest rich text, sanitised to the editor's features, so
no script, event attribute or javascript: URL survives. wpDiscuz's inline
feedback shortcode becomes the editor's question marker (discussion/questions.py).
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

# Rich text as Wagtail stores it, for the features the body's paragraphs have.
RICH_TAGS = {"p", "b", "i", "a", "ul", "ol", "li", "sup", "sub", "br", "span"}
RICH_ATTRIBUTES = {"a": {"href"}, "span": {"data-question-id", "data-question"}}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "figure",
    "div", "pre", "table", "hr", "iframe", "section", "article", "aside", "header",
    "footer", "dl", "address", "details", "form", "video", "audio", "object",
    "embed", "script", "style", "noscript", "center", "main", "nav",
}  # fmt: skip
DROPPED = {"script", "style", "noscript", "form", "object", "embed", "template"}
SHORTCODE_ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"\]]+)"""
)
FEEDBACK = re.compile(
    r"\[wpdiscuz-feedback\b([^\]]*)\](.*?)\[/wpdiscuz-feedback\]", re.S | re.I
)
CAPTION = re.compile(r"\[(?:wp_)?caption\b([^\]]*)\](.*?)\[/(?:wp_)?caption\]", re.S)
EMBED = re.compile(r"\[embed\b[^\]]*\](.*?)\[/embed\]", re.S)
GALLERY = re.compile(r"\[gallery\b([^\]]*)\]")
MEDIA = re.compile(r"\[(audio|video|playlist)\b([^\]]*)\](?:(.*?)\[/\1\])?", re.S)
OTHER_SHORTCODE = re.compile(r"\[/?([a-zA-Z][\w-]*)\b[^\]]*\]")
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.S)
BARE_URL = re.compile(r"^\s*(https?://\S+)\s*$")
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_-]")


def shortcode_attrs(raw: str) -> dict[str, str]:
    attrs = {}
    for match in SHORTCODE_ATTR.finditer(htmllib.unescape(raw or "")):
        name = match.group(1) or match.group(3) or match.group(5)
        value = match.group(2) if match.group(1) else match.group(4)
        if value is None:
            value = match.group(6)
        attrs[name.lower()] = value or ""
    return attrs


@dataclass
class Question:
    key: str
    question: str


@dataclass
class Converted:
    blocks: list[tuple[str, object]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    missing_images: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out, and why


def clean_rich(html: str) -> str:
    """Rich text limited to the body's features; `<strong>`/`<em>` as Wagtail
    keeps them (`<b>`, `<i>`)."""
    html = re.sub(r"<(/?)strong\b", r"<\1b", html, flags=re.I)
    html = re.sub(r"<(/?)em\b", r"<\1i", html, flags=re.I)
    return nh3.clean(
        html,
        tags=RICH_TAGS,
        attributes=RICH_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    ).strip()


def _text(node) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def _question_key(raw: str) -> str:
    return _KEY_CHARS.sub("-", raw.strip())[:36]


def _prepare(source: str, converted: Converted, image_ids: Callable) -> str:
    """Shortcodes to HTML the walk below understands."""

    def feedback(match):
        attrs = shortcode_attrs(match.group(1))
        key = _question_key(attrs.get("id", ""))
        question = " ".join(re.sub(r"<[^>]*>", "", attrs.get("question", "")).split())
        inner = match.group(2)
        if not key or not question:
            converted.notes.append(
                "wpdiscuz-feedback without id or question: text kept"
            )
            return inner
        converted.questions.append(Question(key=key, question=question))
        return (
            f'<span data-question-id="{htmllib.escape(key)}" '
            f'data-question="{htmllib.escape(question)}">{inner}</span>'
        )

    def caption(match):
        attrs = shortcode_attrs(match.group(1))
        inner = match.group(2)
        text_caption = attrs.get("caption", "")
        if not text_caption:
            text_caption = re.sub(r"<img\b[^>]*>", "", inner)
            text_caption = re.sub(r"<a\b[^>]*>\s*</a>", "", text_caption).strip()
            inner = inner.replace(text_caption, "") if text_caption else inner
        image = re.search(r"<img\b[^>]*>", inner)
        return (
            f"\n\n<figure>{image.group(0) if image else ''}"
            f"<figcaption>{text_caption}</figcaption></figure>\n\n"
        )

    def embed(match):
        url = match.group(1).strip()
        return f'\n\n<figure data-embed="{htmllib.escape(url)}"></figure>\n\n'

    def gallery(match):
        attrs = shortcode_attrs(match.group(1))
        ids = [i.strip() for i in attrs.get("ids", "").split(",") if i.strip()]
        if not ids:
            converted.notes.append(
                "[gallery] without ids: the post's attachments are not listed"
            )
            return ""
        images = []
        for attachment_id in ids:
            url = image_ids(attachment_id)
            if url:
                images.append(f'<figure><img src="{htmllib.escape(url)}"></figure>')
            else:
                converted.notes.append(
                    f"[gallery] image {attachment_id}: not an attachment of the export"
                )
        return "\n\n" + "\n\n".join(images) + "\n\n"

    def media(match):
        attrs = shortcode_attrs(match.group(2))
        url = (
            attrs.get("src")
            or attrs.get("mp3")
            or attrs.get("mp4")
            or (match.group(3) or "").strip()
        )
        if url.startswith(("http://", "https://")):
            return f'\n\n<figure data-embed="{htmllib.escape(url)}"></figure>\n\n'
        converted.notes.append(f"[{match.group(1)}] without a URL: left out")
        return ""

    source = FEEDBACK.sub(feedback, source)
    source = CAPTION.sub(caption, source)
    source = EMBED.sub(embed, source)
    source = GALLERY.sub(gallery, source)
    source = MEDIA.sub(media, source)
    source = BLOCK_COMMENT.sub("\n\n", source)
    return source


class _Walker:
    def __init__(self, converted: Converted, find_image: Callable):
        self.out = converted
        self.find_image = find_image
        self.inline: list[str] = []

    # --- output -------------------------------------------------------------
    def paragraph(self, html: str) -> None:
        cleaned = clean_rich(html)
        if re.sub(r"<[^>]*>|\s|&nbsp;", "", cleaned):
            if not cleaned.startswith(("<p", "<ul", "<ol")):
                cleaned = f"<p>{cleaned}</p>"
            self.out.blocks.append(("paragraph", cleaned))

    def flush(self) -> None:
        if not self.inline:
            return
        joined = "".join(self.inline)
        self.inline = []
        for chunk in re.split(r"\n\s*\n", joined):
            if BARE_URL.match(re.sub(r"<[^>]*>", "", chunk)) and "<a" not in chunk:
                self.embed(re.sub(r"<[^>]*>", "", chunk).strip(), "")
                continue
            chunk = chunk.strip().replace("\n", "<br>")
            if chunk:
                self.paragraph(chunk)

    def image(self, img: Tag, caption: str = "") -> None:
        src = img.get("src") or ""
        found = self.find_image(src) if src else None
        alt = (img.get("alt") or "").strip()[:250]
        if found is None:
            self.out.missing_images.append(src or "(an <img> without src)")
            if caption:
                self.paragraph(f"<p><i>{htmllib.escape(caption)}</i></p>")
            return
        self.out.blocks.append(
            (
                "image",
                {"image": found, "alt": alt, "caption": caption[:300], "credit": ""},
            )
        )

    def embed(self, url: str, caption: str, title: str = "") -> None:
        url = htmllib.unescape(url).strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.out.notes.append(f"embed with an unusable URL left out: {url[:80]}")
            return
        self.out.blocks.append(
            (
                "embed",
                {
                    "url": url,
                    "title": (title or parts.hostname)[:200],
                    "caption": caption[:300],
                },
            )
        )

    # --- the walk -----------------------------------------------------------
    def walk(self, parent) -> None:
        for node in list(parent.children):
            if isinstance(node, Comment):
                continue
            if isinstance(node, NavigableString):
                self.inline.append(htmllib.escape(str(node), quote=False))
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name.lower()
            if name in DROPPED:
                self.out.notes.append(f"<{name}> left out")
                continue
            if name == "img":
                self.flush()
                self.image(node)
                continue
            if name not in BLOCK_TAGS:
                if node.find(["img", "iframe"]) is not None:
                    self.flush()
                    self.walk(node)
                    continue
                self.inline.append(str(node))
                continue
            self.flush()
            self.block(node, name)
        self.flush()

    def block(self, node: Tag, name: str) -> None:
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _text(node)[:160]
            if text:
                level = "h2" if name in ("h1", "h2") else "h3"
                self.out.blocks.append(("heading", {"text": text, "level": level}))
            return
        if name == "p":
            media = node.find(["img", "iframe"])
            if media is not None:
                self.walk(node)
                return
            inner = node.decode_contents()
            if BARE_URL.match(_text(node)) and node.find("a") is None:
                self.embed(_text(node), "")
                return
            self.paragraph(f"<p>{inner}</p>")
            return
        if name in ("ul", "ol"):
            self.paragraph(str(node))
            return
        if name == "blockquote":
            cite = node.find(["cite", "footer"])
            attribution = _text(cite)[:200] if cite else ""
            if cite:
                cite.extract()
            text = "\n".join(_text(p) for p in node.find_all("p")) or _text(node)
            if text:
                self.out.blocks.append(
                    ("quote", {"text": text, "attribution": attribution})
                )
            return
        if name == "figure":
            self.figure(node)
            return
        if name == "iframe":
            self.embed(node.get("src") or "", "", node.get("title") or "")
            return
        if name in ("video", "audio"):
            source = node.get("src") or (node.find("source") or {}).get("src", "")
            if source:
                self.embed(source, "")
            return
        if name == "pre":
            lines = node.get_text().strip("\n").split("\n")
            self.paragraph(
                "<p>" + "<br>".join(htmllib.escape(line) for line in lines) + "</p>"
            )
            return
        if name == "table":
            rows = []
            for row in node.find_all("tr"):
                cells = [_text(cell) for cell in row.find_all(["th", "td"])]
                rows.append(htmllib.escape(" | ".join(cells)))
            if rows:
                self.paragraph("<p>" + "<br>".join(rows) + "</p>")
            self.out.notes.append("a table kept as lines of text")
            return
        if name == "hr":
            return
        if name == "dl":
            parts = [
                htmllib.escape(_text(item)) for item in node.find_all(["dt", "dd"])
            ]
            if parts:
                self.paragraph("<p>" + "<br>".join(parts) + "</p>")
            return
        # div, section, details… : what is inside them counts.
        self.walk(node)

    def figure(self, node: Tag) -> None:
        caption_node = node.find("figcaption")
        caption = _text(caption_node)
        if caption_node:
            caption_node.extract()
        if node.get("data-embed"):
            self.embed(node["data-embed"], caption)
            return
        classes = " ".join(node.get("class") or [])
        if "wp-block-embed" in classes:
            iframe = node.find("iframe")
            url = (iframe.get("src") if iframe else "") or _text(node)
            self.embed(url, caption)
            return
        images = node.find_all("img")
        if images:
            for img in images:
                self.image(img, caption if len(images) == 1 else "")
            return
        iframe = node.find("iframe")
        if iframe is not None:
            self.embed(iframe.get("src") or "", caption, iframe.get("title") or "")
            return
        quote = node.find("blockquote")
        if quote is not None:
            self.block(quote, "blockquote")
            return
        self.walk(node)
        if caption:
            self.paragraph(f"<p><i>{htmllib.escape(caption)}</i></p>")


def convert(
    source: str,
    *,
    find_image: Callable[[str], object | None],
    attachment_url: Callable[[str], str | None] = lambda _id: None,
) -> Converted:
    """Blocks for the article body (`(block_type, value)` pairs a StreamField
    takes), the feedback questions marked in it, images not found, and notes on
    what was left out. `find_image(src)` gives the Wagtail image for an image
    URL (or None); `attachment_url(id)` an attachment's URL (for [gallery])."""
    converted = Converted()
    prepared = _prepare(source or "", converted, attachment_url)
    soup = BeautifulSoup(prepared, "html.parser")
    _Walker(converted, find_image).walk(soup)
    leftover = sorted(
        {m.group(1) for block in converted.blocks if block[0] == "paragraph"
         for m in OTHER_SHORTCODE.finditer(block[1])}
    )  # fmt: skip
    for name in leftover:
        converted.notes.append(f"shortcode [{name}] kept as text")
    return converted
