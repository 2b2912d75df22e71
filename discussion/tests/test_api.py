"""The JSON API under /api/v1/: same rules as the forms, strict about its input."""

import json

import pytest
from django.test import Client

from discussion import services
from discussion.models import Comment, Thread, Vote
from discussion.tests.fixtures import guest

pytestmark = pytest.mark.django_db


def post_json(client, url, data, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def comments_url(article):
    return f"/api/v1/articles/{article.pk}/comments"


GOOD = {"body": "Nice information", "name": "Asher", "email": "asher@example.org"}


def test_post_returns_201_and_the_comment_without_the_email(api, article):
    response = post_json(api, comments_url(article), GOOD)

    assert response.status_code == 201
    data = response.json()
    comment = Comment.objects.get()
    assert data["id"] == comment.pk
    assert data["author"] == {"name": "Asher", "is_guest": True, "is_staff": False}
    assert data["html"] == "<p>Nice information</p>"
    assert (data["up"], data["down"], data["score"], data["parent_id"]) == (
        0,
        0,
        0,
        None,
    )
    assert "email" not in json.dumps(data) and "asher@example.org" not in json.dumps(
        data
    )
    assert data["edit_token"]
    assert "tribune_reader" in response.cookies


def test_list_nests_replies_and_pages_with_a_cursor(api, article, post, settings):
    first = post("First")
    reply = post("Reply", parent=first)
    second = post("Second")
    third = post("Third")

    page_one = api.get(comments_url(article), {"limit": 2}).json()
    page_two = api.get(
        comments_url(article), {"limit": 2, "cursor": page_one["next"]}
    ).json()

    assert page_one["count"] == 4
    assert [c["id"] for c in page_one["comments"]] == [first.pk, second.pk]
    assert [r["id"] for r in page_one["comments"][0]["replies"]] == [reply.pk]
    assert page_one["comments"][0]["reply_count"] == 1
    assert [c["id"] for c in page_two["comments"]] == [third.pk]
    assert page_two["next"] is None


def test_list_sorts(api, article, post):
    old = post("Old")
    new = post("New")
    services.cast_vote(comment_id=old.pk, reader=guest(), value=1)

    def ids(sort):
        data = api.get(comments_url(article), {"sort": sort}).json()
        return [c["id"] for c in data["comments"]]

    assert ids("oldest") == [old.pk, new.pk]
    assert ids("newest") == [new.pk, old.pk]
    assert ids("votes") == [old.pk, new.pk]


def test_missing_csrf_token_is_refused(article):
    client = Client(enforce_csrf_checks=True)

    response = post_json(client, comments_url(article), GOOD)

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{not json", 400),
        ("[1, 2, 3]", 422),
        ('"a string"', 422),
        ("null", 422),
        (json.dumps({**GOOD, "state": "published"}), 422),
        (json.dumps({**GOOD, "score": 1000}), 422),
        (json.dumps({**GOOD, "body": 42}), 422),
        (json.dumps({**GOOD, "parent_id": "first"}), 422),
        (json.dumps({"name": "Asher", "email": "a@example.org"}), 422),
        (json.dumps({**GOOD, "body": ""}), 400),
        (json.dumps({**GOOD, "body": "z" * 5001}), 400),
        (json.dumps({**GOOD, "body": "nul\u0000"}), 400),
        (json.dumps({**GOOD, "email": "nope"}), 400),
        (json.dumps({**GOOD, "name": "ADMIN"}), 400),
        (json.dumps({**GOOD, "website": "javascript:alert(1)"}), 400),
        (json.dumps({**GOOD, "parent_id": 999999}), 400),
        (json.dumps({**GOOD, "parent_id": 2**63}), 422),
        (json.dumps({**GOOD, "body": "\u200b\u2060 \u3164"}), 400),
        (json.dumps({**GOOD, "body": "&#8203;&nbsp;&shy;"}), 400),
        (json.dumps({**GOOD, "body": "[]()"}), 400),
    ],
    ids=[
        "malformed",
        "array",
        "string",
        "null",
        "extra-state",
        "extra-score",
        "wrong-type-body",
        "wrong-type-parent",
        "missing-body",
        "empty-body",
        "long-body",
        "nul",
        "bad-email",
        "reserved-name",
        "bad-website",
        "missing-parent",
        "parent-beyond-64-bits",
        "invisible-characters-only",
        "invisible-references-only",
        "empty-link-only",
    ],
)
def test_bad_input_is_a_clear_4xx_and_nothing_is_stored(api, article, body, status):
    response = post_json(api, comments_url(article), body)

    assert response.status_code == status
    assert response.json()["detail"]
    assert Comment.objects.count() == 0
    assert not Thread.objects.filter(comment_count__gt=0).exists()


