"""GET, PUT and DELETE /api/v1/articles/{id}/rating: the rules of the service, the
CSRF rules of the discussion's API, and bad input refused with nothing stored."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from ratings.models import Rating, RatingSummary
from ratings.tests.fixtures import rater

pytestmark = pytest.mark.django_db


def url(article_or_id) -> str:
    pk = getattr(article_or_id, "pk", article_or_id)
    return f"/api/v1/articles/{pk}/rating"


def put(client, path, data, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.put(path, body, content_type="application/json", **extra)


def nothing_stored() -> bool:
    return not Rating.objects.exists() and not RatingSummary.objects.exists()


EMPTY = {
    "count": 0,
    "average": None,
    "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
    "mine": None,
}


def test_get_before_any_rating(rating_api, article):
    response = rating_api.get(url(article))

    assert response.status_code == 200
    assert response.json() == EMPTY
    assert response["Cache-Control"] == "private, no-store"


def test_put_rates_and_answers_with_the_tally_and_mine(rating_api, article, rate):
    rate(5)
    rate(2)

    response = put(rating_api, url(article), {"stars": 4})

    assert response.status_code == 200
    assert response.json() == {
        "count": 3,
        "average": 3.67,
        "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1},
        "mine": 4,
    }
    assert "tribune_reader" in response.cookies  # a guest is remembered
    assert response["Cache-Control"] == "private, no-store"
    assert rating_api.get(url(article)).json()["mine"] == 4
    assert Client().get(url(article)).json()["mine"] is None  # someone else


def test_put_again_changes_the_rating(rating_api, article):
    put(rating_api, url(article), {"stars": 1})

    data = put(rating_api, url(article), {"stars": 5}).json()

    assert (data["count"], data["average"], data["mine"]) == (1, 5.0, 5)
    assert data["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    assert Rating.objects.get().stars == 5


def test_delete_takes_mine_back(rating_api, article, rate):
    rate(3)
    put(rating_api, url(article), {"stars": 5})

    response = rating_api.delete(url(article))
    again = rating_api.delete(url(article))

    assert response.status_code == again.status_code == 200
    assert response.json() == {
        "count": 1,
        "average": 3.0,
        "distribution": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0},
        "mine": None,
    }
    assert again.json() == response.json()
    assert list(Rating.objects.values_list("stars", flat=True)) == [3]


def test_a_member_rates_with_their_account(article):
    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = client.get("/api/v1/csrf").json()["csrf_token"]

    response = put(client, url(article), {"stars": 2}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 200
    assert Rating.objects.get().reader_key == f"u:{user.pk}"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"stars": 0}, 422, "stars"),
        ({"stars": 6}, 422, "stars"),
        ({"stars": -3}, 422, "stars"),
        ({"stars": 3.5}, 422, "stars"),
        ({"stars": 4.0}, 422, "stars"),
        ({"stars": "4"}, 422, "stars"),
        ({"stars": True}, 422, "stars"),
        ({"stars": None}, 422, "stars"),
        ({"stars": [4]}, 422, "stars"),
        ({}, 422, "stars"),
        ({"stars": 4, "mine": 5}, 422, "mine"),
        ([4], 422, "payload"),
        ('{"stars": 4', 400, None),
        ("stars=4", 400, None),
        ("", 422, "payload"),
    ],
    ids=[
        "zero",
        "six",
        "negative",
        "half",
        "float",
        "string",
        "bool",
        "null",
        "list",
        "missing",
        "extra-field",
        "not-an-object",
        "malformed-json",
        "form-encoded",
        "empty-body",
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    rating_api, article, body, status, field
):
    response = put(rating_api, url(article), body)

    assert response.status_code == status
    detail = response.json()["detail"]
    assert detail
    if field:
        assert [error["loc"][-1] for error in detail] == [field]
        assert all(error["msg"] for error in detail)
    assert nothing_stored()


def test_ratings_off_is_refused_and_not_shown(rating_api, make_article):
    article = make_article("Not for rating", rating_enabled=False)

    refused = put(rating_api, url(article), {"stars": 5})
    removed = rating_api.delete(url(article))
    shown = rating_api.get(url(article))

    assert refused.status_code == removed.status_code == 403
    assert refused.json() == {
        "detail": "Ratings are off for this article.",
        "errors": {"__all__": "Ratings are off for this article."},
    }
    assert shown.status_code == 404
    assert nothing_stored()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_unknown_or_unpublished_article_is_404(
    rating_api, make_article, method, private_article
):
    draft = make_article("Draft", publish=False)

    for article_id in (999_999, draft.pk, private_article.pk):
        if method == "put":
            response = put(rating_api, url(article_id), {"stars": 5})
        else:
            response = getattr(rating_api, method)(url(article_id))
        assert response.status_code == 404
        assert response.json()["detail"]
    assert nothing_stored()


def test_an_author_rating_their_own_article_is_refused(make_article, author):
    user = get_user_model().objects.create_user("ada", "ada@example.org", "pw")
    author.user = user
    author.save()
    article = make_article("By Ada")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = client.get("/api/v1/csrf").json()["csrf_token"]

    response = put(client, url(article), {"stars": 5}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You wrote this article, so you cannot rate it.",
        "errors": {"__all__": "You wrote this article, so you cannot rate it."},
    }
    assert nothing_stored()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_writes_without_the_csrf_token_are_refused(article, rate, method):
    reader_rating = rate(3)
    client = Client(enforce_csrf_checks=True)

    if method == "put":
        response = put(client, url(article), {"stars": 5})
    else:
        response = client.delete(url(article))

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Rating.objects.get().stars == 3
    assert RatingSummary.objects.get().count == reader_rating.count == 1


def test_rate_limited_write_gets_429_with_retry_after(rating_api, article, settings):
    settings.RATINGS_PER_MINUTE = 1
    put(rating_api, url(article), {"stars": 2})

    response = put(rating_api, url(article), {"stars": 5})

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["errors"]["__all__"].startswith("You are going")
    assert Rating.objects.get().stars == 2


def test_the_schema_documents_the_rating_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()

    operations = schema["paths"]["/api/v1/articles/{article_id}/rating"]
    assert set(operations) == {"get", "put", "delete"}


def test_a_guest_cookie_identifies_the_same_reader_across_requests(article):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/v1/csrf").json()["csrf_token"]
    put(client, url(article), {"stars": 2}, HTTP_X_CSRFTOKEN=token)
    put(client, url(article), {"stars": 3}, HTTP_X_CSRFTOKEN=token)
    other = rater()

    assert Rating.objects.count() == 1
    assert Rating.objects.get().reader_key != other.key
    assert client.get(url(article)).json()["mine"] == 3
