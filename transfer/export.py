"""A whole site written out: JSON Lines for Tribune (and anyone), and a WXR file
WordPress's importer reads. The format is described in transfer/FORMAT.md."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction
from wagtail.rich_text import expand_db_html

from discussion import transfer as discussion_transfer
from newsroom.models import ArticlePage, Author, SectionPage
from ratings import transfer as ratings_transfer
from subscriptions import transfer as subscriptions_transfer

FORMAT = "tribune-export"
VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _status(page: ArticlePage) -> str:
    if page.live:
        return "live"
    if page.go_live_at and page.go_live_at > timezone.now():
        return "scheduled"
    return "draft"


def body_html(page: ArticlePage, image_url) -> str:
    """The body as plain HTML, without the site's templates: what another
    system can take in."""
    parts = []
    for block in page.body:
        kind, value = block.block_type, block.value
        if kind == "heading":
            level = value["level"]
            parts.append(f"<{level}>{escape(value['text'])}</{level}>")
        elif kind == "paragraph":
            parts.append(expand_db_html(value.source))
        elif kind == "quote":
            cite = (
                f"<cite>{escape(value['attribution'])}</cite>"
                if value["attribution"]
                else ""
            )
            parts.append(
                f"<blockquote><p>{escape(value['text'])}</p>{cite}</blockquote>"
            )
        elif kind == "image":
            image = value["image"]
            if image is None:
                continue
            alt = value["alt"] or image.description or ""
            caption = (
                f"<figcaption>{escape(value['caption'])}</figcaption>"
                if value["caption"]
                else ""
            )
            parts.append(
                f'<figure><img src="{escape(image_url(image))}" alt="{escape(alt)}">'
                f"{caption}</figure>"
            )
        elif kind == "embed":
            caption = (
                f"<figcaption>{escape(value['caption'])}</figcaption>"
                if value["caption"]
                else ""
            )
            parts.append(
                f'<figure class="embed"><a href="{escape(value["url"])}">'
                f"{escape(value['title'])}</a>{caption}</figure>"
            )
        elif kind == "cta":
            parts.append(
                f"<p><strong>{escape(value['title'])}</strong> {escape(value['text'] or '')} "  # noqa: E501
                f'<a href="{escape(value["link_url"])}">{escape(value["link_text"])}</a></p>'  # noqa: E501
            )
    return "\n".join(parts)


class Exporter:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.counts: dict[str, int] = {}

    def write(self, name: str, rows: Iterable[dict]) -> None:
        n = 0
        with open(self.folder / f"{name}.jsonl", "w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
        self.counts[name] = n

    def image_url(self, image) -> str:
        return f"{settings.SITE_URL}{image.file.url}"

    def run(self) -> dict[str, int]:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "media").mkdir(exist_ok=True)
        articles = list(
            ArticlePage.objects.order_by("path").prefetch_related(
                "tags", "article_authors__author"
            )
        )
        self.write("sections", self._sections())
        self.write("authors", self._authors())
        self.write("tags", self._tags(articles))
        self.write("images", self._images())
        self.write("articles", (self._article(a) for a in articles))
        self.write(
            "passages",
            (p for a in articles for p in discussion_transfer.exported_passages(a.pk)),
        )
        self.write(
            "comments",
            (c for a in articles for c in discussion_transfer.exported_comments(a.pk)),
        )
        self.write("subscriptions", subscriptions_transfer.exported_subscriptions())
        self.counts["wordpress.xml items"] = WXRWriter(self, articles).write(
            self.folder / "wordpress.xml"
        )
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "site_url": settings.SITE_URL,
            "exported_at": timezone.now().isoformat(),
            "files": self.counts,
        }
        (self.folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
        return self.counts

    def _sections(self):
        for s in SectionPage.objects.order_by("path"):
            yield {
                "id": s.pk,
                "slug": s.slug,
                "title": s.title,
                "intro": s.intro,
                "live": s.live,
            }

    def _authors(self):
        for a in Author.objects.order_by("slug"):
            yield {
                "id": a.pk,
                "slug": a.slug,
                "name": a.name,
                "alias": a.alias,
                "role": a.role,
                "bio": a.bio,
                "links": a.links.get_prep_value(),
                "photo_id": a.photo_id,
                "account_email": a.user.email if a.user_id else None,
            }

    def _tags(self, articles):
        seen = {}
        for article in articles:
            for tag in article.tags.all():
                seen[tag.slug] = tag.name
        for slug, name in sorted(seen.items()):
            yield {"slug": slug, "name": name}

    def _images(self):
        for image in get_image_model().objects.order_by("pk"):
            name = f"{image.pk}-{Path(image.file.name).name}"
            try:
                with (
                    image.file.open("rb") as src,
                    open(self.folder / "media" / name, "wb") as dst,
                ):
                    shutil.copyfileobj(src, dst)
            except OSError:
                name = None
            yield {
                "id": image.pk,
                "title": image.title,
                "description": getattr(image, "description", ""),
                "file": f"media/{name}" if name else None,
            }

    def _article(self, page: ArticlePage) -> dict:
        restriction = PageViewRestriction.objects.filter(
            page=page, restriction_type=PageViewRestriction.PASSWORD
        ).first()
        parent = page.get_parent()
        return {
            "id": page.pk,
            "url": page.url if page.live else None,
            "section": parent.slug if parent else None,
            "slug": page.slug,
            "title": page.title,
            "status": _status(page),
            "first_published_at": _iso(page.first_published_at),
            "last_published_at": _iso(page.last_published_at),
            "go_live_at": _iso(page.go_live_at),
            "updated_at": _iso(page.updated_at),
            "standfirst": page.standfirst,
            "authors": [link.author.slug for link in page.article_authors.all()],
            "tags": sorted(tag.name for tag in page.tags.all()),
            "featured_image": {
                "id": page.featured_image_id,
                "alt": page.featured_image_alt,
                "caption": page.featured_image_caption,
                "credit": page.featured_image_credit,
            }
            if page.featured_image_id
            else None,
            "body": page.body.get_prep_value(),
            "body_html": body_html(page, self.image_url),
            "source": {
                "name": page.source_name,
                "url": page.source_url,
                "canonical": page.source_is_canonical,
            },
            "comments_enabled": page.comments_enabled,
            "comments_closed": page.comments_closed,
            "rating_enabled": page.rating_enabled,
            "password": restriction.password if restriction else None,
            "ratings": ratings_transfer.exported_ratings(page.pk),
        }


def _cdata(text: str) -> str:
    return "<![CDATA[" + (text or "").replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _wp_date(value: datetime | None) -> str:
    if value is None:
        return "0000-00-00 00:00:00"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


class WXRWriter:
    """WXR 1.2 as WordPress writes it, so its importer takes the site in: posts
    with their categories (sections), tags, authors and comments, wpDiscuz's
    vote and rating meta."""

    def __init__(self, exporter: Exporter, articles: list[ArticlePage]):
        self.exporter = exporter
        self.articles = articles

    def write(self, path: Path) -> int:
        n = 0
        with open(path, "w", encoding="utf-8") as out:
            w = out.write
            w('<?xml version="1.0" encoding="UTF-8" ?>\n')
            w(
                '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '  # noqa: E501
                'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            )
            site = settings.SITE_URL
            w(
                f"<title>{escape(settings.WAGTAIL_SITE_NAME)}</title>\n<link>{escape(site)}</link>\n"
            )
            w("<description></description>\n<language>en</language>\n")
            w("<wp:wxr_version>1.2</wp:wxr_version>\n")
            w(f"<wp:base_site_url>{escape(site)}</wp:base_site_url>\n")
            w(f"<wp:base_blog_url>{escape(site)}</wp:base_blog_url>\n")
            for author in Author.objects.order_by("pk"):
                w(
                    f"<wp:author><wp:author_id>{author.pk}</wp:author_id>"
                    f"<wp:author_login>{_cdata(author.slug)}</wp:author_login>"
                    f"<wp:author_email>{_cdata(author.user.email if author.user_id else '')}</wp:author_email>"  # noqa: E501
                    f"<wp:author_display_name>{_cdata(author.name)}</wp:author_display_name>"
                    "<wp:author_first_name><![CDATA[]]></wp:author_first_name>"
                    "<wp:author_last_name><![CDATA[]]></wp:author_last_name></wp:author>\n"
                )
            for section in SectionPage.objects.order_by("path"):
                w(
                    f"<wp:category><wp:term_id>{section.pk}</wp:term_id>"
                    f"<wp:category_nicename>{_cdata(section.slug)}</wp:category_nicename>"
                    "<wp:category_parent><![CDATA[]]></wp:category_parent>"
                    f"<wp:cat_name>{_cdata(section.title)}</wp:cat_name></wp:category>\n"
                )
            for article in self.articles:
                w(self._item(article))
                n += 1
            w("</channel>\n</rss>\n")
        return n

    def _item(self, page: ArticlePage) -> str:
        status = {"live": "publish", "scheduled": "future", "draft": "draft"}[
            _status(page)
        ]
        date = (
            page.first_published_at
            or page.go_live_at
            or page.latest_revision_created_at
        )
        parent = page.get_parent()
        authors = [link.author for link in page.article_authors.all()]
        creator = authors[0].slug if authors else ""
        restriction = PageViewRestriction.objects.filter(
            page=page, restriction_type=PageViewRestriction.PASSWORD
        ).first()
        lines = [
            "<item>",
            f"<title>{_cdata(page.title)}</title>",
            f"<link>{escape(settings.SITE_URL + (page.url or ''))}</link>",
            f"<dc:creator>{_cdata(creator)}</dc:creator>",
            f'<guid isPermaLink="false">{escape(settings.SITE_URL)}/?p={page.pk}</guid>',  # noqa: E501
            "<description></description>",
            f"<content:encoded>{_cdata(body_html(page, self.exporter.image_url))}</content:encoded>",  # noqa: E501
            f"<excerpt:encoded>{_cdata(page.standfirst)}</excerpt:encoded>",
            f"<wp:post_id>{page.pk}</wp:post_id>",
            f"<wp:post_date>{_cdata(_wp_date(date))}</wp:post_date>",
            f"<wp:post_date_gmt>{_cdata(_wp_date(date))}</wp:post_date_gmt>",
            f"<wp:comment_status>{_cdata('closed' if page.comments_closed else 'open')}</wp:comment_status>",  # noqa: E501
            "<wp:ping_status><![CDATA[closed]]></wp:ping_status>",
            f"<wp:post_name>{_cdata(page.slug)}</wp:post_name>",
            f"<wp:status>{_cdata(status)}</wp:status>",
            "<wp:post_parent>0</wp:post_parent>",
            "<wp:menu_order>0</wp:menu_order>",
            "<wp:post_type><![CDATA[post]]></wp:post_type>",
            f"<wp:post_password>{_cdata(restriction.password if restriction else '')}</wp:post_password>",  # noqa: E501
            "<wp:is_sticky>0</wp:is_sticky>",
        ]
        if parent is not None:
            lines.append(
                f'<category domain="category" nicename="{escape(parent.slug)}">{_cdata(parent.title)}</category>'  # noqa: E501
            )
        for tag in page.tags.all():
            lines.append(
                f'<category domain="post_tag" nicename="{escape(tag.slug)}">{_cdata(tag.name)}</category>'  # noqa: E501
            )
        ratings = ratings_transfer.exported_ratings(page.pk)
        if ratings:
            average = round(ratings["total"] / ratings["count"], 1)
            lines += [
                _meta("wp:postmeta", "wpdiscuz_post_rating", str(average)),
                _meta(
                    "wp:postmeta", "wpdiscuz_post_rating_count", str(ratings["count"])
                ),
            ]
        for c in discussion_transfer.exported_comments(page.pk):
            approved = {
                "published": "1",
                "pending": "0",
                "spam": "spam",
                "removed": "trash",
                "hidden": "0",
            }[c["state"]]
            if c["is_deleted"]:
                approved = "trash"
            created = datetime.fromisoformat(c["created_at"])
            metas = ""
            if c["up"] or c["down"]:
                metas += _meta(
                    "wp:commentmeta", "wpdiscuz_votes", str(c["up"] - c["down"])
                )
                metas += _meta(
                    "wp:commentmeta",
                    "wpdiscuz_votes_seperate",
                    f'a:2:{{s:4:"like";i:{c["up"]};s:7:"dislike";i:{c["down"]};}}',
                )
            lines.append(
                "<wp:comment>"
                f"<wp:comment_id>{c['id']}</wp:comment_id>"
                f"<wp:comment_author>{_cdata(c['author']['name'])}</wp:comment_author>"
                f"<wp:comment_author_email>{_cdata(c['author']['email'] or c['author']['user_email'] or '')}</wp:comment_author_email>"  # noqa: E501
                f"<wp:comment_author_url>{escape(c['author']['website'] or '')}</wp:comment_author_url>"  # noqa: E501
                "<wp:comment_author_IP><![CDATA[]]></wp:comment_author_IP>"
                f"<wp:comment_date>{_cdata(_wp_date(created))}</wp:comment_date>"
                f"<wp:comment_date_gmt>{_cdata(_wp_date(created))}</wp:comment_date_gmt>"
                f"<wp:comment_content>{_cdata(c['body_html'])}</wp:comment_content>"
                f"<wp:comment_approved>{_cdata(approved)}</wp:comment_approved>"
                f"<wp:comment_type>{_cdata('wpdiscuz_sticky' if c['pinned_at'] else 'comment')}</wp:comment_type>"  # noqa: E501
                f"<wp:comment_parent>{c['parent_id'] or 0}</wp:comment_parent>"
                "<wp:comment_user_id>0</wp:comment_user_id>"
                f"{metas}</wp:comment>"
            )
        lines.append("</item>\n")
        return "\n".join(lines)


def _meta(tag: str, key: str, value: str) -> str:
    return (
        f"<{tag}><wp:meta_key>{_cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{_cdata(value)}</wp:meta_value></{tag}>"
    )


def export_site(folder: Path | str) -> dict[str, int]:
    return Exporter(Path(folder)).run()