def test_field_messages_name_the_fields(api, article):
    response = post_json(api, comments_url(article), {"body": "Hi", "email": "x"})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "email"}


def test_unknown_article_and_comments_off_are_404(api, make_article):
    off = make_article(comments_enabled=False)

    assert api.get("/api/v1/articles/999999/comments").status_code == 404
    assert api.get(comments_url(off)).status_code == 404
    assert post_json(api, comments_url(off), GOOD).status_code == 403
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/articles/99999999999999999999/comments",
        "/api/v1/articles/99999999999999999999/passages",
        "/api/v1/articles/99999999999999999999/rating",
        "/discussion/articles/99999999999999999999/comments/more/",
    ],
    ids=["api-comments", "api-passages", "api-rating", "more"],
)
def test_an_id_beyond_64_bits_is_not_found(api, url):
    assert api.get(url).status_code == 404


def test_the_poll_has_nothing_new_for_an_id_beyond_64_bits(api):
    """As for any article without a discussion, on every database engine."""
    response = api.get("/discussion/articles/99999999999999999999/poll/")

    assert response.status_code == 200
    assert response.json() == {"version": 0, "count": 0}


def test_posting_to_an_article_id_beyond_64_bits_is_not_found(api):
    response = post_json(api, "/api/v1/articles/99999999999999999999/comments", GOOD)

    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_a_first_comment_sent_twice_before_the_cookie_is_stored_once(api, article):
    """A new reader's double click sends two requests with no reader cookie,
    so with two different reader keys: the address tells them apart."""
    responses = []
    for _ in range(2):
        api.cookies.pop("tribune_reader", None)
        responses.append(post_json(api, comments_url(article), GOOD))

    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Comment.objects.count() == 1
    assert Thread.objects.get().comment_count == 1
    # and someone else behind the same address, saying the same under their own
    # name, has a comment of their own
    api.cookies.pop("tribune_reader", None)
    other = post_json(api, comments_url(article), {**GOOD, "name": "Bella"})
    assert other.status_code == 201
    assert other.json()["id"] != responses[0].json()["id"]
    assert Comment.objects.count() == 2


def test_the_body_is_checked_as_rendered(api, article):
    """Character references are shown as the characters they name: a body of
    "&#8203;" shows nothing, "w&#111;rd" shows "word"."""
    response = post_json(api, comments_url(article), {**GOOD, "body": "w&#111;rd"})

    assert response.status_code == 201
    assert response.json()["html"] == "<p>word</p>"


def test_vote_endpoint_sets_absolute_values(api, post):
    comment = post()
    url = f"/api/v1/comments/{comment.pk}/vote"

    up = post_json(api, url, {"value": 1}).json()
    down = post_json(api, url, {"value": -1}).json()
    none = post_json(api, url, {"value": 0}).json()
    bad = post_json(api, url, {"value": 2})

    assert (up["up"], up["down"], up["score"]) == (1, 0, 1)
    assert (down["up"], down["down"], down["score"]) == (0, 1, -1)
    assert (none["up"], none["down"], none["score"]) == (0, 0, 0)
    assert bad.status_code == 422
    assert not Vote.objects.exists()


