"""WordPress's export format (WXR, "WordPress eXtended RSS"), read as a stream.

A WXR file is RSS 2.0 whose <channel> holds the site's details, its authors
(<wp:author>), terms (<wp:category>, <wp:tag>, <wp:term>) and then one <item>
per post, page, attachment, menu item… with its post meta and comments. The wp:
namespace is `http://wordpress.org/export/1.N/` (some exporters write https, and
versions 1.0 to 1.2 are in use), so elements are matched by name within any
namespace of that shape, never by one exact URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from .xmlsafe import BadFile, events, local, namespace, text

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"


def _is_wp(ns: str) -> bool:
    return "wordpress.org/export/" in ns and "/excerpt/" not in ns


def _is_excerpt(ns: str) -> bool:
    return "wordpress.org/export/" in ns and "/excerpt/" in ns


@dataclass
class Channel:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    author_id: str = ""


@dataclass
class Term:
    kind: str  # "category" or "post_tag" (or another taxonomy for <wp:term>)
    term_id: str
    slug: str
    name: str
    parent: str = ""
    description: str = ""


@dataclass
class Comment:
    comment_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date_gmt: datetime | None = None
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: str = "0"
    user_id: str = "0"
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Item:
    title: str = ""
    link: str = ""
    creator: str = ""
    guid: str = ""
    content: str = ""
    excerpt: str = ""
    post_id: str = ""
    date_gmt: datetime | None = None
    modified_gmt: datetime | None = None
    comment_status: str = "open"
    slug: str = ""
    status: str = ""
    parent: str = "0"
    menu_order: int = 0
    post_type: str = "post"
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # domain, slug, name
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    line: int = 0


def parse_wp_date(value: str) -> datetime | None:
    """A `YYYY-MM-DD HH:MM:SS` date in UTC; WordPress writes 0000-00-00 00:00:00
    for "not set" (drafts)."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _rss_date(value: str) -> datetime | None:
    try:
        found = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if found is None:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _children(element: Element) -> dict[str, list[Element]]:
    out: dict[str, list[Element]] = {}
    for child in element:
        ns = namespace(child.tag)
        name = local(child.tag)
        if _is_wp(ns):
            key = f"wp:{name}"
        elif _is_excerpt(ns):
            key = f"excerpt:{name}"
        elif ns == CONTENT_NS:
            key = f"content:{name}"
        elif ns == DC_NS:
            key = f"dc:{name}"
        else:
            key = name
        out.setdefault(key, []).append(child)
    return out


def _first(found: dict[str, list[Element]], key: str) -> str:
    elements = found.get(key)
    return text(elements[0]).strip() if elements else ""


def _meta(elements: list[Element]) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in elements:
        parts = _children(element)
        key = _first(parts, "wp:meta_key")
        if key and key not in meta:
            # Raw text, not stripped: serialized PHP counts its bytes.
            values = parts.get("wp:meta_value")
            meta[key] = text(values[0]) if values else ""
    return meta


def _comment(element: Element) -> Comment:
    parts = _children(element)
    raw_content = parts.get("wp:comment_content")
    return Comment(
        comment_id=_first(parts, "wp:comment_id"),
        author=_first(parts, "wp:comment_author"),
        email=_first(parts, "wp:comment_author_email"),
        url=_first(parts, "wp:comment_author_url"),
        ip=_first(parts, "wp:comment_author_IP"),
        date_gmt=parse_wp_date(_first(parts, "wp:comment_date_gmt"))
        or parse_wp_date(_first(parts, "wp:comment_date")),
        content=text(raw_content[0]) if raw_content else "",
        approved=_first(parts, "wp:comment_approved") or "1",
        type=_first(parts, "wp:comment_type"),
        parent=_first(parts, "wp:comment_parent") or "0",
        user_id=_first(parts, "wp:comment_user_id") or "0",
        meta=_meta(parts.get("wp:commentmeta", [])),
    )


