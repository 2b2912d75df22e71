"""Reading a discussion: one page of top-level comments with their replies, in a
fixed number of queries whatever the size of the thread."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.dateparse import parse_datetime
from wagtail.models import Page

from newsroom.services import article_scope
from pagecache.generations import CONTENT, version

from .models import Comment, Passage, Thread
from .readers import Reader


def thread_of(article) -> Thread | None:
    """The article's thread (None before its first comment); one query at most,
    none when the listing fetched it with the article."""
    if isinstance(article, Page):
        try:
            return article.discussion_thread
        except Thread.DoesNotExist:
            return None
    return Thread.objects.filter(article_id=article.pk).first()


def discussion_version(article_id: int) -> str:
    """Changes whenever the article's own discussion may have changed: its
    comments and votes, or anything published (the article's comment switches).
    Comments on other articles leave it alone."""
    return version(CONTENT, article_scope(article_id))


def clean_sort(value: str | None) -> str:
    return value if value in Comment.SORTS else settings.DISCUSSION_DEFAULT_SORT


FILTERS = ("passages",)


def clean_filter(value: str | None) -> str:
    """ "passages" (only comments about a passage) or "" (every comment)."""
    return value if value in FILTERS else ""


def passage_comment_count(thread: Thread | None) -> int:
    """How many comments about a passage readers see: those the "passages"
    filter lists, their replies aside (a reply is not about the passage). Added
    up from the passages' own counters, orphaned ones included; one query."""
    if thread is None:
        return 0
    found = Passage.objects.filter(thread=thread).aggregate(n=Sum("comment_count"))
    return found["n"] or 0


# --- cursors: where the next page starts ---------------------------------------------
def make_cursor(comment: Comment, sort: str) -> str:
    data = {"t": comment.created_at.isoformat(), "i": comment.pk}
    if sort == "votes":
        data["s"] = comment.score
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_cursor(cursor: str | None) -> dict | None:
    """The decoded cursor, or None for a missing or malformed one (first page)."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        data["t"] = parse_datetime(data["t"])
        if data["t"] is None or not isinstance(data["i"], int):
            return None
        if "s" in data and not isinstance(data["s"], int):
            return None
    except (ValueError, TypeError, KeyError, json.JSONDecodeError):
        return None
    return data


def _after(queryset, sort: str, cursor: dict):
    """Comments strictly after the cursor in `sort` order (keyset paging)."""
    t, i = cursor["t"], cursor["i"]
    if sort == "oldest":
        return queryset.filter(Q(created_at__gt=t) | Q(created_at=t, id__gt=i))
    if sort == "newest":
        return queryset.filter(Q(created_at__lt=t) | Q(created_at=t, id__lt=i))
    s = cursor.get("s", 0)
    return queryset.filter(
        Q(score__lt=s)
        | Q(score=s, created_at__lt=t)
        | Q(score=s, created_at=t, id__lt=i)
    )


# --- the page -----------------------------------------------------------------
@dataclass
class Conversation:
    """A top-level comment and the replies shown under it, as a tree."""

    root: Comment
    hidden_replies: int = 0  # not loaded yet: "View N more replies"
    children: dict[int, list[Comment]] = field(default_factory=dict)

    def replies_to(self, comment: Comment) -> list[Comment]:
        return self.children.get(comment.pk, [])

    def comments(self) -> list[Comment]:
        """The top-level comment and every reply loaded under it."""
        return [self.root, *(c for replies in self.children.values() for c in replies)]


@dataclass
class DiscussionPage:
    thread: Thread | None
    sort: str
    conversations: list[Conversation]
    next_cursor: str | None
    total: int  # every comment in the discussion (the section's heading)
    starts_at_beginning: bool = True
    filter: str = ""
    passage_id: int | None = None

    @cached_property
    def count(self) -> int:
        """How many comments the listing is of: every one, or under the
        "passages" filter those about a passage (asked only when wanted)."""
        if self.filter == "passages":
            return passage_comment_count(self.thread)
        return self.total

    @property
    def is_partial(self) -> bool:
        """Whether some comments are not on this page (so "View all" helps)."""
        return (
            self.next_cursor is not None
            or not self.starts_at_beginning
            or any(c.hidden_replies for c in self.conversations)
        )


def _attach(conversation: Conversation, replies: list[Comment]) -> None:
    """Builds the tree under a root; replies deeper than the shown depth hang
    under their ancestor at that depth, and remember whom they answer."""
    max_depth = settings.DISCUSSION_MAX_DEPTH
    by_id = {conversation.root.pk: conversation.root}
    by_id.update((reply.pk, reply) for reply in replies)
    for reply in replies:  # oldest first, so parents come before children
        parent = by_id.get(reply.parent_id)
        reply.parent_comment = parent
        holder = parent
        while holder is not None and holder.depth >= max_depth:
            holder = by_id.get(holder.parent_id)
        if holder is None:
            holder = conversation.root
        reply.shown_depth = min(reply.depth, max_depth)
        reply.is_flattened = reply.depth > max_depth
        conversation.children.setdefault(holder.pk, []).append(reply)


def conversations_for(
    roots: list[Comment], *, replies_limit: int | None, reader_key: str | None = None
) -> list[Conversation]:
    """The replies of `roots`, at most `replies_limit` each (None: all); one query.
    With `reader_key`, that reader's own held and hidden replies are among them."""
    conversations = [Conversation(root=root) for root in roots]
    if not roots:
        return conversations
    replies = Comment.objects.shown(reader_key).filter(root__in=roots).with_author()
    if replies_limit is not None:
        replies = replies.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("root_id")],
                order_by=[F("created_at").asc(), F("id").asc()],
            )
        ).filter(position__lte=replies_limit)
    by_root: dict[int, list[Comment]] = {}
    for reply in replies.order_by("created_at", "id"):
        reply.viewer_key = reader_key
        by_root.setdefault(reply.root_id, []).append(reply)
    for conversation in conversations:
        shown = by_root.get(conversation.root.pk, [])
        conversation.hidden_replies = max(
            0, conversation.root.descendant_count - len(shown)
        )
        _attach(conversation, shown)
    return conversations


