"""Readers' star ratings of articles, and the per-article tally pages read."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from newsroom.models import ShownOnManyPages

STARS = (1, 2, 3, 4, 5)


class Rating(models.Model):
    """One reader's rating of one article, 1 to 5 stars.

    The reader is their key (`u:<id>` for an account, `g:<token>` for a guest's
    cookie, as for votes on comments); a reader changes their rating rather than
    adding another.
    """

    article = models.ForeignKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="ratings"
    )
    reader_key = models.CharField(max_length=64)
    stars = models.PositiveSmallIntegerField()
    ip_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reader_key"], name="one_rating_per_reader"
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stars} stars for page {self.article_id}"


class RatingSummaryQuerySet(models.QuerySet):
    def rated(self) -> RatingSummaryQuerySet:
        """Articles with at least one rating standing."""
        return self.filter(count__gt=0)

    def with_average(self) -> RatingSummaryQuerySet:
        """Adds `average_stars`, computed by the database (to sort by)."""
        return self.annotate(
            average_stars=models.ExpressionWrapper(
                models.functions.Cast("total", models.FloatField())
                / models.functions.NullIf("count", 0),
                output_field=models.FloatField(),
            )
        )


class RatingSummary(models.Model):
    """An article's ratings counted: how many, their sum, and how many of each
    number of stars. Kept on one row so no page counts Rating rows; every change
    to a Rating changes this row, with F(), in the same transaction.
    """

    article = models.OneToOneField(
        "newsroom.ArticlePage",
        on_delete=models.CASCADE,
        related_name="rating_summary",
    )
    count = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    stars_1 = models.PositiveIntegerField(default=0)
    stars_2 = models.PositiveIntegerField(default=0)
    stars_3 = models.PositiveIntegerField(default=0)
    stars_4 = models.PositiveIntegerField(default=0)
    stars_5 = models.PositiveIntegerField(default=0)

    objects = RatingSummaryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "rating summaries"

    def __str__(self) -> str:
        return f"Ratings of page {self.article_id}"

    @property
    def average(self) -> float | None:
        """The mean number of stars, or None before the first rating."""
        return self.total / self.count if self.count else None

    @property
    def distribution(self) -> dict[int, int]:
        return {n: getattr(self, f"stars_{n}") for n in STARS}


@register_setting(icon="pick")
class RatingSettings(ShownOnManyPages, BaseSiteSetting):
    """How ratings appear beyond the article itself."""

    show_in_listings = models.BooleanField(
        "show averages in listings",
        default=False,
        help_text="Teasers on the front page, sections, tags and search show each "
        "rated article's average stars and number of votes.",
    )

    panels = [FieldPanel("show_in_listings")]

    class Meta:
        verbose_name = "ratings"
