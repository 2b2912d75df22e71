"""What moving ratings in and out of Tribune asks of the ratings app.

Ratings brought from another system have no reader: each is kept as a Rating
row whose reader key names it as imported (`i:<n>`), so the summary stays the
count of the rows, a reader's own rating here adds to it, and none of the
imported ones can ever be taken for a reader's.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Sum

from newsroom.services import article_scope
from pagecache.generations import bump

from .models import STARS, Rating, RatingSummary

IMPORTED_PREFIX = "i:"


def imported_distribution(article_id: int) -> dict[int, int]:
    rows = (
        Rating.objects.filter(
            article_id=article_id, reader_key__startswith=IMPORTED_PREFIX
        )
        .values("stars")
        .annotate(n=Count("pk"))
    )
    return {row["stars"]: row["n"] for row in rows}


def set_imported_ratings(*, article_id: int, distribution: dict[int, int]) -> bool:
    """Makes the article's imported ratings exactly `distribution` (stars →
    how many), leaving readers' own ratings alone, and recounts its summary.
    Returns whether anything changed."""
    wanted = {n: int(c) for n, c in distribution.items() if n in STARS and int(c) > 0}
    with transaction.atomic():
        if imported_distribution(article_id) == wanted:
            return False
        Rating.objects.filter(
            article_id=article_id, reader_key__startswith=IMPORTED_PREFIX
        ).delete()
        rows, n = [], 0
        for stars in sorted(wanted):
            for _ in range(wanted[stars]):
                n += 1
                rows.append(
                    Rating(
                        article_id=article_id,
                        reader_key=f"{IMPORTED_PREFIX}{n}",
                        stars=stars,
                    )
                )
        Rating.objects.bulk_create(rows, batch_size=1000)
        recount(article_id)
    return True


def recount(article_id: int) -> None:
    """The article's summary computed from its Rating rows."""
    per_star = dict(
        Rating.objects.filter(article_id=article_id)
        .values_list("stars")
        .annotate(n=Count("pk"))
    )
    total = Rating.objects.filter(article_id=article_id).aggregate(t=Sum("stars"))["t"]
    RatingSummary.objects.update_or_create(
        article_id=article_id,
        defaults={
            "count": sum(per_star.values()),
            "total": total or 0,
            **{f"stars_{n}": per_star.get(n, 0) for n in STARS},
        },
    )
    bump(article_scope(article_id))


def exported_ratings(article_id: int) -> dict | None:
    """An article's ratings as counts (who rated is not exported)."""
    summary = RatingSummary.objects.filter(article_id=article_id).first()
    if summary is None or summary.count == 0:
        return None
    return {
        "count": summary.count,
        "total": summary.total,
        "stars": {str(n): getattr(summary, f"stars_{n}") for n in STARS},
    }
