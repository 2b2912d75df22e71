"""Readers' discussion under an article: threads, comments and votes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connections, models, router
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone


# The statements a new comment runs inside the write lock (SQLite's single
# writer, PostgreSQL's lock on the thread row) are written out below. Built by the
# ORM, each costs about half a millisecond of Python while the lock is held; as
# plain statements on indexed columns they cost a tenth of that, so posts from
# several processes overlap instead of queueing. Counters still change in the
# database (`n = n + 1`), never by read-add-save.
def _execute(model, sql: str, params: list) -> tuple[int, tuple | None]:
    """Runs `sql` ({table} names the model's table) on the database the model is
    written to; returns the rows it changed and the first row it read."""
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)
        row = cursor.fetchone() if cursor.description else None
        return cursor.rowcount, row


def _db_datetime(model, value):
    return connections[router.db_for_write(model)].ops.adapt_datetimefield_value(value)


class ThreadQuerySet(models.QuerySet):
    def count_new_comment(
        self, thread_id: int, article_id: int, *, top_level: bool, at
    ) -> bool:
        """Counts a new comment on the thread row, which stays locked until the
        transaction ends. False if `thread_id` is not this article's thread."""
        changed, _ = _execute(
            self.model,
            "UPDATE {table} SET version = version + 1,"
            " comment_count = comment_count + 1,"
            " top_level_count = top_level_count + %s, last_comment_at = %s"
            " WHERE id = %s AND article_id = %s",
            [int(top_level), _db_datetime(self.model, at), thread_id, article_id],
        )
        return changed == 1


class Thread(models.Model):
    """One article's discussion: its counters, kept so pages never count rows.

    `version` goes up on every change a reader could see (a comment, an edit, a
    vote), so "anything new?" is one cheap comparison.
    """

    article = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="discussion_thread"
    )
    comment_count = models.PositiveIntegerField(default=0)
    top_level_count = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=0)
    last_comment_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThreadQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Discussion of page {self.article_id}"


class CommentQuerySet(models.QuerySet):
    def shown(self) -> CommentQuerySet:
        """Comments a reader sees: published ones and placeholders of deleted ones
        that still hold replies."""
        return self.filter(state=Comment.State.PUBLISHED).exclude(
            is_deleted=True, reply_count=0
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
            state=Comment.State.PUBLISHED,
            is_deleted=False,
            created_at__gte=since,
        )

    # --- the posting path (see _execute) ---------------------------------------
    def twin_id(
        self,
        *,
        thread_id: int,
        reader_key: str,
        body_hash: str,
        parent_id: int | None,
        since,
    ) -> int | None:
        """The first comment since `since` by the same reader, with the same body,
        in reply to the same comment, that is still there."""
        parent = "parent_id IS NULL" if parent_id is None else "parent_id = %s"
        since = _db_datetime(self.model, since)
        params = [thread_id, reader_key, body_hash, since, False]
        if parent_id is not None:
            params.append(parent_id)
        _, row = _execute(
            self.model,
            "SELECT id FROM {table} WHERE thread_id = %s AND reader_key = %s"
            " AND body_hash = %s AND created_at >= %s AND is_deleted = %s"
            f" AND {parent} ORDER BY id LIMIT 1",
            params,
        )
        return row[0] if row else None

    def reply_target(self, comment_id: int, thread_id: int) -> tuple | None:
        """(root_id, depth, is_deleted, state) of a comment in the thread."""
        _, row = _execute(
            self.model,
            "SELECT root_id, depth, is_deleted, state FROM {table}"
            " WHERE id = %s AND thread_id = %s",
            [comment_id, thread_id],
        )
        return tuple(row) if row else None

    def count_new_reply(self, parent_id: int, root_id: int) -> None:
        """Counts a reply on its parent and on the top-level comment above it."""
        _execute(
            self.model,
            "UPDATE {table} SET reply_count = reply_count"
            " + (CASE WHEN id = %s THEN 1 ELSE 0 END),"
            " descendant_count = descendant_count"
            " + (CASE WHEN id = %s THEN 1 ELSE 0 END)"
            " WHERE id IN (%s, %s)",
            [parent_id, root_id, parent_id, root_id],
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
    reply_count = models.PositiveIntegerField(default=0)  # direct replies shown
    descendant_count = models.PositiveIntegerField(default=0)  # on roots: replies shown

    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

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
            and self.state == self.State.PUBLISHED
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
