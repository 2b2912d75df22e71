"""The rating section under an article, rendered with the page."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from discussion.readers import READER_COOKIE, Reader
from pagecache.middleware import is_cacheable_request

from ..models import STARS, RatingSummary
from ..services import Tally, own_stars

register = template.Library()

STAR_WIDTH = 24  # the width of one star in the drawing of the average


def summary_of(article) -> RatingSummary | None:
    """The article's summary row (None before its first rating); one query at
    most, none when a listing fetched it with the article."""
    try:
        return article.rating_summary
    except RatingSummary.DoesNotExist:
        return None


def figures(tally: Tally) -> dict:
    """What the template shows of a tally; the page's script draws the same."""
    average = tally.average
    return {
        "count": tally.count,
        "average": average,
        "fill": round((average or 0) * STAR_WIDTH, 1),
        "bars": [
            {
                "stars": n,
                "count": tally.distribution[n - 1],
                "percent": round(100 * tally.distribution[n - 1] / tally.count)
                if tally.count
                else 0,
            }
            for n in reversed(STARS)
        ],
    }


def _is_personal(request) -> bool:
    """Only a page that is never served from the shared page cache (a member's,
    or one with a message for this reader) may show the reader's own rating."""
    return not is_cacheable_request(request)


@register.simple_tag(takes_context=True)
def rating_section(context, article) -> str:
    """The article's rating: the average, the number of votes and how they
    spread, and the form to rate it. The same for every anonymous reader."""
    request = context["request"]
    if not article.rating_enabled or article.pk is None:
        return ""  # off, or the preview of an article never saved
    member = request.user.is_authenticated
    mine, own = None, False
    if _is_personal(request) and (member or READER_COOKIE in request.COOKIES):
        reader = Reader.from_request(request)
        own = member and any(a.user_id == request.user.pk for a in article.authors)
        mine = own_stars(article_id=article.pk, reader_key=reader.key)
    tally = Tally.of(summary_of(article), mine=mine)
    return mark_safe(
        render_to_string(
            "ratings/section.html",
            {
                "article": article,
                "tally": tally,
                "figures": figures(tally),
                "stars": STARS,
                "mine": mine,
                "own": own,
                "user": {"is_authenticated": member},
            },
            request=request,
        )
    )
