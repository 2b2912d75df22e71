"""Readers' discussion under an article: threads, comments and votes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

# The largest id a row can have: ids are 64-bit integers on every engine.
LARGEST_ID = 2**63 - 1


class Thread(models.Model):
    """One article's discussion: its counters, kept so pages never count rows.

    `version` goes up whenever comments are added, edited, deleted, withdrawn or
    restored, so "anything new?" is one cheap comparison. Votes leave the row
    alone: a vote locks only its own comment.
    """

    article = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="discussion_thread"
    )
    comment_count = models.PositiveIntegerField(default=0)
    top_level_count = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=0)
    last_comment_at = models.DateTimeField(null=True, blank=True)
    # Comments ever pinned and not unpinned: while none, the first page does not
    # look for them.
    pinned_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Discussion of page {self.article_id}"


class Passage(models.Model):
    """A passage of an article that comments are about: a text-quote selector.

    Readers select it (or an editor marks it and asks `question`). It is kept as
    its exact words with up to 32 characters either side, the body block it is
    in and where it starts there, and the revision it was made on. When a new
    revision is published it is looked for again (discussion.anchoring): found,
    these fields follow it; lost, it is orphaned and keeps its last words, so
    its comments still show what they were about.
    """

    class State(models.TextChoices):
        ANCHORED = "anchored", "Anchored"
        ORPHANED = "orphaned", "On an earlier version"

    MAX_EXACT = 500
    MAX_CONTEXT = 32

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="passages"
    )
    exact = models.CharField(max_length=MAX_EXACT)
    prefix = models.CharField(max_length=MAX_CONTEXT, blank=True)
    suffix = models.CharField(max_length=MAX_CONTEXT, blank=True)
    block_id = models.CharField(max_length=64)
    offset = models.PositiveIntegerField(
        default=0, help_text="Where in its block it starts: a hint, not a promise."
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The revision it was made on.",
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.ANCHORED
    )
    question = models.CharField(max_length=300, blank=True)
    marker = models.CharField(
        max_length=36,
        blank=True,
        help_text="The key of the editor's marker in the body, for a question; "
        "empty for a passage a reader selected.",
    )
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["thread", "block_id"], name="passage_thread_block")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "marker"],
                condition=~Q(marker=""),
                name="passage_one_per_marker",
            )
        ]

    def __str__(self) -> str:
        return f"Passage {self.pk}: {self.exact[:40]}"

    @property
    def is_orphaned(self) -> bool:
        return self.state == self.State.ORPHANED

    @property
    def anchor(self) -> str:
        return f"passage-{self.pk}"


class CommentQuerySet(models.QuerySet):
    def shown(self, reader_key: str | None = None) -> CommentQuerySet:
        """Comments a reader sees: published ones, and placeholders of deleted or
        withdrawn ones that still hold replies; with `reader_key`, also that
        reader's own comments that nobody else sees (see Comment.viewer_key)."""
        shown = Q(state=Comment.State.PUBLISHED, is_deleted=False) | Q(
            reply_count__gt=0
        )
        if reader_key:
            shown |= Q(reader_key=reader_key, is_deleted=False) & Q(
                state__in=Comment.SEEN_BY_AUTHOR
            )
        return self.filter(shown)

    def seen_only_by(self, reader_key: str) -> CommentQuerySet:
        """The reader's own comments that nobody else sees: held for a moderator,
        or hidden (which their author sees as published)."""
        return self.filter(
            reader_key=reader_key, is_deleted=False, state__in=Comment.SEEN_BY_AUTHOR
        )

    def for_thread(self, thread: Thread) -> CommentQuerySet:
        return self.filter(thread=thread)

    def top_level(self) -> CommentQuerySet:
        return self.filter(parent__isnull=True)

    def sorted_by(self, sort: str) -> CommentQuerySet:
        return self.order_by(*Comment.SORT_ORDER[sort])

    def with_author(self) -> CommentQuerySet:
        return self.select_related("user")

    def changeable_by(self, reader_key: str) -> CommentQuerySet:
        """Comments their author may still edit or delete (see can_be_changed_by)."""
        since = timezone.now() - timedelta(seconds=settings.DISCUSSION_EDIT_WINDOW)
        return self.filter(
            reader_key=reader_key,
            state__in=Comment.CHANGEABLE,
            is_deleted=False,
            created_at__gte=since,
        )


