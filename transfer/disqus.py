"""Importing a Disqus export (its XML, disqus.com/disqus-internals-schema).

The file is a <disqus> document of <category>, <thread> and <post> elements.
A thread has its `dsq:id` attribute, the page's <link>, <title> and an <id>
(the site's own identifier, often empty); a post has its `dsq:id`, <message>
(HTML), <createdAt>, <isDeleted>, <isSpam>, <author> (<name>, <email> (may be
missing), <isAnonymous>, <username>), <thread dsq:id=…/> and, for a reply,
<parent dsq:id=…/>. Threads are matched to articles by their link's path,
after any `--map OLD=NEW` prefix rewriting, directly or through the redirects
an import_wordpress left. Posts are stored a thread at a time, in one
transaction, with their counters computed exactly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect

from discussion import transfer as discussion_transfer
from discussion.models import Comment
from newsroom.models import ArticlePage

from .models import Imported
from .report import Progress, Report
from .xmlsafe import BadFile, events, local

DSQ_ID = "{http://disqus.com/disqus-internals}id"


@dataclass
class Thread:
    dsq_id: str
    link: str = ""
    title: str = ""
    identifier: str = ""


@dataclass
class Post:
    dsq_id: str
    thread: str
    message: str = ""
    created_at: datetime | None = None
    parent: str = ""
    deleted: bool = False
    spam: bool = False
    name: str = ""
    email: str = ""
    anonymous: bool = False


@dataclass
class Parsed:
    forum: str = ""
    threads: dict[str, Thread] = field(default_factory=dict)
    posts: dict[str, list[Post]] = field(default_factory=lambda: defaultdict(list))
    count: int = 0


def _date(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _child(element, name: str):
    for child in element:
        if local(child.tag) == name:
            return child
    return None


def _text(element, name: str) -> str:
    child = _child(element, name)
    return (child.text or "").strip() if child is not None else ""


def read(path: Path | str) -> Parsed:
    """The whole file checked and read: BadFile (nothing stored) when it is not
    a well-formed Disqus export."""
    parsed = Parsed()
    depth = 0
    root = None
    for event, element in events(path):
        if event == "start":
            depth += 1
            if depth == 1:
                root = element
                if local(element.tag) != "disqus":
                    raise BadFile(
                        f"{path}: not a Disqus export: the document is "
                        f"<{local(element.tag)}>, where a Disqus export is <disqus>."
                    )
            continue
        depth -= 1
        if depth != 1:
            continue
        name = local(element.tag)
        if name == "thread":
            dsq_id = element.get(DSQ_ID, "")
            parsed.threads[dsq_id] = Thread(
                dsq_id=dsq_id,
                link=_text(element, "link"),
                title=_text(element, "title"),
                identifier=_text(element, "id"),
            )
            parsed.forum = parsed.forum or _text(element, "forum")
        elif name == "post":
            thread = _child(element, "thread")
            parent = _child(element, "parent")
            author = _child(element, "author")
            post = Post(
                dsq_id=element.get(DSQ_ID, ""),
                thread=thread.get(DSQ_ID, "") if thread is not None else "",
                message=(_child(element, "message").text or "")
                if _child(element, "message") is not None
                else "",
                created_at=_date(_text(element, "createdAt")),
                parent=parent.get(DSQ_ID, "") if parent is not None else "",
                deleted=_text(element, "isDeleted") == "true",
                spam=_text(element, "isSpam") == "true",
                name=_text(author, "name") if author is not None else "",
                email=_text(author, "email") if author is not None else "",
                anonymous=(_text(author, "isAnonymous") == "true")
                if author is not None
                else True,
            )
            parsed.posts[post.thread].append(post)
            parsed.count += 1
        if root is not None:
            root.remove(element)
    if root is None:
        raise BadFile(f"{path}: empty file: not a Disqus export.")
    return parsed


def _apply_map(link: str, mappings: list[tuple[str, str]]) -> str:
    for old, new in mappings:
        if link.startswith(old):
            return new + link[len(old) :]
    return link


class DisqusImport:
    def __init__(self, path, *, dry_run=False, mappings=(), progress=True, stdout=None):
        self.path = Path(path)
        self.dry_run = dry_run
        self.mappings = list(mappings)
        self.progress = progress
        self.stdout = stdout
        self.report = Report(dry_run=dry_run)

    def run(self) -> Report:
        parsed = read(self.path)
        self.source = f"disqus:{parsed.forum or self.path.name}"[:200]
        self.report.source = self.source
        self.urls = {}
        for page in ArticlePage.objects.defer_streamfields().iterator():
            url = page.url
            if url:
                self.urls[url.rstrip("/") or "/"] = page.pk
        self.records = {
            (kind, sid): oid
            for kind, sid, oid in Imported.objects.filter(
                source=self.source
            ).values_list("kind", "source_id", "object_id")
        }
        progress = Progress(len(parsed.threads), "Threads", self.stdout, self.progress)
        try:
            if self.dry_run:
                with transaction.atomic():
                    self._threads(parsed, progress)
                    transaction.set_rollback(True)
            else:
                self._threads(parsed, progress)
        finally:
            progress.close()
        for posts in parsed.posts.values():
            self.report.found("post", len(posts))
            self.report.add(
                "post", "failed", "its thread is not in the file", len(posts)
            )
        return self.report

    def _threads(self, parsed: Parsed, progress: Progress) -> None:
        for thread in parsed.threads.values():
            self._thread(thread, parsed.posts.pop(thread.dsq_id, []))
            progress.advance()

    def match(self, link: str) -> int | None:
        """The article a thread's link names, directly or through a redirect."""
        link = _apply_map(link, self.mappings)
        parts = urlsplit(link)
        path = parts.path or "/"
        found = self.urls.get(path.rstrip("/") or "/")
        if found:
            return found
        for candidate in (path + (f"?{parts.query}" if parts.query else ""), path):
            redirect = (
                Redirect.objects.filter(old_path=Redirect.normalise_path(candidate))
                .exclude(redirect_page=None)
                .values_list("redirect_page_id", flat=True)
                .first()
            )
            if redirect and ArticlePage.objects.filter(pk=redirect).exists():
                return redirect
        return None

    def _thread(self, thread: Thread, posts: list[Post]) -> None:
        self.report.found("thread")
        self.report.found("post", len(posts))
        article_id = self.match(thread.link)
        if article_id is None:
            self.report.add("thread", "skipped", "matched no article")
            self.report.add(
                "post", "skipped", "their thread matched no article", len(posts)
            )
            self.report.unmatched.append(f"{thread.link} ({len(posts)} posts)")
            return
        self.report.add("thread", "imported", "matched an article")
        known = {}
        incoming = []
        users = get_user_model().objects
        for post in posts:
            key = ("post", post.dsq_id)
            if key in self.records:
                known[post.dsq_id] = self.records[key]
                self.report.add("post", "skipped", "already imported")
                continue
            user_id = None
            if post.email:
                user_id = (
                    users.filter(email__iexact=post.email, is_active=True)
                    .values_list("pk", flat=True)
                    .first()
                )
            state = Comment.State.SPAM if post.spam else Comment.State.PUBLISHED
            reason = (
                "spam: kept, never shown"
                if post.spam
                else "deleted: kept out of view"
                if post.deleted
                else "published"
            )
            if not post.email and not user_id:
                reason += ", author without e-mail"
            incoming.append(
                discussion_transfer.ImportedComment(
                    key=post.dsq_id,
                    parent_key=post.parent or None,
                    body_html=post.message,
                    created_at=post.created_at or timezone.now(),
                    state=state,
                    is_deleted=post.deleted,
                    user_id=user_id,
                    guest_name=(post.name or "Anonymous") if not user_id else "",
                    guest_email=post.email if not user_id else "",
                    reader_key=f"u:{user_id}" if user_id else f"dq:{post.dsq_id}",
                )
            )
            self.report.add("post", "imported", reason)
        if not incoming:
            return
        with transaction.atomic():
            made, orphans = discussion_transfer.import_comments(
                article_id=article_id, comments=incoming, known=known
            )
            for dsq_id, comment_id in made.items():
                Imported.objects.get_or_create(
                    source=self.source,
                    kind="post",
                    source_id=dsq_id,
                    defaults={"object_id": comment_id},
                )
                self.records[("post", dsq_id)] = comment_id
        if orphans:
            self.report.notes[
                "replies whose parent is not in the file: made top-level"
            ] += len(orphans)


def import_file(
    path, *, dry_run=False, mappings=(), progress=True, stdout=None
) -> Report:
    return DisqusImport(
        path, dry_run=dry_run, mappings=mappings, progress=progress, stdout=stdout
    ).run()