@dataclass
class _OwnHidden:
    """A shadow-banned reader's own comments in a thread, which they see as
    published and nobody counts: how many, and how many under each comment."""

    total: int = 0
    below_parent: dict[int, int] = field(default_factory=dict)
    below_root: dict[int, int] = field(default_factory=dict)


def _own_hidden(thread: Thread, reader_key: str) -> _OwnHidden:
    """So that the counts the reader sees include what they see (one query)."""
    own = _OwnHidden()
    rows = Comment.objects.filter(
        thread=thread,
        reader_key=reader_key,
        state=Comment.State.HIDDEN,
        is_deleted=False,
    ).values_list("parent_id", "root_id")
    for parent_id, root_id in rows:
        own.total += 1
        if parent_id is not None:
            own.below_parent[parent_id] = own.below_parent.get(parent_id, 0) + 1
            own.below_root[root_id] = own.below_root.get(root_id, 0) + 1
    return own


def shown_count(request, thread: Thread | None) -> int:
    """How many comments the thread has for the reader of `request`: a
    shadow-banned reader's own, which they see as published, are counted for
    them, on the byline, in the JSON-LD and by the poll as in the heading."""
    if thread is None:
        return 0
    return thread.comment_count + _own_hidden_counts(request).get(thread.pk, 0)


def _own_hidden_counts(request) -> dict[int, int]:
    """Thread id -> how many of the reader's own hidden comments it has; only
    for a reader whose pages are their own (never served from the page cache),
    asked once a request however many articles the page lists, and not at all
    of a guest who has no comment yet."""
    if request is None:
        return {}
    counts = getattr(request, "_discussion_own_hidden", None)
    if counts is None:
        reader_key = Reader.personal_key(request)
        counts = (
            dict(
                Comment.objects.filter(
                    reader_key=reader_key,
                    state=Comment.State.HIDDEN,
                    is_deleted=False,
                )
                .values("thread_id")
                .annotate(n=Count("pk"))
                .values_list("thread_id", "n")
            )
            if reader_key and not Reader.from_request(request).is_new
            else {}
        )
        request._discussion_own_hidden = counts
    return counts


def discussion_page(
    thread: Thread | None,
    *,
    sort: str,
    cursor: str | None = None,
    limit: int | None = None,
    replies_limit: int | None = -1,
    start_at: Comment | None = None,
    filter: str = "",
    passage_id: int | None = None,
    reader_key: str | None = None,
) -> DiscussionPage:
    """A page of the discussion: `limit` top-level comments after `cursor` (or
    from `start_at`, a permalinked thread), each with its first replies, and
    with the passage it is about. `filter` "passages": only comments about one;
    `passage_id`: only comments about that one (the answers to a question).

    `replies_limit` -1 means the configured preview; None means every reply.
    `reader_key`: the page is for that reader alone, who sees their own held and
    hidden comments too. Pinned comments come first on the first page.
    """
    sort = clean_sort(sort)
    filter = clean_filter(filter)
    limit = limit or settings.DISCUSSION_PAGE_SIZE
    if replies_limit == -1:
        replies_limit = settings.DISCUSSION_REPLIES_SHOWN
    if thread is None:
        return DiscussionPage(
            None, sort, [], None, 0, filter=filter, passage_id=passage_id
        )
    roots = (
        Comment.objects.shown(reader_key).for_thread(thread).top_level().with_author()
    )
    if passage_id is not None:
        roots = roots.filter(passage_id=passage_id)
    elif filter == "passages":
        roots = roots.filter(passage__isnull=False)
    roots = roots.select_related("passage")
    position = parse_cursor(cursor)
    starts_at_beginning = position is None and start_at is None
    # Pinned comments open the first page, in the order they were pinned (the
    # latest first), and are left out of the pages in the chosen order.
    pinned: list[Comment] = []
    if starts_at_beginning and thread.pinned_count:
        pinned = list(roots.filter(pinned_at__isnull=False).order_by("-pinned_at"))
    unpinned = roots.filter(pinned_at__isnull=True).sorted_by(sort)
    if start_at is not None:
        position = parse_cursor(make_cursor(start_at, sort))
        roots = roots.filter(pk=start_at.pk) | _after(unpinned, sort, position)
        roots = roots.sorted_by(sort)
    elif position is not None:
        roots = _after(unpinned, sort, position)
    else:
        roots = unpinned
    page = list(roots[: limit + 1])
    has_more = len(page) > limit
    page = pinned + page[:limit]
    own = _own_hidden(thread, reader_key) if reader_key else _OwnHidden()
    for comment in page:
        comment.viewer_key = reader_key
        comment.descendant_count += own.below_root.get(comment.pk, 0)
    conversations = conversations_for(
        page, replies_limit=replies_limit, reader_key=reader_key
    )
    if own.total:
        for conversation in conversations:
            for comment in conversation.comments():
                comment.reply_count += own.below_parent.get(comment.pk, 0)
    return DiscussionPage(
        thread=thread,
        sort=sort,
        conversations=conversations,
        next_cursor=make_cursor(page[-1], sort) if has_more else None,
        total=thread.comment_count + own.total,
        starts_at_beginning=starts_at_beginning,
        filter=filter,
        passage_id=passage_id,
    )
