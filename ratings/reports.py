"""Editors' report: which articles readers rated, how many, how well, and how
the stars spread; sortable, and downloadable as CSV or XLSX (Wagtail's report
views do both)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .models import STARS, RatingSummary


def _two_places(value: float | None) -> str | float:
    return "" if value is None else round(value, 2)


class AverageColumn(Column):
    def get_value(self, instance):
        value = instance.average_stars
        return "" if value is None else f"{value:.2f}"


class RatedArticlesPaginator(WagtailPaginator):
    # Each row is an article's summary; editors count articles.
    verbose_name = "rated article"
    verbose_name_plural = "rated articles"


class ArticleRatingsReportView(ReportView):
    page_title = "Article ratings"
    verbose_name = "rated article"
    verbose_name_plural = "rated articles"
    paginator_class = RatedArticlesPaginator
    header_icon = "star"
    index_url_name = "ratings_report"
    index_results_url_name = "ratings_report_results"
    any_permission_required = ["add", "change", "publish"]
    default_ordering = "-count"
    export_filename = "article-ratings"
    columns = [
        TitleColumn(
            "article",
            label="Article",
            accessor="article.title",
            get_url=lambda summary: reverse(
                "wagtailadmin_pages:edit", args=[summary.article_id]
            ),
            sort_key="article__title",
        ),
        DateColumn(
            "published",
            label="Published",
            accessor="article.first_published_at",
            sort_key="article__first_published_at",
        ),
        Column("count", label="Ratings", sort_key="count"),
        AverageColumn("average", label="Average", sort_key="average_stars"),
        *(
            Column(f"stars_{n}", label=f"{n} ★", sort_key=f"stars_{n}")
            for n in reversed(STARS)
        ),
    ]
    list_export = [
        "article.title",
        "article.url",
        "article.first_published_at",
        "count",
        "average_stars",
        *(f"stars_{n}" for n in reversed(STARS)),
    ]
    export_headings = {
        "article.title": "Article",
        "article.url": "Path",
        "article.first_published_at": "Published",
        "count": "Ratings",
        "average_stars": "Average",
        **{f"stars_{n}": f"{n} star{'' if n == 1 else 's'}" for n in STARS},
    }
    custom_field_preprocess = {
        "average_stars": {"csv": _two_places, "xlsx": _two_places},
    }

    @cached_property
    def permission_policy(self):
        # Ratings belong to articles: whoever may edit pages may read the report.
        return policy_registry.get_by_type(Page)

    def order_queryset(self, queryset):
        # Ties (equal counts, say) in a stable order, newest article first, so
        # pages of the report neither repeat nor skip an article.
        return queryset.order_by(self.ordering or "-count", "-article_id")

    def get_base_queryset(self):
        return RatingSummary.objects.rated().with_average().select_related("article")
