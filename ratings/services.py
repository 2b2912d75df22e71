"""Every write to ratings: rate an article, take a rating back.

The view, the JSON API and the demo loader all call these, so a rating follows
the same rules however it arrives. Each change locks the article's summary row
first, then changes the reader's Rating row and the summary's counters (with F())
in the same transaction: the counters are exact however many readers rate at
once, and two requests of one reader cannot both add a rating.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from wagtail.models import Site

from discussion.readers import Reader, over_limit
from newsroom.services import (
    ArticleRef,
    article_scope,
    listings_changed,
    live_article,
)
from pagecache.generations import CONTENT, bump, version

from .models import STARS, Rating, RatingSettings, RatingSummary


class RatingError(Exception):
    """A refusal a reader should see: `errors` maps a field (or "__all__") to text."""

    status = 400

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class InvalidRating(RatingError):
    status = 400


class NotAllowed(RatingError):
    status = 403


class NotFound(RatingError):
    status = 404


class RateLimited(RatingError):
    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            f"You are going a little fast. Please try again in {retry_after} seconds."
        )


@dataclass(frozen=True)
class Tally:
    """An article's ratings as one reader sees them: the counts, and their own."""

    count: int = 0
    total: int = 0
    distribution: tuple[int, ...] = (0, 0, 0, 0, 0)  # readers giving 1..5 stars
    mine: int | None = None

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None

    @classmethod
    def of(cls, summary: RatingSummary | None, mine: int | None = None) -> Tally:
        if summary is None:
            return cls(mine=mine)
        return cls(
            count=summary.count,
            total=summary.total,
            distribution=tuple(summary.distribution[n] for n in STARS),
            mine=mine,
        )


# --- reads ------------------------------------------------------------------------
def tally(*, article_id: int, reader_key: str | None = None) -> Tally:
    """The article's ratings, and the reader's own when a key is given."""
    summary = RatingSummary.objects.filter(article_id=article_id).first()
    return Tally.of(summary, own_stars(article_id=article_id, reader_key=reader_key))


def own_stars(*, article_id: int, reader_key: str | None) -> int | None:
    if not reader_key:
        return None
    return (
        Rating.objects.filter(article_id=article_id, reader_key=reader_key)
        .values_list("stars", flat=True)
        .first()
    )


def is_own_article(article: ArticleRef, reader: Reader) -> bool:
    """Did this reader write the article (their account is one of its authors')?"""
    return reader.user is not None and reader.user.pk in article.author_user_ids


def shown_in_listings() -> bool:
    """Whether teasers show averages (Settings → Ratings, of the default site).

    Asked by every listing and every rating, so the answer is kept until
    anything is next published or a setting saved (which bumps CONTENT).
    """
    key = f"ratings:in-listings:{version(CONTENT)}"
    shown = cache.get(key)
    if shown is None:
        site = Site.objects.filter(is_default_site=True).first()
        shown = bool(site and RatingSettings.for_site(site).show_in_listings)
        cache.set(key, shown, timeout=3600)
    return shown


# --- writes -----------------------------------------------------------------------
def _open_article(article_id: int, reader: Reader) -> ArticleRef:
    """The live article this reader may rate, or the refusal that says why not."""
    article = live_article(article_id)
    if article is None:
        raise NotFound("No such article.")
    if not article.rating_enabled:
        raise NotAllowed("Ratings are off for this article.")
    if is_own_article(article, reader):
        raise NotAllowed("You wrote this article, so you cannot rate it.")
    return article


def _check_rate(reader: Reader) -> None:
    retry_after = over_limit(
        "rating",
        {
            reader.key: (settings.RATINGS_PER_MINUTE, 60),
            reader.limit_key: (settings.RATINGS_PER_MINUTE_PER_IP, 60),
        },
    )
    if retry_after:
        raise RateLimited(retry_after)


def _lock_summary(article_id: int, *, create: bool) -> RatingSummary | None:
    """The article's summary row, locked until the transaction ends; made on the
    first rating if `create` (two first raters at once make it once)."""
    summary = (
        RatingSummary.objects.select_for_update().filter(article_id=article_id).first()
    )
    if summary is None and create:
        try:
            with transaction.atomic():
                RatingSummary.objects.create(article_id=article_id)
        except IntegrityError:
            pass  # another rater made it first; the lock below waits for them
        summary = RatingSummary.objects.select_for_update().get(article_id=article_id)
    return summary


def _change(article_id: int, reader: Reader, stars: int | None) -> Tally:
    """Sets the reader's rating to `stars` (None: no rating) under the summary's
    lock, and moves the counters by the difference."""
    with transaction.atomic():
        summary = _lock_summary(article_id, create=stars is not None)
        if summary is None:
            return Tally()  # never rated, so nothing to take back
        rating = Rating.objects.filter(
            article_id=article_id, reader_key=reader.key
        ).first()
        old = rating.stars if rating else None
        if old == stars:
            return Tally.of(summary, mine=stars)
        if stars is None:
            rating.delete()
        elif rating is None:
            Rating.objects.create(
                article_id=article_id,
                reader_key=reader.key,
                stars=stars,
                ip_hash=reader.ip_hash,
            )
        else:
            rating.stars = stars
            rating.save(update_fields=["stars", "updated_at"])
        changes = {}
        if old is not None:
            changes[f"stars_{old}"] = F(f"stars_{old}") - 1
        if stars is not None:
            changes[f"stars_{stars}"] = F(f"stars_{stars}") + 1
        count_change = (stars is not None) - (old is not None)
        total_change = (stars or 0) - (old or 0)
        RatingSummary.objects.filter(pk=summary.pk).update(
            count=F("count") + count_change,
            total=F("total") + total_change,
            **changes,
        )
        # The row is locked, so its counts are what the update made them.
        summary.count += count_change
        summary.total += total_change
        for n in {old, stars} - {None}:
            delta = (n == stars) - (n == old)
            setattr(summary, f"stars_{n}", getattr(summary, f"stars_{n}") + delta)
        # Only this article's pages show its rating, unless teasers show averages.
        bump(article_scope(article_id))
        if shown_in_listings():
            listings_changed()
    return Tally.of(summary, mine=stars)


def rate_article(*, article_id: int, reader: Reader, stars: int) -> Tally:
    """Sets the reader's rating of the article to `stars` (1 to 5), adding it or
    changing the one they gave before. Returns the article's new tally."""
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in STARS:
        raise InvalidRating({"stars": "Choose from 1 to 5 stars."})
    _open_article(article_id, reader)
    _check_rate(reader)
    return _change(article_id, reader, stars)


def remove_rating(*, article_id: int, reader: Reader) -> Tally:
    """Takes the reader's rating of the article back (nothing happens if they
    gave none). Returns the article's new tally."""
    _open_article(article_id, reader)
    _check_rate(reader)
    return _change(article_id, reader, None)
