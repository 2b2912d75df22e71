"""POST /api/v1/subscriptions: one neutral answer, one confirmation mail, and
bad input refused with nothing stored or sent."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.fixtures import body
from discussion.models import Comment
from subscriptions.api import NEUTRAL
from subscriptions.models import Address, Event, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db, django_capture_on_commit_callbacks):
    """A browser-like client holding a CSRF token; runs on-commit work (mail)."""
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/v1/csrf").json()["csrf_token"]
    client.defaults["HTTP_X_CSRFTOKEN"] = token

    def subscribe(**data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/api/v1/subscriptions", data, content_type="application/json"
            )

    subscribe.client = client
    return subscribe


def nothing_stored() -> bool:
    return not (
        Address.objects.exists()
        or Subscription.objects.exists()
        # The article the tests comment on was announced when published.
        or Event.objects.exclude(kind="article.published").exists()
    )


def test_subscribing_answers_202_and_mails_one_confirmation(api, smtp_server, article):
    topic = f"article:{article.pk}"
    answers = [
        api(email="Reader@Example.org", topic=topic),
        api(email="reader@example.org", topic=topic),
        api(email="READER@example.org", topic="site", frequency="daily"),
    ]

    assert {(a.status_code, a.json()["detail"]) for a in answers} == {(202, NEUTRAL)}
    (mail,) = smtp_server.messages
    assert mail["To"] == "reader@example.org"
    assert "new comments on “Open for discussion”" in body(mail)
    assert Address.objects.get().email == "reader@example.org"
    assert sorted(Subscription.objects.values_list("topic", "frequency")) == [
        (topic, "instant"),
        ("site", "daily"),
    ]


def test_the_answer_is_the_same_for_a_confirmed_address(api, smtp_server, reader):
    Address.objects.create(email="known@example.org", confirmed_at=reader.date_joined)

    known = api(email="known@example.org", topic="site")
    unknown = api(email="stranger@example.org", topic="site")

    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content


def test_a_verified_member_subscribing_their_own_address_needs_no_link(
    api, smtp_server, reader
):
    api.client.force_login(reader)
    api.client.defaults["HTTP_X_CSRFTOKEN"] = api.client.get("/api/v1/csrf").json()[
        "csrf_token"
    ]

    assert api(email="ada@example.org", topic="site").status_code == 202

    assert smtp_server.messages == []
    assert Subscription.objects.active().get().topic == "site"


@pytest.mark.parametrize(
    "email",
    [
        "a@b",
        "ＡＢ@example.com",
        "reader@example.org.",
        "reader.@example.org",
        "x" * 290 + "@example.org",
        "reader@example.org\r\nBcc: victim@example.org",
        "Reader <reader@example.org>",
        "",
    ],
    ids=[
        "no-dot",
        "fullwidth",
        "trailing-dot",
        "dot-before-at",
        "300-chars",
        "header-injection",
        "display-name",
        "empty",
    ],
)
def test_bad_addresses_are_refused_with_nothing_stored_or_sent(api, smtp_server, email):
    response = api(email=email, topic="site")

    assert response.status_code == 400
    assert "email" in response.json()["errors"]
    assert nothing_stored()
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    "topic,status",
    [
        ("section:nowhere", 404),
        ("author:nobody", 404),
        ("article:999999", 404),
        ("article:abc", 400),
        ("replies", 400),
        ("everything", 400),
    ],
)
def test_topics_that_do_not_exist_are_refused(
    api, smtp_server, home_page, topic, status
):
    response = api(email="reader@example.org", topic=topic)

    assert response.status_code == status
    assert "topic" in response.json()["errors"]
    assert nothing_stored()
    assert smtp_server.messages == []


def test_sections_and_authors_that_exist_can_be_followed(api, section, author):
    assert (
        api(email="r@example.org", topic=f"section:{section.slug}").status_code == 202
    )
    assert api(email="r@example.org", topic=f"author:{author.slug}").status_code == 202


@pytest.mark.parametrize(
    "data",
    [
        {"email": "r@example.org", "topic": "site", "frequency": "hourly"},
        {"email": "r@example.org", "topic": "site", "extra": 1},
        {"email": "r@example.org"},
    ],
    ids=["frequency", "unknown-field", "no-topic"],
)
def test_malformed_requests_are_refused(api, home_page, data):
    assert api(**data).status_code in (400, 422)
    assert nothing_stored()


def test_without_the_csrf_token_nothing_happens(db, home_page):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/subscriptions",
        {"email": "r@example.org", "topic": "site"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert nothing_stored()


def test_a_flood_from_one_address_is_limited(api, smtp_server, settings, home_page):
    settings.SUBSCRIPTIONS_REQUESTS_PER_HOUR_PER_IP = 3
    answers = [api(email="r@example.org", topic="site").status_code for _ in range(5)]

    assert answers == [202, 202, 202, 429, 429]
    assert Subscription.objects.count() == 1
    assert len(smtp_server.messages) == 1


def test_a_comment_posted_with_notify_asks_once_for_consent(
    api, smtp_server, article, django_capture_on_commit_callbacks
):
    client = api.client
    path = f"/api/v1/articles/{article.pk}/comments"
    comment = {"body": "Following this.", "name": "Ruth", "email": "Ruth@Example.org"}

    refused = client.post(
        path, {**comment, "notify": "everything"}, content_type="application/json"
    )
    assert refused.status_code in (400, 422)
    assert "notify" in refused.content.decode()
    assert nothing_stored() and not Comment.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(
            path, {**comment, "notify": "all"}, content_type="application/json"
        )

    assert posted.status_code == 201
    address = Address.objects.get()
    assert (address.email, address.confirmed_at) == ("ruth@example.org", None)
    assert sorted(s.topic for s in address.subscriptions.all()) == [
        f"article:{article.pk}",
        "replies",
    ]
    (mail,) = smtp_server.messages  # the confirmation, and nothing else
    assert "/subscriptions/confirm/" in body(mail)


def test_a_comment_posted_from_the_form_with_notify_replies(
    client, smtp_server, article, settings
):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    form = page.select_one("[data-comment-form]")
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") not in ("checkbox", "radio")
    }
    data.update(
        body="Tell me of replies.",
        name="Ruth",
        email="ruth@example.org",
        notify="replies",
    )

    response = client.post(form["action"], data, HTTP_ORIGIN="http://testserver")

    assert response.status_code in (302, 303)
    assert [s.topic for s in Subscription.objects.all()] == ["replies"]