def test_own_comment_edit_delete_and_no_self_vote(api, article):
    created = post_json(api, comments_url(article), GOOD).json()
    url = f"/api/v1/comments/{created['id']}"

    self_vote = post_json(api, url + "/vote", {"value": 1})
    edited = api.patch(
        url, json.dumps({"body": "Edited"}), content_type="application/json"
    )
    deleted = api.delete(url)

    assert self_vote.status_code == 403
    assert edited.status_code == 200 and edited.json()["html"] == "<p>Edited</p>"
    assert edited.json()["edited"] is not None
    assert deleted.status_code == 204
    assert Thread.objects.get().comment_count == 0


def test_edit_token_lets_an_api_client_edit_without_the_cookie(api, article):
    created = post_json(api, comments_url(article), GOOD).json()
    other = Client(enforce_csrf_checks=True)
    token = other.get("/api/v1/csrf").json()["csrf_token"]
    url = f"/api/v1/comments/{created['id']}"

    refused = other.patch(
        url,
        json.dumps({"body": "Hijack"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    allowed = other.patch(
        url,
        json.dumps({"body": "Fixed typo"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
        HTTP_X_EDIT_TOKEN=created["edit_token"],
    )

    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert Comment.objects.get().body_source == "Fixed typo"


def test_rate_limit_is_429_with_retry_after(api, article, settings):
    settings.DISCUSSION_POST_RATE = (1, 60)
    post_json(api, comments_url(article), GOOD)

    response = post_json(api, comments_url(article), {**GOOD, "body": "Again"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert Comment.objects.count() == 1


def test_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/articles/{article_id}/comments" in schema["paths"]
    assert "/api/v1/comments/{comment_id}/vote" in schema["paths"]
    props = schema["components"]["schemas"]["CommentOut"]["properties"]
    assert {
        "id",
        "parent_id",
        "author",
        "html",
        "created",
        "edited",
        "up",
        "down",
    } <= set(props)
    assert "email" not in json.dumps(schema["components"]["schemas"]["CommentOut"])


def test_thousand_deep_reply_chain_through_the_api(api, article, settings):
    settings.DISCUSSION_POST_RATE = (10_000, 60)
    settings.DISCUSSION_POST_RATE_PER_IP = (10_000, 60)
    parent = None
    for n in range(1000):
        data = {**GOOD, "body": f"Level {n}"}
        if parent:
            data["parent_id"] = parent
        response = post_json(api, comments_url(article), data)
        assert response.status_code == 201, response.content
        parent = response.json()["id"]

    listing = api.get(comments_url(article))
    page = Client().get(article.url + f"?thread={Comment.objects.get(depth=0).pk}")

    assert listing.status_code == 200
    assert Comment.objects.get(pk=parent).depth == 999
    assert page.status_code == 200
    assert f'id="comment-{parent}"' in page.content.decode()


def test_listing_is_cached_until_the_discussion_changes(
    api, article, post, django_assert_num_queries, django_capture_on_commit_callbacks
):
    post("First")
    first = api.get(comments_url(article)).json()

    with django_assert_num_queries(0):
        again = api.get(comments_url(article)).json()
    with django_capture_on_commit_callbacks(execute=True):
        post("Second")
    after = api.get(comments_url(article)).json()

    assert again == first
    assert [c["html"] for c in after["comments"]] == ["<p>First</p>", "<p>Second</p>"]
    assert after["count"] == 2


def test_comments_elsewhere_leave_an_articles_listing_cached(
    api,
    article,
    post,
    make_article,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    other = make_article("Another story")  # publishing drops every cached page
    post("First")
    first = api.get(comments_url(article)).json()
    with django_capture_on_commit_callbacks(execute=True):
        post("Somewhere else", on=other)

    with django_assert_num_queries(0):
        again = api.get(comments_url(article)).json()

    assert again == first
