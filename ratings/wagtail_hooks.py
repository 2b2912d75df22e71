"""The rating's place on the newsroom's pages (see newsroom.extensions), and its
report in the Wagtail admin."""

from __future__ import annotations

from django.db.models import Value
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.permissions import policy_registry

from newsroom import extensions

from .reports import ArticleRatingsReportView
from .services import shown_in_listings
from .templatetags.ratings_tags import rating_section, summary_of

# Teasers fetched by a listing that shows averages carry this mark.
IN_LISTING = "rating_in_listing"


@hooks.register(extensions.LISTING_QUERYSET)
def fetch_summaries(queryset):
    # Averages in teasers are a site setting, off by default: only then does
    # the summary row come with each article (a join, no query per teaser).
    if not shown_in_listings():
        return queryset
    return queryset.select_related("rating_summary").annotate(
        **{IN_LISTING: Value(True)}
    )


@hooks.register(extensions.BYLINE_ITEMS)
def average_in_byline(request, article) -> str:
    if not getattr(article, IN_LISTING, False) or not article.rating_enabled:
        return ""
    summary = summary_of(article)
    if summary is None or not summary.count:
        return ""
    n = summary.count
    return format_html(
        '<a class="byline__rating" href="{}#rating">'
        '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="14" '
        'height="14"><path d="M12 2.2l2.95 6.2 6.75.8-5 4.7 1.3 6.7L12 17.2l-6 3.4 '
        '1.3-6.7-5-4.7 6.75-.8z" fill="currentColor"/></svg>'
        '{}<span class="visually-hidden"> out of 5 stars,</span> '
        "({} vote{})</a>",
        article.url,
        f"{summary.average:.1f}",
        n,
        "" if n == 1 else "s",
    )


# Above the discussion, which registers with the default order (0).
@hooks.register(extensions.ARTICLE_SECTIONS, order=-10)
def section(request, article) -> str:
    return rating_section({"request": request}, article)


@hooks.register(extensions.ARTICLE_SCRIPTS)
def script(article) -> list[str]:
    return ["js/ratings.js"] if article.rating_enabled else []


@hooks.register(extensions.STRUCTURED_DATA)
def structured_data(request, article, data: dict) -> None:
    if not article.rating_enabled:
        return
    summary = summary_of(article)
    if summary is None or not summary.count:
        return  # search engines are told of a rating only once there is one
    data["aggregateRating"] = {
        "@type": "AggregateRating",
        "ratingValue": round(summary.average, 2),
        "ratingCount": summary.count,
        "bestRating": 5,
        "worstRating": 1,
    }


# --- the editors' report ---------------------------------------------------------
@hooks.register("register_admin_urls")
def report_urls():
    return [
        path(
            "reports/article-ratings/",
            ArticleRatingsReportView.as_view(),
            name="ratings_report",
        ),
        path(
            "reports/article-ratings/results/",
            ArticleRatingsReportView.as_view(results_only=True),
            name="ratings_report_results",
        ),
    ]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_any_permission(
            request.user, ["add", "change", "publish"]
        )


@hooks.register("register_reports_menu_item")
def report_menu_item():
    return ReportMenuItem(
        "Article ratings",
        reverse("ratings_report"),
        name="article-ratings",
        icon_name="star",
        order=1300,
    )


@hooks.register("register_icons")
def icons(icons):
    return [*icons, "ratings/icons/star.svg"]
