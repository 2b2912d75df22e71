"""The rating form's endpoint, for readers without JavaScript.

A plain POST followed by a redirect back to the article's rating. Anonymous
readers are served cached pages, which carry no per-reader CSRF token, so their
posts are checked by origin instead (the reader cookie is SameSite=Lax), as the
discussion's forms are; signed-in readers need Django's CSRF token.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from discussion.readers import Reader, forgery_refusal
from newsroom.services import live_article

from . import services


def _problem(request, article, errors: dict, status: int, retry_after: int = 0):
    response = render(
        request,
        "ratings/problem.html",
        {
            "article": article,
            "messages_list": list(errors.values()),
            "retry_after": retry_after,
        },
        status=status,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _stars(value: str) -> int | None:
    return int(value) if value in {"1", "2", "3", "4", "5"} else None


@csrf_exempt
@require_POST
def rate(request, article_id: int):
    """Rates the article (`stars`), or takes the rating back (`action=remove`)."""
    article = live_article(article_id)
    if article is None:
        raise Http404("No such article")
    if errors := forgery_refusal(request):
        return _problem(request, article, errors, 403)
    reader = Reader.from_request(request)
    removing = request.POST.get("action") == "remove"
    try:
        if removing:
            services.remove_rating(article_id=article.pk, reader=reader)
        else:
            stars = _stars(request.POST.get("stars", ""))
            if stars is None:
                raise services.InvalidRating({"stars": "Choose from 1 to 5 stars."})
            services.rate_article(article_id=article.pk, reader=reader, stars=stars)
    except services.RatingError as error:
        retry_after = getattr(error, "retry_after", 0)
        return _problem(request, article, error.errors, error.status, retry_after)
    # The message also keeps the next page out of the shared cache, so it can
    # show the reader the rating they just gave.
    if removing:
        messages.success(request, "Your rating was removed.")
    else:
        plural = "" if stars == 1 else "s"
        messages.success(
            request, f"Thank you: you gave this article {stars} star{plural}."
        )
    response = redirect(f"{article.url}#rating")
    reader.remember(response)
    return response
