"""Importing a WordPress export (WXR), with wpDiscuz's data, into Tribune.

The file is read twice: once to check it from end to end (well-formed, a WXR
file; nothing is stored when it is not) and to list its attachments, then to
import. Each post is stored with its comments, ratings, redirects and
records in one transaction, so an interrupted import leaves whole posts only
and the next run carries on where it stopped; everything imported is recorded
in `Imported`, so the same file imported again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from discussion import services as discussion_services
from discussion import transfer as discussion_transfer
from discussion.models import Comment as DiscussionComment
from newsroom.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage
from ratings import transfer as ratings_transfer

from . import wpbody, wpdiscuz, wxr
from .models import Imported
from .report import Progress, Report
from .xmlsafe import BadFile

CONTENT_TYPES = ("post", "page")
# Post meta WordPress itself writes that has no place in Tribune: read, not reported.
WP_IGNORED_META = (
    "_edit_last", "_edit_lock", "_wp_page_template", "_wp_old_slug", "_wp_old_date",
    "_oembed_", "_publicize_", "enclosure", "_pingme", "_encloseme", "_wp_trash_",
    "_wpas_", "_jetpack_", "_menu_item_", "_wp_attachment_metadata",
    "_wp_attached_file",
    "_wp_attachment_image_alt", "_attachment_original_parent_id", "_yoast_wpseo_",
    "_wp_desired_post_slug", "_wp_suggested_privacy_policy_content", "_encloseme",
    "amp_status", "_genesis_", "_elementor_", "_aioseo_", "footnotes",
)  # fmt: skip
WP_USED_META = ("_thumbnail_id",)
WP_COMMENT_IGNORED_META = (
    "akismet_", "_wp_trash_meta_", "rating", "verified", "_wxr_import_",
)  # fmt: skip
SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


@dataclass
class Attachment:
    post_id: str
    url: str
    title: str = ""
    alt: str = ""
    caption: str = ""
    attached_file: str = ""


@dataclass
class Options:
    dry_run: bool = False
    media_dir: Path | None = None
    uncategorised_section: str = ""
    pages_section: str = "pages"
    progress: bool = True


@dataclass
class Scan:
    channel: wxr.Channel = field(default_factory=wxr.Channel)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    items: int = 0


def _checksum(*parts) -> str:
    return hashlib.sha256(
        json.dumps(parts, default=str, sort_keys=True).encode()
    ).hexdigest()


def _upload_path(url: str) -> str:
    """The path of an upload below wp-content/uploads (or the URL's path)."""
    path = unquote(urlsplit(url).path)
    if "/uploads/" in path:
        return path.split("/uploads/", 1)[1]
    return path.lstrip("/")


def scan(path: Path | str) -> Scan:
    """Reads the whole file once: BadFile if it cannot be imported; otherwise
    its channel, attachments and number of items."""
    found = Scan()
    for thing in wxr.read(path):
        if isinstance(thing, wxr.Channel):
            found.channel = thing
        elif isinstance(thing, wxr.Item):
            found.items += 1
            if thing.post_type == "attachment" and thing.attachment_url:
                found.attachments[thing.post_id] = Attachment(
                    post_id=thing.post_id,
                    url=thing.attachment_url,
                    title=thing.title,
                    alt=thing.meta.get("_wp_attachment_image_alt", ""),
                    caption=strip_tags(thing.excerpt),
                    attached_file=thing.meta.get("_wp_attached_file", ""),
                )
    return found


class WordPressImport:
    """One run of `import_wordpress`."""

    def __init__(self, path: Path | str, options: Options, stdout=None):
        self.path = Path(path)
        self.options = options
        self.stdout = stdout
        self.report = Report(dry_run=options.dry_run)
        self.records: dict[tuple[str, str], tuple[int, str]] = {}
        self.authors: dict[str, wxr.Author] = {}
        self.categories: dict[str, wxr.Term] = {}
        self.tags: dict[str, wxr.Term] = {}
        self.made_sections: set[str] = set()
        self.used_terms: set[str] = set()
        self.first_categories: set[str] = set()
        self.image_outcomes: dict[str, tuple[str, str]] = {}
        self.sticky: list[int] = []
        self.sections: dict[str, int] = {}
        self.user_ids: dict[str, int | None] = {}
        self.by_path: dict[str, Attachment] = {}

    # --- records ------------------------------------------------------------
    def _load_records(self) -> None:
        self.records = {
            (kind, source_id): (object_id, checksum)
            for kind, source_id, object_id, checksum in Imported.objects.filter(
                source=self.source
            ).values_list("kind", "source_id", "object_id", "checksum")
        }

    def _remember(
        self, kind: str, source_id: str, object_id: int, checksum: str = ""
    ) -> None:
        Imported.objects.update_or_create(
            source=self.source,
            kind=kind,
            source_id=source_id,
            defaults={"object_id": object_id, "checksum": checksum},
        )
        self.records[(kind, source_id)] = (object_id, checksum)

    # --- the run ------------------------------------------------------------
    def run(self) -> Report:
        found = scan(self.path)
        self.attachments = found.attachments
        for attachment in found.attachments.values():
            self.by_path[_upload_path(attachment.url)] = attachment
        channel = found.channel
        base = (
            channel.base_blog_url or channel.link or channel.title or str(self.path)
        ).rstrip("/")
        self.source = f"wordpress:{base}"[:200]
        self.report.source = self.source
        self.base_host = urlsplit(base).hostname or ""
        self._load_records()
        progress = Progress(
            found.items, "Importing", self.stdout, self.options.progress
        )
        try:
            if self.options.dry_run:
                with transaction.atomic():
                    self._import_all(progress)
                    transaction.set_rollback(True)
            else:
                self._import_all(progress)
        finally:
            progress.close()
        return self.report

    def _import_all(self, progress: Progress) -> None:
        self.home = self._home_page()
        for thing in wxr.read(self.path):
            if isinstance(thing, wxr.Author):
                self.report.found("author")
                self.authors[thing.login] = thing
                self._author(thing.login, listed=True)
            elif isinstance(thing, wxr.Term):
                kind = {"category": "category", "post_tag": "tag"}.get(
                    thing.kind, "term"
                )
                if thing.slug in {"category": self.categories, "tag": self.tags}.get(
                    kind, {}
                ):
                    continue  # listed twice (as <wp:category> and <wp:term>)
                self.report.found(kind)
                if thing.kind == "category":
                    self.categories[thing.slug] = thing
                elif thing.kind == "post_tag":
                    self.tags[thing.slug] = thing
                else:
                    self.report.add(
                        "term",
                        "skipped",
                        f"taxonomy {thing.kind or '?'} has no place in Tribune",
                    )
            elif isinstance(thing, wxr.Item):
                self._item(thing)
                progress.advance()
        for slug in self.categories:
            if slug in self.made_sections:
                self.report.add("category", "imported", "became a section")
            elif slug == "uncategorized" and slug in self.used_terms:
                self.report.add(
                    "category", "imported", "its posts are in the uncategorised section"
                )
            elif slug in self.first_categories:
                self.report.add("category", "skipped", "its section was already there")
            elif slug in self.used_terms:
                self.report.add(
                    "category", "imported", "a tag (a post's second or later category)"
                )
            else:
                self.report.add(
                    "category", "skipped", "no post stored in this run uses it"
                )
        self._lead_story()
        for source_id in self.attachments:
            outcome, reason = self.image_outcomes.get(
                source_id, ("skipped", "no post stored in this run uses it")
            )
            self.report.add("attachment", outcome, reason)
        for source_id, (outcome, reason) in self.image_outcomes.items():
            if source_id not in self.attachments:
                self.report.found("image (not an attachment)")
                self.report.add("image (not an attachment)", outcome, reason)
        for slug in self.tags:
            if slug in self.used_terms:
                self.report.add("tag", "imported", "on the posts stored in this run")
            else:
                self.report.add(
                    "tag", "skipped", "no post stored in this run carries it"
                )

    def _lead_story(self) -> None:
        """WordPress keeps sticky posts at the top of the front page: the newest
        one becomes the front page's lead story, unless it has one already."""
        if not self.sticky:
            return
        home = HomePage.objects.get(pk=self.home.pk)
        if home.lead_story_id is not None:
            self.report.notes[
                "sticky posts: the front page already has a lead story"
            ] += 1
            return
        newest = (
            ArticlePage.objects.filter(pk__in=self.sticky)
            .order_by("-first_published_at")
            .first()
        )
        home.lead_story = newest
        home.save_revision().publish()
        self.report.notes["the newest sticky post is the front page's lead story"] += 1

    def _home_page(self) -> HomePage:
        site = (
            Site.objects.filter(is_default_site=True)
            .select_related("root_page")
            .first()
        )
        if site and isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            slug, n = "front", 2
            while Page.objects.child_of(root).filter(slug=slug).exists():
                slug, n = f"front-{n}", n + 1
            home = root.add_child(instance=HomePage(title="Home", slug=slug))
            home.save_revision().publish()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": home},
        )
        return home

    # --- authors, sections --------------------------------------------------
    def _author(self, login: str, listed: bool = False) -> int:
        """The Author snippet for a WordPress login, made on first sight.
        `listed`: read from the export's <wp:author> list (counted there)."""
        key = ("author", login)
        if (
            key in self.records
            and Author.objects.filter(pk=self.records[key][0]).exists()
        ):
            if listed:
                self.report.add("author", "skipped", "already imported")
            return self.records[key][0]
        if not listed:
            self.report.found("author")
        info = self.authors.get(login) or wxr.Author(login=login)
        name = (
            info.display_name
            or " ".join(p for p in (info.first_name, info.last_name) if p)
            or login
            or "Unknown author"
        )[:120]
        base = slugify(login or name)[:100] or "author"
        existing = Author.objects.filter(slug=base).first()
        if existing is not None and existing.name == name:
            author = existing
        else:
            slug, n = base, 2
            while Author.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            with transaction.atomic():
                author = Author.objects.create(name=name, slug=slug)
        self._remember("author", login, author.pk)
        self.report.add(
            "author",
            "imported",
            ""
            if info.email
            else "no e-mail address in the export (fine: bylines need none)",
        )
        return author.pk

    def _section(self, slug: str, title: str) -> SectionPage:
        slug = slugify(slug)[:50] or "news"
        if slug in self.sections:
            return SectionPage.objects.get(pk=self.sections[slug])
        section = SectionPage.objects.child_of(self.home).filter(slug=slug).first()
        self.report.found("section")
        if section is not None:
            self.report.add("section", "skipped", "already there")
        else:
            section = self.home.add_child(
                instance=SectionPage(title=title or slug, slug=slug)
            )
            section.save_revision().publish()
            self.report.add("section", "imported")
            self.made_sections.add(slug)
        self.sections[slug] = section.pk
        return section

    def _section_for(self, item: wxr.Item) -> SectionPage:
        if item.post_type == "page":
            return self._section(self.options.pages_section, "Pages")
        categories = [
            (slug, name) for domain, slug, name in item.terms if domain == "category"
        ]
        categories = [c for c in categories if c[0] != "uncategorized"] or categories
        if not categories or categories[0][0] == "uncategorized":
            if self.options.uncategorised_section:
                return self._section(self.options.uncategorised_section, "")
            return self._section("uncategorised", "Uncategorised")
        slug, name = categories[0]
        self.first_categories.add(slug)
        term = self.categories.get(slug)
        return self._section(slug, (term.name if term else name) or slug)

    # --- media --------------------------------------------------------------
    def _find_file(self, attachment_path: str) -> Path | None:
        media = self.options.media_dir
        if media is None or not attachment_path:
            return None
        candidates = [attachment_path, SIZE_SUFFIX.sub("", attachment_path)]
        for candidate in candidates:
            full = (media / candidate).resolve()
            if media.resolve() in full.parents and full.is_file():
                return full
        return None

    def _image(self, src: str):
        """The Wagtail image for an image URL of the export, made from the file
        in --media-dir on first use; None (and reported) when the file is not
        there. Never fetched over the network."""
        path = _upload_path(src)
        attachment = self.by_path.get(path) or self.by_path.get(
            SIZE_SUFFIX.sub("", path)
        )
        source_id = (
            attachment.post_id if attachment else f"path:{SIZE_SUFFIX.sub('', path)}"
        )
        key = ("attachment", source_id)
        if key in self.records:
            image = get_image_model().objects.filter(pk=self.records[key][0]).first()
            if image is not None:
                self.image_outcomes.setdefault(
                    source_id, ("skipped", "already imported")
                )
                return image
        if attachment and attachment.attached_file:
            path = attachment.attached_file
        file = self._find_file(path)
        if file is None:
            self.report.missing_media[path] = src
            self.image_outcomes.setdefault(
                source_id, ("failed", "file not found in --media-dir (not fetched)")
            )
            return None
        if self.options.dry_run:
            self.image_outcomes[source_id] = ("imported", "would be an image (dry run)")
            return None
        with open(file, "rb") as handle:
            image = get_image_model()(
                title=((attachment.title if attachment else "") or file.stem)[:255],
                description=(attachment.alt if attachment else "")[:255],
                file=ImageFile(handle, name=file.name),
            )
            image.save()
        self._remember("attachment", source_id, image.pk)
        self.image_outcomes[source_id] = ("imported", "an image from the media folder")
        return image

    def _attachment_url(self, attachment_id: str) -> str | None:
        attachment = self.attachments.get(attachment_id)
        return attachment.url if attachment else None

    # --- items --------------------------------------------------------------
    def _item(self, item: wxr.Item) -> None:
        kind = item.post_type
        if kind == "attachment":
            self.report.found("attachment")
            return
        if kind not in CONTENT_TYPES:
            self.report.found(kind)
            self.report.add(kind, "skipped", f"{kind}: not content Tribune keeps")
            return
        self.report.found(kind)
        self.report.found("comment", len(item.comments))
        if item.status in ("trash", "auto-draft", "inherit"):
            self.report.add(kind, "skipped", f"status {item.status}")
            self.report.add(
                "comment", "skipped", f"on a {item.status} {kind}", len(item.comments)
            )
            return
        checksum = _checksum(
            item.title, item.content, item.excerpt, item.status, item.date_gmt,
            item.slug, item.password, item.terms, item.meta, item.comment_status,
            [vars(c) for c in item.comments], item.creator,
        )  # fmt: skip
        record = self.records.get(("post", item.post_id))
        if (
            record
            and record[1] == checksum
            and ArticlePage.objects.filter(pk=record[0]).exists()
        ):
            self.report.add(kind, "skipped", "already imported, unchanged")
            self.report.add(
                "comment", "skipped", "already imported, unchanged", len(item.comments)
            )
            return
        try:
            with transaction.atomic():
                self._store(item, checksum, record)
        except Exception as error:  # noqa: BLE001 - one post's failure is reported
            self.report.add(
                kind, "failed", f"{type(error).__name__}: {str(error)[:200]}"
            )
            self.report.add(
                "comment", "failed", f"their {kind} failed", len(item.comments)
            )
            # What the failed post's transaction made is gone: forget it.
            self._load_records()
            self.sections.clear()

    def _store(self, item: wxr.Item, checksum: str, record) -> None:
        kind = item.post_type
        converted = wpbody.convert(
            item.content, find_image=self._image, attachment_url=self._attachment_url
        )
        for note in converted.notes:
            self.report.notes[note] += 1
        body = converted.blocks or [("paragraph", "<p></p>")]
        title = (item.title or f"Untitled {kind} {item.post_id}")[:255]
        standfirst = (
            strip_tags(item.excerpt).strip() or _first_text(converted.blocks) or title
        )
        standfirst = Truncator(" ".join(standfirst.split())).chars(400)
        authors = [self._author(item.creator)] if item.creator else []
        for domain, slug, _name in item.terms:
            if domain == "author":  # Co-Authors Plus
                login = slug.removeprefix("cap-")
                if login not in self.authors:
                    self.authors[login] = wxr.Author(login=login, display_name=_name)
                author_id = self._author(login)
                if author_id not in authors:
                    authors.append(author_id)
        if not authors:
            authors = [self._author("")]
        self.used_terms.update(slug for _d, slug, _n in item.terms)
        categories = [name for domain, _s, name in item.terms if domain == "category"]
        tags = [name for domain, _s, name in item.terms if domain == "post_tag"]
        tags += [c for c in categories[1:] if c and c.lower() != "uncategorized"]
        if len(categories) > 1:
            self.report.notes["categories after the first kept as tags"] += 1
        featured = None
        thumbnail = item.meta.get("_thumbnail_id")
        if thumbnail and thumbnail in self.attachments:
            featured = self._image(self.attachments[thumbnail].url)
        fields = {
            "title": title,
            "standfirst": standfirst,
            "body": body,
            "featured_image": featured,
            "comments_enabled": True,
            "comments_closed": item.comment_status != "open",
            "search_description": "",
        }
        page = None
        if record:
            page = ArticlePage.objects.filter(pk=record[0]).first()
        if page is not None:
            self._update(page, item, fields, authors, tags)
            self.report.add(kind, "updated", "changed since the last import")
        else:
            page = self._create(item, fields, authors, tags)
            reason = {
                "publish": "published",
                "future": "scheduled",
                "draft": "draft",
                "pending": "draft (was pending review)",
                "private": "private: kept unpublished",
            }.get(item.status, f"status {item.status}: kept unpublished")
            if item.password:
                reason += ", password-protected"
            if item.is_sticky and page.live:
                self.sticky.append(page.pk)
            self.report.add(kind, "imported", reason)
        self._redirects(item, page)
        self._ratings(item, page)
        self._comments(item, page, converted.questions)
        self._unknown_meta(item)
        self._remember("post", item.post_id, page.pk, checksum)

    def _create(
        self, item: wxr.Item, fields: dict, authors: list[int], tags: list[str]
    ) -> ArticlePage:
        section = self._section_for(item)
        base = slugify(unquote(item.slug or "") or item.title, allow_unicode=False)[:70]
        base = base or f"{item.post_type}-{item.post_id}"
        slug, n = base, 2
        siblings = Page.objects.child_of(section)
        while siblings.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        if slug != base:
            self.report.notes["slugs taken in their section: numbered"] += 1
        publish_now = item.status == "publish" or (
            item.status == "future"
            and item.date_gmt
            and item.date_gmt <= timezone.now()
        )
        page = ArticlePage(
            slug=slug,
            live=False,
            first_published_at=item.date_gmt if publish_now else None,
            go_live_at=item.date_gmt
            if item.status == "future" and not publish_now
            else None,
            **fields,
        )
        for order, author_id in enumerate(authors):
            page.article_authors.add(
                ArticleAuthor(author_id=author_id, sort_order=order)
            )
        if tags:
            page.tags.add(*tag_objects(tags))
        section.add_child(instance=page)
        revision = page.save_revision()
        if item.password:
            PageViewRestriction.objects.create(
                page=page,
                restriction_type=PageViewRestriction.PASSWORD,
                password=item.password[:255],
            )
        if publish_now or item.status == "future":
            # first_published_at is already set, so the publication is not "new":
            # subscribers get no mail for an article the old site published.
            revision.publish()
        page.refresh_from_db()
        return page

    def _update(
        self, page: ArticlePage, item: wxr.Item, fields: dict, authors, tags
    ) -> None:
        page = page.get_latest_revision_as_object()
        for name, value in fields.items():
            setattr(page, name, value)
        page.article_authors.clear()
        for order, author_id in enumerate(authors):
            page.article_authors.add(
                ArticleAuthor(author_id=author_id, sort_order=order)
            )
        page.tags.set(tag_objects(tags))
        revision = page.save_revision()
        if page.live:
            revision.publish()

    def _redirects(self, item: wxr.Item, page: ArticlePage) -> None:
        paths = []
        link = urlsplit(item.link or "")
        if (
            link.path
            and link.path != "/"
            and (
                not link.hostname
                or link.hostname == self.base_host
                or not self.base_host
            )
        ):
            paths.append(link.path + (f"?{link.query}" if link.query else ""))
        paths.append(
            f"/?{'page_id' if item.post_type == 'page' else 'p'}={item.post_id}"
        )
        for raw in dict.fromkeys(paths):
            old = Redirect.normalise_path(raw)
            if page.url and Redirect.normalise_path(page.url) == old:
                continue
            existing = Redirect.objects.filter(old_path=old, site=None).first()
            self.report.found("redirect")
            if existing is None:
                Redirect.objects.create(
                    old_path=old, site=None, redirect_page=page, is_permanent=True
                )
                self.report.add("redirect", "imported")
            elif existing.redirect_page_id == page.pk:
                self.report.add("redirect", "skipped", "already there")
            else:
                self.report.add(
                    "redirect", "skipped", "the old path already redirects elsewhere"
                )

    def _ratings(self, item: wxr.Item, page: ArticlePage) -> None:
        distribution, notes = wpdiscuz.post_ratings(item.meta)
        for note in notes:
            self.report.notes[note] += 1
        if distribution or ratings_transfer.imported_distribution(page.pk):
            self.report.found("rating", sum(distribution.values()))
            if ratings_transfer.set_imported_ratings(
                article_id=page.pk, distribution=distribution
            ):
                self.report.add("rating", "imported", n=sum(distribution.values()))
            else:
                self.report.add(
                    "rating", "skipped", "already imported", sum(distribution.values())
                )

    def _user_id(self, email: str) -> int | None:
        email = (email or "").strip().lower()
        if not email:
            return None
        if email not in self.user_ids:
            self.user_ids[email] = (
                get_user_model().objects.filter(email__iexact=email, is_active=True)
                .values_list("pk", flat=True).first()
            )  # fmt: skip
        return self.user_ids[email]

    def _comments(self, item: wxr.Item, page: ArticlePage, questions) -> None:
        rating_keys = set(wpdiscuz.rating_fields(item.meta))
        form_ids = {
            int(c.meta[wpdiscuz.FEEDBACK_FORM_ID])
            for c in item.comments
            if c.meta.get(wpdiscuz.FEEDBACK_FORM_ID, "").strip().isdigit()
        }
        assignment, note = wpdiscuz.feedback_assignment(
            [q.key for q in questions], form_ids
        )
        if note:
            self.report.notes[note] += 1
        if assignment and not page.live:
            # Published articles had their questions placed as they went live;
            # a draft's are placed now, so its answers are tied to them too.
            discussion_services.place_questions(article=page)
        known: dict[str, int] = {}
        incoming: list[discussion_transfer.ImportedComment] = []
        for c in item.comments:
            key = ("comment", c.comment_id)
            for meta_key in c.meta:
                if not wpdiscuz.known_comment_key(
                    meta_key, rating_keys
                ) and not meta_key.startswith(WP_COMMENT_IGNORED_META):
                    self.report.unknown_meta[f"comment:{meta_key}"] += 1
            if c.type in ("pingback", "trackback"):
                self.report.add("comment", "skipped", f"{c.type}: left out")
                continue
            votes = wpdiscuz.comment_votes(c.meta) or (0, 0)
            if key in self.records:
                known[c.comment_id] = self.records[key][0]
                discussion_transfer.update_imported_votes(
                    comment_id=self.records[key][0], up=votes[0], down=votes[1]
                )
                self.report.add("comment", "skipped", "already imported")
                continue
            state, reason = {
                "1": (DiscussionComment.State.PUBLISHED, "published"),
                "0": (
                    DiscussionComment.State.PENDING,
                    "held for moderation (was pending)",
                ),
                "spam": (DiscussionComment.State.SPAM, "spam: kept, never shown"),
                "trash": (DiscussionComment.State.REMOVED, "trash: kept, never shown"),
                "post-trashed": (
                    DiscussionComment.State.REMOVED,
                    "trash: kept, never shown",
                ),
            }.get(
                c.approved,
                (DiscussionComment.State.PENDING, f"status {c.approved}: held"),
            )
            if c.type == wpdiscuz.PRIVATE_TYPE:
                state, reason = (
                    DiscussionComment.State.PENDING,
                    "wpDiscuz private comment: held",
                )
            user_id = self._user_id(c.email)
            website = c.url if c.url.startswith(("http://", "https://")) else ""
            marker = ""
            form_id = c.meta.get(wpdiscuz.FEEDBACK_FORM_ID, "").strip()
            if form_id.isdigit() and c.parent in ("", "0"):
                marker = assignment.get(int(form_id), "")
                if marker:
                    self.report.add(
                        "feedback", "imported", "answer tied to its question"
                    )
                else:
                    self.report.add(
                        "feedback", "skipped", "answer kept as an ordinary comment"
                    )
            if votes != (0, 0):
                self.report.add("vote", "imported", n=votes[0] + votes[1])
            incoming.append(
                discussion_transfer.ImportedComment(
                    key=c.comment_id,
                    parent_key=c.parent if c.parent not in ("", "0") else None,
                    body_html=c.content,
                    created_at=c.date_gmt or item.date_gmt or timezone.now(),
                    state=state,
                    user_id=user_id,
                    guest_name=(c.author or "Anonymous") if user_id is None else "",
                    guest_email=c.email if user_id is None else "",
                    guest_website=website if user_id is None else "",
                    reader_key=f"u:{user_id}" if user_id else f"wp:{c.comment_id}",
                    up=votes[0],
                    down=votes[1],
                    pinned_at=(c.date_gmt or timezone.now())
                    if c.type == wpdiscuz.STICKY_TYPE
                    else None,
                    passage_marker=marker,
                )
            )
            self.report.add(
                "comment",
                "imported",
                reason + (", member matched by e-mail" if user_id else ""),
            )
        if not incoming and not known:
            return
        # Replies to pingbacks (left out) or to comments not in the export.
        made, orphans = discussion_transfer.import_comments(
            article_id=page.pk, comments=incoming, known=known
        )
        if orphans:
            self.report.notes[
                "replies whose parent is not in the export: made top-level"
            ] += len(orphans)
        Imported.objects.bulk_create(
            [
                Imported(
                    source=self.source, kind="comment", source_id=key, object_id=pk
                )
                for key, pk in made.items()
            ],
            batch_size=1000,
        )
        for key, pk in made.items():
            self.records[("comment", key)] = (pk, "")

    def _unknown_meta(self, item: wxr.Item) -> None:
        for key in item.meta:
            if (
                key in WP_USED_META
                or key.startswith(WP_IGNORED_META)
                or wpdiscuz.known_post_key(key)
            ):
                continue
            self.report.unknown_meta[f"post:{key}"] += 1


def tag_objects(names: list[str]) -> list[Tag]:
    """Tags by name (any letter case), made with an ASCII slug: the site's tag
    pages are addressed by slugs of ASCII letters, digits and hyphens."""
    found = []
    for name in dict.fromkeys(n.strip()[:100] for n in names if n and n.strip()):
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            base = slugify(name)[:90] or "tag"
            slug, n = base, 2
            while Tag.objects.filter(slug=slug).exists():
                slug, n = f"{base}-{n}", n + 1
            tag = Tag.objects.create(name=name, slug=slug)
        if tag not in found:
            found.append(tag)
    return found


def _first_text(blocks) -> str:
    for block_type, value in blocks:
        if block_type == "paragraph":
            text = strip_tags(value).strip()
            if text:
                return text
    return ""


def import_file(path, options: Options, stdout=None) -> Report:
    """Imports a WXR file; BadFile (nothing stored) if it cannot be."""
    return WordPressImport(path, options, stdout).run()


__all__ = ["BadFile", "Options", "import_file", "scan", "datetime"]
