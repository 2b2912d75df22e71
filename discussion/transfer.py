"""What moving a discussion in and out of Tribune asks of the discussion.

Imported comments arrive whole, with their dates, states and vote counts; they
are stored in bulk, a thread at a time, and every counter the pages read
(replies shown, descendants, the thread's counts, passages' counts) is then
computed again from the rows, so it is exact however the thread was shaped.
Nothing here tells anyone: an imported comment is old news, so no mail goes
out and the COMMENT_POSTED / COMMENT_VISIBLE hooks are not called.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import nh3
from django.db import transaction
from django.db.models import F

from newsroom.services import article_scope, listings_changed
from pagecache.generations import bump

from . import markup
from .models import Comment, Passage, Thread

STATES = {state.value for state in Comment.State}


@dataclass
class ImportedComment:
    """A comment from another system. `key` is its id there; `parent_key` the
    id of the comment it answers there (None for a top-level comment)."""

    key: str
    body_html: str
    created_at: datetime
    parent_key: str | None = None
    state: str = Comment.State.PUBLISHED
    is_deleted: bool = False
    user_id: int | None = None
    guest_name: str = ""
    guest_email: str = ""
    guest_website: str = ""
    reader_key: str = ""
    up: int = 0
    down: int = 0
    pinned_at: datetime | None = None
    passage_marker: str = ""  # an editor's question's marker key


def sanitise(html: str) -> tuple[str, str]:
    """(source, html) for a comment body written elsewhere as HTML: paragraphs
    from blank lines as WordPress shows them, then the allow-list a comment
    typed today passes (no script, event attribute or javascript: URL)."""
    text = (html or "").replace("\r\n", "\n").strip()
    if not re.search(r"<(p|div|ul|ol|blockquote|pre)\b", text, re.I):
        text = "".join(
            "<p>" + chunk.strip().replace("\n", "<br>") + "</p>"
            for chunk in re.split(r"\n\s*\n", text)
            if chunk.strip()
        )
    clean = nh3.clean(
        text,
        tags=markup.ALLOWED_TAGS,
        attributes=markup.ALLOWED_ATTRIBUTES,
        link_rel=markup.LINK_REL,
        url_schemes=markup.URL_SCHEMES,
        strip_comments=True,
    ).strip()
    source = re.sub(r"<br\s*/?>", "\n", clean)
    source = re.sub(r"</p>\s*<p>", "\n\n", source)
    source = htmllib.unescape(re.sub(r"<[^>]+>", "", source)).strip()
    return source, clean


def thread_for(article_id: int) -> Thread:
    thread, _ = Thread.objects.get_or_create(article_id=article_id)
    return thread


def import_comments(
    *,
    article_id: int,
    comments: list[ImportedComment],
    known: dict[str, int] | None = None,
) -> tuple[dict[str, int], list[str]]:
    """Stores `comments` under the article, answering each other or comments
    already imported (`known`: key → id), and recounts the thread.

    Parents are stored before their replies, whatever the order given; a reply
    whose parent is nowhere becomes a top-level comment (its key is returned in
    the second list). Returns (key → id of each stored comment, orphans).
    """
    known = dict(known or {})
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread_for(article_id).pk)
        passages = {
            p.marker: p.pk
            for p in Passage.objects.filter(thread=thread).exclude(marker="")
        }
        existing = dict(
            Comment.objects.filter(pk__in=known.values()).values_list("pk", "root_id")
        )
        depth_of = dict(
            Comment.objects.filter(pk__in=known.values()).values_list("pk", "depth")
        )
        pending = {c.key: c for c in comments if c.key not in known}
        orphans: list[str] = []
        for c in pending.values():
            if (
                c.parent_key
                and c.parent_key not in pending
                and c.parent_key not in known
            ):
                orphans.append(c.key)
                c.parent_key = None
        # Break any cycle of parents: such comments become top-level too.
        placed: set[str] = set(known)
        order: list[list[ImportedComment]] = []
        left = list(pending.values())
        while left:
            level = [c for c in left if not c.parent_key or c.parent_key in placed]
            if not level:
                for c in left:
                    orphans.append(c.key)
                    c.parent_key = None
                continue
            order.append(level)
            placed.update(c.key for c in level)
            level_keys = {c.key for c in level}
            left = [c for c in left if c.key not in level_keys]
        made: dict[str, int] = {}
        for level in order:
            rows = []
            for c in level:
                source, html = sanitise(c.body_html)
                parent_id = None
                root_id = None
                depth = 0
                if c.parent_key:
                    parent_id = known.get(c.parent_key) or made[c.parent_key]
                    root_id = existing.get(parent_id) or parent_id
                    depth = depth_of.get(parent_id, 0) + 1
                up, down = max(0, c.up), max(0, c.down)
                rows.append(
                    Comment(
                        thread=thread,
                        parent_id=parent_id,
                        root_id=root_id,
                        depth=depth,
                        passage_id=passages.get(c.passage_marker)
                        if c.passage_marker and not parent_id
                        else None,
                        user_id=c.user_id,
                        guest_name=c.guest_name[:50],
                        guest_email=c.guest_email[:254],
                        guest_website=c.guest_website[:300],
                        reader_key=c.reader_key[:64],
                        body_source=source if not c.is_deleted else "",
                        body_html=html if not c.is_deleted else "",
                        body_hash=markup.fingerprint(source),
                        state=c.state if c.state in STATES else Comment.State.PENDING,
                        is_deleted=c.is_deleted,
                        up=up,
                        down=down,
                        score=up - down,
                        imported_up=up,
                        imported_down=down,
                        created_at=c.created_at,
                        pinned_at=c.pinned_at if not parent_id else None,
                    )
                )
            Comment.objects.bulk_create(rows)
            for c, row in zip(level, rows, strict=True):
                made[c.key] = row.pk
                existing[row.pk] = row.root_id
                depth_of[row.pk] = row.depth
        recount_thread(thread.pk)
    return made, orphans


def update_imported_votes(*, comment_id: int, up: int, down: int) -> None:
    """Sets the imported part of a comment's votes to new counts, keeping the
    votes cast here since."""
    up, down = max(0, up), max(0, down)
    Comment.objects.filter(pk=comment_id).update(
        up=F("up") - F("imported_up") + up,
        down=F("down") - F("imported_down") + down,
        score=F("score") - F("imported_up") + F("imported_down") + up - down,
        imported_up=up,
        imported_down=down,
    )


def recount_thread(thread_id: int) -> None:
    """Every counter of a thread computed from its rows: each comment's shown
    replies and (top-level) shown descendants, the passages' and the thread's
    counts. A comment is shown when published and not deleted, or while it holds
    a shown reply (as a placeholder), as discussion.services counts it."""
    rows = list(
        Comment.objects.filter(thread_id=thread_id).values(
            "pk", "parent_id", "root_id", "depth", "state", "is_deleted",
            "passage_id", "reply_count", "descendant_count", "created_at",
            "pinned_at",
        )
    )  # fmt: skip
    by_id = {row["pk"]: row for row in rows}
    replies = {row["pk"]: 0 for row in rows}
    shown: dict[int, bool] = {}
    for row in sorted(rows, key=lambda r: -r["depth"]):
        visible = row["state"] == Comment.State.PUBLISHED and not row["is_deleted"]
        shown[row["pk"]] = visible or replies[row["pk"]] > 0
        if shown[row["pk"]] and row["parent_id"] in replies:
            replies[row["parent_id"]] += 1
    descendants = {row["pk"]: 0 for row in rows}
    for row in rows:
        if row["root_id"] in descendants and shown[row["pk"]]:
            descendants[row["root_id"]] += 1
    changed = []
    for row in rows:
        new = (
            replies[row["pk"]],
            descendants[row["pk"]] if not row["parent_id"] else 0,
        )
        if (row["reply_count"], row["descendant_count"]) != new:
            changed.append(
                Comment(pk=row["pk"], reply_count=new[0], descendant_count=new[1])
            )
    Comment.objects.bulk_update(
        changed, ["reply_count", "descendant_count"], batch_size=500
    )
    published = [
        r for r in rows if r["state"] == Comment.State.PUBLISHED and not r["is_deleted"]
    ]
    per_passage: dict[int, int] = {}
    for row in published:
        if row["passage_id"]:
            per_passage[row["passage_id"]] = per_passage.get(row["passage_id"], 0) + 1
    for passage in Passage.objects.filter(thread_id=thread_id):
        count = per_passage.get(passage.pk, 0)
        if passage.comment_count != count:
            Passage.objects.filter(pk=passage.pk).update(comment_count=count)
    Thread.objects.filter(pk=thread_id).update(
        version=F("version") + 1,
        comment_count=len(published),
        top_level_count=sum(1 for r in rows if not r["parent_id"] and shown[r["pk"]]),
        last_comment_at=max((r["created_at"] for r in published), default=None),
        pinned_count=sum(1 for r in rows if r["pinned_at"]),
    )
    article_id = Thread.objects.values_list("article_id", flat=True).get(pk=thread_id)
    bump(article_scope(article_id))
    listings_changed()
    del by_id


def exported_comments(article_id: int) -> Iterator[dict]:
    """An article's comments as plain data, parents before replies: what the
    export writes (guest e-mail addresses included: the export is the site's
    own backup; votes as counts, never who cast them)."""
    thread = Thread.objects.filter(article_id=article_id).first()
    if thread is None:
        return
    for c in (
        Comment.objects.filter(thread=thread)
        .select_related("user", "passage")
        .order_by("depth", "created_at", "pk")
        .iterator(chunk_size=2000)
    ):
        yield {
            "id": c.pk,
            "article_id": article_id,
            "parent_id": c.parent_id,
            "created_at": c.created_at.isoformat(),
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "state": c.state,
            "is_deleted": c.is_deleted,
            "author": {
                "user_email": c.user.email if c.user_id else None,
                "name": c.author_name,
                "email": c.guest_email if not c.user_id else None,
                "website": c.guest_website,
            },
            "body_source": c.body_source,
            "body_html": c.body_html,
            "up": c.up,
            "down": c.down,
            "pinned_at": c.pinned_at.isoformat() if c.pinned_at else None,
            "passage": (
                {
                    "id": c.passage_id,
                    "exact": c.passage.exact,
                    "question": c.passage.question,
                    "marker": c.passage.marker,
                    "state": c.passage.state,
                }
                if c.passage_id
                else None
            ),
        }


def exported_passages(article_id: int) -> list[dict]:
    return [
        {
            "id": p.pk,
            "article_id": article_id,
            "exact": p.exact,
            "prefix": p.prefix,
            "suffix": p.suffix,
            "block_id": p.block_id,
            "offset": p.offset,
            "question": p.question,
            "marker": p.marker,
            "state": p.state,
            "comment_count": p.comment_count,
        }
        for p in Passage.objects.filter(thread__article_id=article_id).order_by("pk")
    ]


def ensure_passage(*, article_id: int, data: dict) -> int:
    """A reader-selected passage brought back from an export (editors' questions
    come back from their markers when the article is published)."""
    thread = thread_for(article_id)
    if data.get("marker"):
        found = Passage.objects.filter(thread=thread, marker=data["marker"]).first()
        if found:
            return found.pk
    passage = Passage.objects.create(
        thread=thread,
        exact=data["exact"][: Passage.MAX_EXACT],
        prefix=data.get("prefix", "")[: Passage.MAX_CONTEXT],
        suffix=data.get("suffix", "")[: Passage.MAX_CONTEXT],
        block_id=data.get("block_id", "")[:64],
        offset=data.get("offset", 0),
        question=data.get("question", "")[:300],
        marker=data.get("marker", ""),
        state=data.get("state", Passage.State.ANCHORED),
    )
    return passage.pk


def set_passage(*, comment_id: int, passage_id: int | None) -> None:
    Comment.objects.filter(pk=comment_id, parent__isnull=True).update(
        passage_id=passage_id
    )
