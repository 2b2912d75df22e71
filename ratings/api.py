"""The rating's JSON API: the same services and rules as the HTML form.

Writes need Django's CSRF token (header `X-CSRFToken`, from the `csrftoken`
cookie that `GET /api/v1/csrf` sets), as the discussion's do.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, StrictInt

from discussion.readers import READER_COOKIE, Reader
from newsroom.services import live_article

from . import services
from .models import STARS

router = Router(tags=["ratings"])


class RatingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stars: StrictInt = Field(ge=1, le=5, description="1 to 5 stars")


class RatingOut(Schema):
    count: int = Field(description="Readers who rated the article")
    average: float | None = Field(
        description="Mean stars, to two decimals; null before the first rating"
    )
    distribution: dict[str, int] = Field(
        description='Readers giving each number of stars, "1" to "5"'
    )
    mine: int | None = Field(description="The stars this reader gave, or null")


def require_csrf(request: HttpRequest) -> None:
    """Refuses a write without the CSRF token, as the discussion's API does."""
    refusal = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
        request, None, (), {}
    )
    if refusal is not None:
        raise HttpError(403, "CSRF token missing or incorrect: send X-CSRFToken.")


def _out(tally: services.Tally) -> dict:
    return {
        "count": tally.count,
        "average": round(tally.average, 2) if tally.count else None,
        "distribution": {str(n): tally.distribution[n - 1] for n in STARS},
        "mine": tally.mine,
    }


def _private(response: HttpResponse) -> None:
    # "mine" is this reader's alone: no shared cache may keep the answer.
    response["Cache-Control"] = "private, no-store"


@router.get(
    "/articles/{article_id}/rating",
    response=RatingOut,
    url_name="article_rating",
    summary="An article's rating: count, average, distribution, and yours",
)
def get_rating(request: HttpRequest, article_id: int, response: HttpResponse):
    article = live_article(article_id)
    if article is None:
        raise HttpError(404, "No such article.")
    if not article.rating_enabled:
        raise HttpError(404, "Ratings are off for this article.")
    known = request.user.is_authenticated or READER_COOKIE in request.COOKIES
    key = Reader.from_request(request).key if known else None
    _private(response)
    return _out(services.tally(article_id=article.pk, reader_key=key))


@router.put(
    "/articles/{article_id}/rating",
    response=RatingOut,
    summary="Rate an article 1 to 5 stars (or change your rating)",
)
def put_rating(
    request: HttpRequest, article_id: int, payload: RatingIn, response: HttpResponse
):
    require_csrf(request)
    reader = Reader.from_request(request)
    tally = services.rate_article(
        article_id=article_id, reader=reader, stars=payload.stars
    )
    reader.remember(response)
    _private(response)
    return _out(tally)


@router.delete(
    "/articles/{article_id}/rating",
    response=RatingOut,
    summary="Take your rating back",
)
def delete_rating(request: HttpRequest, article_id: int, response: HttpResponse):
    require_csrf(request)
    reader = Reader.from_request(request)
    tally = services.remove_rating(article_id=article_id, reader=reader)
    _private(response)
    return _out(tally)


def rating_error_handler(request, exc: services.RatingError, api):
    response = api.create_response(
        request, {"detail": str(exc), "errors": exc.errors}, status=exc.status
    )
    if isinstance(exc, services.RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response
