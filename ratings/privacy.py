"""A reader's ratings, for the privacy app: exported, their IP hashes cleared
on request, and purged when they grow old. The ratings themselves stay counted
in each article's tally (anonymous counts), so no tally needs recounting."""

from __future__ import annotations

from datetime import datetime

from .models import Rating


def export_ratings(*, keys: set[str]) -> list[dict]:
    """The reader's ratings: which article, how many stars, when."""
    rows = (
        Rating.objects.filter(reader_key__in=keys)
        .select_related("article")
        .order_by("created_at", "pk")
    )
    return [
        {
            "article": {"id": rating.article_id, "title": rating.article.title},
            "stars": rating.stars,
            "created_at": rating.created_at.isoformat(),
            "updated_at": rating.updated_at.isoformat(),
            "ip_hash": rating.ip_hash,
        }
        for rating in rows
    ]


def forget_ip_hashes(*, keys: set[str]) -> int:
    """Clears the IP hashes kept with the reader's ratings; returns how many."""
    return (
        Rating.objects.filter(reader_key__in=keys)
        .exclude(ip_hash="")
        .update(ip_hash="")
    )


def purge_ip_hashes(*, before: datetime) -> int:
    """Clears the IP hashes of ratings last given or changed before `before`.
    (`update()` leaves `updated_at` alone, so purging does not make them new.)"""
    return (
        Rating.objects.filter(updated_at__lt=before)
        .exclude(ip_hash="")
        .update(ip_hash="")
    )