def _item(element: Element, line: int) -> Item:
    parts = _children(element)
    content = parts.get("content:encoded")
    excerpt = parts.get("excerpt:encoded")
    try:
        menu_order = int(_first(parts, "wp:menu_order") or 0)
    except ValueError:
        menu_order = 0
    return Item(
        title=_first(parts, "title"),
        link=_first(parts, "link"),
        creator=_first(parts, "dc:creator"),
        guid=_first(parts, "guid"),
        content=text(content[0]) if content else "",
        excerpt=text(excerpt[0]).strip() if excerpt else "",
        post_id=_first(parts, "wp:post_id"),
        date_gmt=parse_wp_date(_first(parts, "wp:post_date_gmt"))
        or _rss_date(_first(parts, "pubDate"))
        or parse_wp_date(_first(parts, "wp:post_date")),
        modified_gmt=parse_wp_date(_first(parts, "wp:post_modified_gmt")),
        comment_status=_first(parts, "wp:comment_status") or "open",
        slug=_first(parts, "wp:post_name"),
        status=_first(parts, "wp:status") or "publish",
        parent=_first(parts, "wp:post_parent") or "0",
        menu_order=menu_order,
        post_type=_first(parts, "wp:post_type") or "post",
        password=_first(parts, "wp:post_password"),
        is_sticky=_first(parts, "wp:is_sticky") == "1",
        attachment_url=_first(parts, "wp:attachment_url"),
        terms=[
            (c.get("domain", ""), c.get("nicename", ""), text(c).strip())
            for c in parts.get("category", [])
        ],
        meta=_meta(parts.get("wp:postmeta", [])),
        comments=[_comment(c) for c in parts.get("wp:comment", [])],
        line=line,
    )


def _author(element: Element) -> Author:
    parts = _children(element)
    return Author(
        login=_first(parts, "wp:author_login"),
        email=_first(parts, "wp:author_email"),
        display_name=_first(parts, "wp:author_display_name"),
        first_name=_first(parts, "wp:author_first_name"),
        last_name=_first(parts, "wp:author_last_name"),
        author_id=_first(parts, "wp:author_id"),
    )


def _term(element: Element, name: str) -> Term:
    parts = _children(element)
    if name == "category":
        return Term(
            kind="category",
            term_id=_first(parts, "wp:term_id"),
            slug=_first(parts, "wp:category_nicename"),
            name=_first(parts, "wp:cat_name"),
            parent=_first(parts, "wp:category_parent"),
            description=_first(parts, "wp:category_description"),
        )
    if name == "tag":
        return Term(
            kind="post_tag",
            term_id=_first(parts, "wp:term_id"),
            slug=_first(parts, "wp:tag_slug"),
            name=_first(parts, "wp:tag_name"),
            description=_first(parts, "wp:tag_description"),
        )
    return Term(
        kind=_first(parts, "wp:term_taxonomy"),
        term_id=_first(parts, "wp:term_id"),
        slug=_first(parts, "wp:term_slug"),
        name=_first(parts, "wp:term_name"),
        parent=_first(parts, "wp:term_parent"),
        description=_first(parts, "wp:term_description"),
    )


def read(path: Path | str) -> Iterator[Channel | Author | Term | Item]:
    """The export's contents in file order: the Channel first (once its details
    are read), then authors, terms and items. BadFile if it is not a WXR file or
    not well-formed (with the line and column)."""
    depth = 0
    channel_element: Element | None = None
    channel = Channel()
    channel_sent = False
    root_checked = False
    item_line = 0
    for event, element in events(path):
        if event == "start":
            depth += 1
            if depth == 1 and not root_checked:
                root_checked = True
                if local(element.tag) != "rss":
                    raise BadFile(
                        f"{path}: not a WordPress export (WXR): the document is "
                        f"<{local(element.tag)}>, where a WXR file is <rss>."
                    )
            elif depth == 2 and local(element.tag) == "channel":
                channel_element = element
            elif depth == 3 and local(element.tag) == "item":
                item_line += 1
            continue
        depth -= 1
        if depth != 2 or channel_element is None:
            continue
        name = local(element.tag)
        ns = namespace(element.tag)
        if name in ("item",) or (
            _is_wp(ns) and name in ("author", "category", "tag", "term")
        ):
            if not channel_sent:
                if not channel.wxr_version:
                    raise BadFile(
                        f"{path}: not a WordPress export (WXR): an RSS feed "
                        "without <wp:wxr_version>."
                    )
                channel_sent = True
                yield channel
            if name == "item":
                yield _item(element, item_line)
            elif name == "author":
                yield _author(element)
            else:
                yield _term(element, name)
        elif _is_wp(ns) and name == "wxr_version":
            channel.wxr_version = text(element).strip()
        elif _is_wp(ns) and name == "base_site_url":
            channel.base_site_url = text(element).strip()
        elif _is_wp(ns) and name == "base_blog_url":
            channel.base_blog_url = text(element).strip()
        elif not ns and name == "title":
            channel.title = text(element).strip()
        elif not ns and name == "link":
            channel.link = text(element).strip()
        channel_element.remove(element)
    if not root_checked:
        raise BadFile(f"{path}: empty file: not a WordPress export (WXR).")
    if not channel.wxr_version:
        raise BadFile(
            f"{path}: not a WordPress export (WXR): no <wp:wxr_version> in the channel."
        )
    if not channel_sent:
        yield channel
