"""A commenter's own data in the discussion, for the privacy app: found by the
e-mail address they gave (a guest) or their account (a member), exported,
made anonymous or removed, and IP hashes purged when they grow old.

Erasure keeps the shape of everyone else's conversation: a removed comment
that holds replies stays as a "Comment deleted" line, so those replies keep
their place, and every counter is counted again from the rows under the
thread's lock (services._recount), so it stays exact.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet

from . import services
from .models import Comment, Vote

ANONYMOUS_NAME = "Former reader"


def authored(*, email: str, user_id: int | None) -> QuerySet[Comment]:
    """Every comment the person wrote: as a guest who gave `email`, or with
    their account."""
    who = Q(user__isnull=True, guest_email__iexact=email) if email else Q(pk__in=[])
    if user_id:
        who |= Q(user_id=user_id)
    return Comment.objects.filter(who)


def reader_keys(*, email: str, user_id: int | None) -> set[str]:
    """The reader keys the person is known by: their account's, and those of
    the browsers they commented from as a guest with `email`."""
    keys = set(authored(email=email, user_id=None).values_list("reader_key", flat=True))
    if user_id:
        keys.add(f"u:{user_id}")
    return {key for key in keys if key and not key.startswith("x:")}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_comments(*, email: str, user_id: int | None) -> list[dict]:
    """The person's comments as they may see them: their article, words, state
    and dates, and what they gave with them. Nothing of anyone else: replies
    are not included, the comment answered is named only by its number."""
    rows = (
        authored(email=email, user_id=user_id)
        .select_related("thread__article", "passage")
        .order_by("created_at", "pk")
    )
    comments = []
    for comment in rows:
        article = comment.thread.article
        comments.append(
            {
                "id": comment.pk,
                "article": {"id": article.pk, "title": article.title},
                "in_reply_to": comment.parent_id,
                "passage": comment.passage.exact if comment.passage_id else None,
                "state": comment.state,
                "deleted": comment.is_deleted,
                "created_at": _iso(comment.created_at),
                "edited_at": _iso(comment.edited_at),
                "as_member": comment.user_id is not None,
                "name": comment.guest_name,
                "email": comment.guest_email,
                "website": comment.guest_website,
                "ip_hash": comment.ip_hash,
                "body": comment.body_source,
                "votes_received": {"up": comment.up, "down": comment.down},
            }
        )
    return comments


def export_votes(*, keys: set[str]) -> dict:
    """How many votes the person cast, up and down (not on whose comments)."""
    votes = Vote.objects.filter(reader_key__in=keys)
    return {
        "up": votes.filter(value=1).count(),
        "down": votes.filter(value=-1).count(),
        "with_ip_hash": votes.exclude(ip_hash="").count(),
    }


def _unlinked_key() -> str:
    # A key no reader holds: the comment no longer belongs to any browser or
    # account (nobody can edit it, and nobody sees it as "theirs").
    return f"x:{secrets.token_hex(12)}"


def _locked(comment_ids: list[int]) -> list[Comment]:
    """The comments, each locked after its thread; threads in order of their
    number, deepest comments first within each (so a reply is dealt with before
    the comment it answers)."""
    order = (
        Comment.objects.filter(pk__in=comment_ids)
        .order_by("thread_id", "-depth", "-pk")
        .values_list("pk", flat=True)
    )
    locked = []
    for comment_id in list(order):
        comment = services._lock_comment(comment_id)
        if comment is not None:
            locked.append(comment)
    return locked


def anonymise(*, email: str, user_id: int | None) -> int:
    """Makes the person's comments anonymous: their words stay, under the name
    "Former reader"; the name, e-mail address, website, IP hash, account and
    reader key they were posted with are gone. Returns how many comments."""
    with transaction.atomic():
        ids = list(authored(email=email, user_id=user_id).values_list("pk", flat=True))
        comments = _locked(ids)
        for comment in comments:
            Comment.objects.filter(pk=comment.pk).update(
                user=None,
                guest_name=ANONYMOUS_NAME,
                guest_email="",
                guest_website="",
                ip_hash="",
                reader_key=_unlinked_key(),
            )
        for thread_id, article_id in {
            (c.thread_id, c.thread.article_id) for c in comments
        }:
            services._bump_thread(thread_id)
            services._after_change(article_id, counted=False)
    return len(comments)


def remove(*, email: str, user_id: int | None) -> tuple[int, int]:
    """Removes the person's comments: words, name, e-mail address, website, IP
    hash, account and reader key gone. A comment others replied to stays as a
    "Comment deleted" line holding those replies; the others are shown nowhere.
    Counters are counted again from the rows. Returns (comments removed, of
    which placeholders left holding others' replies)."""
    with transaction.atomic():
        ids = list(authored(email=email, user_id=user_id).values_list("pk", flat=True))
        comments = _locked(ids)
        for comment in comments:
            Comment.objects.filter(pk=comment.pk).update(
                is_deleted=True,
                body_source="",
                body_html="",
                body_hash="",
                user=None,
                guest_name="",
                guest_email="",
                guest_website="",
                ip_hash="",
                reader_key=_unlinked_key(),
            )
            comment.is_deleted = True
            services._recount(comment)
        placeholders = Comment.objects.filter(
            pk__in=[c.pk for c in comments], reply_count__gt=0
        ).count()
    return len(comments), placeholders


def forget_votes(*, keys: set[str]) -> int:
    """Clears the IP hashes kept with the person's votes (the votes themselves
    stay counted, as anonymous counts do). Returns how many votes."""
    return (
        Vote.objects.filter(reader_key__in=keys).exclude(ip_hash="").update(ip_hash="")
    )


def purge_ip_hashes(*, before: datetime) -> dict[str, int]:
    """Clears the IP hashes of comments and votes made before `before`."""
    return {
        "comments": Comment.objects.filter(created_at__lt=before)
        .exclude(ip_hash="")
        .update(ip_hash=""),
        "votes": Vote.objects.filter(created_at__lt=before)
        .exclude(ip_hash="")
        .update(ip_hash=""),
    }
