"""Importing a Disqus export (its XML, disqus.com/disqus-internals-schema).

The file is a <disqus> document of <category>, <thread> and <post> elements.
A thread has its `dsq:id` attribute, the page's <link>, <title> and an <id>
(the site's own identifier, often empty); a post has its `dsq:id`, <message>
(HTML), <createdAt>, <isDeleted>, <isSpam>, <author> (<name>, <email> (may be
missing), <isAnonymous>, <username>), <thread dsq:id=…/> and, for a reply,
<parent dsq:id=…/>. Threads are matched to articles by their link's path,
after any `--map OLD=NEW` prefix rewriting, directly or through the redirects
an import_wordpress left. The file is read twice as a stream: threads first
(checking the whole file before anything is stored), then posts in file order,
stored in batches of BATCH, each thread's share of a batch in one transaction
with its counters computed exactly.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
# Posts held in memory before they are stored: what bounds the import's memory.
BATCH = 1000


@dataclass
class Thread:
    dsq_id: str
    link: str = ""
    title: str = ""
    identifier: str = ""
    forum: str = ""


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


def items(path: Path | str):
    """The file's threads and posts, one at a time, as ("thread", Thread) and
    ("post", Post), each element cleared once read (a file of any size reads in
    bounded memory). BadFile when it is not a well-formed Disqus export."""
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
            yield (
                "thread",
                Thread(
                    dsq_id=element.get(DSQ_ID, ""),
                    link=_text(element, "link"),
                    title=_text(element, "title"),
                    identifier=_text(element, "id"),
                    forum=_text(element, "forum"),
                ),
            )
        elif name == "post":
            yield "post", _post(element)
        if root is not None:
            root.remove(element)
    if root is None:
        raise BadFile(f"{path}: empty file: not a Disqus export.")


def _post(element) -> Post:
    thread = _child(element, "thread")
    parent = _child(element, "parent")
    author = _child(element, "author")
    message = _child(element, "message")
    return Post(
        dsq_id=element.get(DSQ_ID, ""),
        thread=thread.get(DSQ_ID, "") if thread is not None else "",
        message=(message.text or "") if message is not None else "",
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


def read_threads(path: Path | str) -> Parsed:
    """The first pass: the whole file checked, and its threads (few, however
    many posts there are) kept; posts are only counted."""
    parsed = Parsed()
    for kind, item in items(path):
        if kind == "thread":
            parsed.threads[item.dsq_id] = item
            parsed.forum = parsed.forum or item.forum
        else:
            parsed.count += 1
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
        parsed = read_threads(self.path)
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
        progress = Progress(parsed.count, "Posts", self.stdout, self.progress)
        try:
            if self.dry_run:
                with transaction.atomic():
                    self._posts(parsed, progress)
                    transaction.set_rollback(True)
            else:
                self._posts(parsed, progress)
        finally:
            progress.close()
        return self.report

    def _posts(self, parsed: Parsed, progress: Progress) -> None:
        """The second pass: posts in file order, stored in batches, each thread's
        share of a batch in one transaction. A reply answers a post stored in an
        earlier batch through the import records; one whose parent comes later
        in the file, or never, is made top-level and reported."""
        articles: dict[str, int | None] = {}
        unmatched: Counter = Counter()
        for thread in parsed.threads.values():
            self.report.found("thread")
            articles[thread.dsq_id] = self.match(thread.link)
            if articles[thread.dsq_id] is None:
                self.report.add("thread", "skipped", "matched no article")
            else:
                self.report.add("thread", "imported", "matched an article")
        batch: dict[str, list[Post]] = defaultdict(list)
        size = 0
        for kind, post in items(self.path):
            if kind != "post":
                continue
            progress.advance()
            self.report.found("post")
            if post.thread not in articles:
                self.report.add("post", "failed", "its thread is not in the file")
                continue
            if articles[post.thread] is None:
                self.report.add("post", "skipped", "their thread matched no article")
                unmatched[post.thread] += 1
                continue
            batch[post.thread].append(post)
            size += 1
            if size >= BATCH:
                self._flush(batch, articles)
                batch, size = defaultdict(list), 0
        self._flush(batch, articles)
        for dsq_id, count in unmatched.items():
            self.report.unmatched.append(
                f"{parsed.threads[dsq_id].link} ({count} posts)"
            )

    def _flush(self, batch: dict[str, list[Post]], articles: dict) -> None:
        for dsq_id, posts in batch.items():
            self._thread(articles[dsq_id], posts)

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

    def _thread(self, article_id: int, posts: list[Post]) -> None:
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
        # Parents stored by an earlier batch or run, by their import records.
        for post in posts:
            if post.parent and ("post", post.parent) in self.records:
                known[post.parent] = self.records[("post", post.parent)]
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
