"""Tribune's own export (JSON Lines, transfer/FORMAT.md) imported into a site.

Articles come back with their body exactly as it was (the StreamField's JSON,
block ids included, so passages still point at their paragraphs), their
status and dates; comments with their threads, states, votes and passages;
ratings as counts; confirmed subscriptions. Like the WordPress import, each
thing is recorded, so running it twice changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from discussion import transfer as discussion_transfer
from newsroom.models import ArticleAuthor, ArticlePage, Author, SectionPage
from ratings import transfer as ratings_transfer
from subscriptions import transfer as subscriptions_transfer

from .export import FORMAT
from .models import Imported
from .report import Report
from .wordpress import Options, WordPressImport, tag_objects
from .xmlsafe import BadFile


def _rows(folder: Path, name: str):
    path = folder / f"{name}.jsonl"
    if not path.exists():
        return
    with open(path, encoding="utf-8") as stream:
        for n, line in enumerate(stream, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise BadFile(
                        f"{path}: line {n}, column {error.colno}: {error.msg}"
                    ) from None


def _date(value):
    return datetime.fromisoformat(value) if value else None


class SiteImport:
    def __init__(self, folder: Path, dry_run: bool = False):
        self.folder = Path(folder)
        self.report = Report(dry_run=dry_run)
        self.dry_run = dry_run

    def run(self) -> Report:
        manifest_path = self.folder / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, json.JSONDecodeError):
            raise BadFile(
                f"{self.folder}: no readable manifest.json: not a Tribune export."
            ) from None
        if manifest.get("format") != FORMAT:
            raise BadFile(
                f"{self.folder}: not a Tribune export (format {manifest.get('format')!r})."  # noqa: E501
            )
        # Every file is read once before anything is stored.
        for name in (
            "sections",
            "authors",
            "images",
            "articles",
            "passages",
            "comments",
            "subscriptions",
        ):
            for _ in _rows(self.folder, name):
                pass
        self.source = f"tribune:{manifest.get('site_url', '')}"[:200]
        self.report.source = self.source
        with transaction.atomic():
            self._import()
            if self.dry_run:
                transaction.set_rollback(True)
        return self.report

    def _record(self, kind: str, source_id, object_id: int) -> None:
        Imported.objects.get_or_create(
            source=self.source,
            kind=kind,
            source_id=str(source_id),
            defaults={"object_id": object_id},
        )

    def _known(self, kind: str) -> dict[str, int]:
        return dict(
            Imported.objects.filter(source=self.source, kind=kind).values_list(
                "source_id", "object_id"
            )
        )

    def _import(self) -> None:
        helper = WordPressImport(self.folder, Options(progress=False))
        home = helper._home_page()
        helper.home = home
        helper.report = self.report
        sections = {}
        for row in _rows(self.folder, "sections"):
            self.report.found("section")
            section = (
                SectionPage.objects.child_of(home).filter(slug=row["slug"]).first()
            )
            if section is None:
                section = home.add_child(
                    instance=SectionPage(
                        title=row["title"], slug=row["slug"], intro=row["intro"]
                    )
                )
                if row["live"]:
                    section.save_revision().publish()
                self.report.add("section", "imported")
            else:
                self.report.add("section", "skipped", "already there")
            sections[row["slug"]] = section
        authors = {}
        for row in _rows(self.folder, "authors"):
            self.report.found("author")
            author = Author.objects.filter(slug=row["slug"]).first()
            if author is None:
                author = Author.objects.create(
                    slug=row["slug"], name=row["name"], alias=row["alias"], role=row["role"],  # noqa: E501
                    bio=row["bio"], links=row["links"],
                )  # fmt: skip
                self.report.add("author", "imported")
            else:
                self.report.add("author", "skipped", "already there")
            authors[row["slug"]] = author.pk
        images = self._known("image")
        for row in _rows(self.folder, "images"):
            self.report.found("image")
            if str(row["id"]) in images:
                self.report.add("image", "skipped", "already imported")
                continue
            file = self.folder / row["file"] if row.get("file") else None
            if file is None or not file.is_file():
                self.report.add("image", "failed", "file missing from the export")
                continue
            with open(file, "rb") as handle:
                image = get_image_model()(
                    title=row["title"], description=row.get("description", ""),
                    file=ImageFile(handle, name=file.name.split("-", 1)[-1]),
                )  # fmt: skip
                image.save()
            images[str(row["id"])] = image.pk
            self._record("image", row["id"], image.pk)
            self.report.add("image", "imported")
        articles = self._known("article")
        for row in _rows(self.folder, "articles"):
            self.report.found("article")
            if (
                str(row["id"]) in articles
                and ArticlePage.objects.filter(pk=articles[str(row["id"])]).exists()
            ):
                self.report.add("article", "skipped", "already imported")
                continue
            with transaction.atomic():
                page = self._article(row, sections, authors, images, helper)
                articles[str(row["id"])] = page.pk
                self._record("article", row["id"], page.pk)
            self.report.add("article", "imported", row["status"])
        passages: dict[str, int] = {}
        for row in _rows(self.folder, "passages"):
            article_id = articles.get(str(row["article_id"]))
            if article_id:
                passages[str(row["id"])] = discussion_transfer.ensure_passage(
                    article_id=article_id, data=row
                )
        comments = self._known("comment")
        by_article = defaultdict(list)
        for row in _rows(self.folder, "comments"):
            self.report.found("comment")
            by_article[str(row["article_id"])].append(row)
        users = {}
        for old_article, rows in by_article.items():
            article_id = articles.get(old_article)
            if article_id is None:
                self.report.add(
                    "comment", "failed", "its article is not in the export", len(rows)
                )
                continue
            incoming = []
            known = {}
            for row in rows:
                if str(row["id"]) in comments:
                    known[str(row["id"])] = comments[str(row["id"])]
                    self.report.add("comment", "skipped", "already imported")
                    continue
                author = row["author"]
                user_id = None
                if author.get("user_email"):
                    email = author["user_email"].lower()
                    if email not in users:
                        users[email] = (
                            get_user_model()
                            .objects.filter(email__iexact=email)
                            .values_list("pk", flat=True)
                            .first()
                        )
                    user_id = users[email]
                incoming.append(
                    discussion_transfer.ImportedComment(
                        key=str(row["id"]),
                        parent_key=str(row["parent_id"]) if row["parent_id"] else None,
                        body_html=row["body_html"],
                        created_at=_date(row["created_at"]),
                        state=row["state"],
                        is_deleted=row["is_deleted"],
                        user_id=user_id,
                        guest_name=author["name"] if not user_id else "",
                        guest_email=(author.get("email") or "") if not user_id else "",
                        guest_website=author.get("website") or "",
                        reader_key=f"u:{user_id}" if user_id else f"t:{row['id']}",
                        up=row["up"],
                        down=row["down"],
                        pinned_at=_date(row["pinned_at"]),
                    )
                )
            with transaction.atomic():
                made, _ = discussion_transfer.import_comments(
                    article_id=article_id, comments=incoming, known=known
                )
                for row in rows:
                    passage = row.get("passage")
                    if passage and str(row["id"]) in made:
                        discussion_transfer.set_passage(
                            comment_id=made[str(row["id"])],
                            passage_id=passages.get(str(passage["id"])),
                        )
                for key, pk in made.items():
                    self._record("comment", key, pk)
                thread = discussion_transfer.thread_for(article_id)
                discussion_transfer.recount_thread(thread.pk)
            self.report.add("comment", "imported", n=len(made))
        for row in _rows(self.folder, "subscriptions"):
            self.report.found("subscription")
            topic = row["topic"]
            if topic.startswith("article:"):
                new = articles.get(topic.split(":", 1)[1])
                if new is None:
                    self.report.add(
                        "subscription", "failed", "its article is not in the export"
                    )
                    continue
                topic = f"article:{new}"
            added = subscriptions_transfer.import_subscription(
                email=row["email"], topic=topic, frequency=row["frequency"],
                confirmed_at=_date(row["confirmed_at"]),
                created_at=_date(row.get("created_at")),
            )  # fmt: skip
            self.report.add(
                "subscription",
                "imported" if added else "skipped",
                "" if added else "already there",
            )

    def _article(self, row, sections, authors, images, helper) -> ArticlePage:
        section = sections.get(row["section"]) or helper._section(
            row["section"] or "imported", ""
        )
        body = json.loads(json.dumps(row["body"]))
        for block in body:
            if block.get("type") == "image" and isinstance(block.get("value"), dict):
                block["value"]["image"] = images.get(str(block["value"].get("image")))
        featured = row.get("featured_image") or {}
        status = row["status"]
        page = ArticlePage(
            title=row["title"],
            slug=row["slug"],
            live=False,
            standfirst=row["standfirst"],
            body=json.dumps(body),
            featured_image_id=images.get(str(featured.get("id"))) if featured else None,
            featured_image_alt=featured.get("alt", ""),
            featured_image_caption=featured.get("caption", ""),
            featured_image_credit=featured.get("credit", ""),
            updated_at=_date(row.get("updated_at")),
            source_name=row["source"]["name"],
            source_url=row["source"]["url"],
            source_is_canonical=row["source"]["canonical"],
            comments_enabled=row["comments_enabled"],
            comments_closed=row["comments_closed"],
            rating_enabled=row["rating_enabled"],
            first_published_at=_date(row["first_published_at"]),
            go_live_at=_date(row["go_live_at"]) if status == "scheduled" else None,
        )
        for order, slug in enumerate(row["authors"]):
            if slug in authors:
                page.article_authors.add(
                    ArticleAuthor(author_id=authors[slug], sort_order=order)
                )
        if row["tags"]:
            page.tags.add(*tag_objects(row["tags"]))
        section.add_child(instance=page)
        revision = page.save_revision()
        if row.get("password"):
            PageViewRestriction.objects.create(
                page=page,
                restriction_type=PageViewRestriction.PASSWORD,
                password=row["password"],
            )
        if status in ("live", "scheduled"):
            revision.publish()
        if status == "live" and row.get("last_published_at"):
            ArticlePage.objects.filter(pk=page.pk).update(
                last_published_at=_date(row["last_published_at"])
            )
        ratings = row.get("ratings")
        if ratings:
            ratings_transfer.set_imported_ratings(
                article_id=page.pk,
                distribution={int(k): v for k, v in ratings["stars"].items()},
            )
        return page


def import_site(folder: Path | str, dry_run: bool = False) -> Report:
    return SiteImport(Path(folder), dry_run).run()
