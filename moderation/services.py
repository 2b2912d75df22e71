"""What the checks need from the rest of the site."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from discussion.models import Comment


def recent_bodies(*, hours: int = 48, limit: int = 500) -> list[str]:
    """The bodies of the latest comments on any article, newest first: what the
    repeat check compares a new comment with (`Submission.recent_bodies`)."""
    since = timezone.now() - timedelta(hours=hours)
    return list(
        Comment.objects.filter(created_at__gte=since, is_deleted=False)
        .order_by("-created_at")
        .values_list("body_source", flat=True)[:limit]
    )