class Comment(models.Model):
    """A reader's comment, or a reply to one.

    `root` is the top-level comment a reply hangs under and `depth` how deep it
    sits, so a whole conversation is read with one query, whatever its shape.
    The body is kept as written (`body_source`, Markdown) and as rendered and
    sanitised HTML (`body_html`), rendered once, when it is saved.
    """

    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Awaiting moderation"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed by a moderator"
        HIDDEN = "hidden", "Seen by its author only"

    # What a comment's author still sees of it while nobody else does: one held
    # for a moderator ("awaiting moderation"), or one hidden from everyone else,
    # which its author sees as published (a shadow ban).
    SEEN_BY_AUTHOR = (State.PENDING, State.HIDDEN)
    # What its author may still edit or delete: what they see as published.
    CHANGEABLE = (State.PUBLISHED, State.HIDDEN)

    SORTS = ("oldest", "newest", "votes")
    SORT_ORDER = {
        "oldest": ("created_at", "id"),
        "newest": ("-created_at", "-id"),
        "votes": ("-score", "-created_at", "-id"),
    }

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    depth = models.PositiveIntegerField(default=0)
    # Set on a top-level comment about a passage of the article; its replies
    # belong to its conversation, not to the passage.
    passage = models.ForeignKey(
        Passage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    guest_name = models.CharField(max_length=50, blank=True)
    guest_email = models.EmailField(blank=True)  # never shown, never in the API
    guest_website = models.URLField(max_length=300, blank=True)
    reader_key = models.CharField(max_length=64, db_index=True)
    ip_hash = models.CharField(max_length=32, blank=True)

    body_source = models.TextField()
    body_html = models.TextField()
    body_hash = models.CharField(max_length=64)

    # No index of its own: nearly every row is published, and SQLite, which keeps
    # no statistics, would pick it over the thread indexes and read every row.
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.PUBLISHED
    )
    is_deleted = models.BooleanField(default=False)
    up = models.PositiveIntegerField(default=0)
    down = models.PositiveIntegerField(default=0)
    score = models.IntegerField(default=0)
    # Votes brought from another system, which came as counts with no voter:
    # `up` and `down` include them, and new votes add to them.
    imported_up = models.PositiveIntegerField(default=0)
    imported_down = models.PositiveIntegerField(default=0)
    # Direct replies shown (placeholders included), and on a top-level comment
    # every reply shown under it; a comment left with no shown replies that is
    # itself no longer published is not shown at all.
    reply_count = models.PositiveIntegerField(default=0)
    descendant_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Set when a moderator pins a top-level comment: shown first, and marked.
    pinned_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    # The reader key of whoever the comment is being shown to, when they are known
    # (a page rendered for one reader): its author then sees it as they should.
    viewer_key: str | None = None
    # Set on a comment just posted and held: why it waits, in words for its author.
    review_message = ""

    class Meta:
        indexes = [
            models.Index(
                fields=["thread", "parent", "created_at"], name="comment_thread_time"
            ),
            models.Index(
                fields=["thread", "parent", "score"], name="comment_thread_score"
            ),
            models.Index(fields=["root", "created_at"], name="comment_root_time"),
            models.Index(
                fields=["thread", "reader_key", "body_hash"], name="comment_duplicate"
            ),
            # The same, for a guest with no cookie yet (statements.find_twin): by
            # the words first, then the address, so that it is not the thread's
            # time index that a flood of posts makes long.
            models.Index(
                fields=["thread", "body_hash", "ip_hash"],
                name="comment_duplicate_address",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="comment_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_name}"

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def author_name(self) -> str:
        if self.user_id:
            return self.user.public_name
        return self.guest_name

    @property
    def is_staff_comment(self) -> bool:
        return bool(self.user_id and self.user.is_staff)

    @property
    def is_seen_by_author_only(self) -> bool:
        """Shown, with its words, only because its own author is looking."""
        return (
            not self.is_deleted
            and self.state in self.SEEN_BY_AUTHOR
            and bool(self.viewer_key)
            and self.viewer_key == self.reader_key
        )

    @property
    def awaiting_moderation(self) -> bool:
        """Its author is looking at it while it waits for a moderator."""
        return self.state == self.State.PENDING and self.is_seen_by_author_only

    @property
    def public_state(self) -> str:
        """The state its viewer is told: "pending" while it waits for a moderator
        (only its author sees it then), else "published"; a hidden comment is
        "published" to its author, who is the only one to see it."""
        return "pending" if self.state == self.State.PENDING else "published"

    @property
    def is_placeholder(self) -> bool:
        """Shown only as a line that holds its replies, never with its words."""
        if self.is_deleted:
            return True
        return self.state != self.State.PUBLISHED and not self.is_seen_by_author_only

    @property
    def placeholder_text(self) -> str:
        if self.is_deleted:
            return "Comment deleted"
        if self.state == self.State.PENDING:
            return "Comment awaiting moderation"
        return "Comment removed by a moderator"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("discussion:permalink", args=[self.pk])

    def editable_until(self):
        return self.created_at + timedelta(seconds=settings.DISCUSSION_EDIT_WINDOW)

    def can_be_changed_by(self, reader_key: str, now=None) -> bool:
        """Its author may edit or delete it for a while after posting."""
        now = now or timezone.now()
        return (
            not self.is_deleted
            and self.state in self.CHANGEABLE
            and bool(reader_key)
            and reader_key == self.reader_key
            and now <= self.editable_until()
        )


class Vote(models.Model):
    """One reader's up (+1) or down (-1) vote on a comment; one per reader."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    reader_key = models.CharField(max_length=64)
    value = models.SmallIntegerField(choices=[(1, "up"), (-1, "down")])
    ip_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reader_key"], name="one_vote_per_reader"
            ),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_is_one"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d} on comment {self.comment_id}"
