"""The "Subscribe" control above the discussion: a plain form for new comments on
the article, the same neutral answer and consent rules as the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions.models import Address, Subscription
from subscriptions.tests.test_articles import follower

pytestmark = pytest.mark.django_db

SAME_SITE = {"HTTP_ORIGIN": "http://testserver"}


def test_the_article_page_has_the_control_above_the_discussion(client, article):
    html = client.get(article.url).content.decode()

    form = html.index('action="/subscriptions/subscribe/"')
    assert form < html.index("data-new-comments")
    assert f'name="topic" value="article:{article.pk}"' in html
    assert 'type="email" name="email"' in html


def test_subscribing_from_the_form_asks_once_for_consent(
    client, smtp_server, article, committed
):
    data = {"email": "Reader@Example.org", "topic": f"article:{article.pk}"}

    first = committed(
        client.post, reverse("subscriptions:subscribe"), data, **SAME_SITE
    )
    again = committed(
        client.post, reverse("subscriptions:subscribe"), data, **SAME_SITE
    )

    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert b"a link to confirm the subscription" in first.content
    assert [m["To"] for m in smtp_server.messages] == ["reader@example.org"]
    subscription = Subscription.objects.get()
    assert subscription.topic == f"article:{article.pk}"
    assert subscription.confirmed_at is None


def test_a_confirmed_address_gets_the_same_answer_and_no_mail(
    client, smtp_server, article, committed
):
    follower("known@example.org", f"article:{article.pk}")
    data = {"email": "known@example.org", "topic": f"article:{article.pk}"}
    new = {"email": "new@example.org", "topic": f"article:{article.pk}"}

    known = committed(
        client.post, reverse("subscriptions:subscribe"), data, **SAME_SITE
    )
    fresh = committed(client.post, reverse("subscriptions:subscribe"), new, **SAME_SITE)

    assert known.status_code == fresh.status_code == 200
    assert known.content == fresh.content
    assert [m["To"] for m in smtp_server.messages] == ["new@example.org"]


@pytest.mark.parametrize(
    "data, headers, status",
    [
        ({"email": "not an address"}, SAME_SITE, 400),
        ({"email": "a@example.org", "topic": "site"}, SAME_SITE, 400),
        ({"email": "a@example.org"}, {"HTTP_ORIGIN": "https://evil.example"}, 403),
    ],
    ids=["bad-address", "not-an-article", "another-site"],
)
def test_refusals_store_and_send_nothing(
    client, smtp_server, article, data, headers, status
):
    data = {"topic": f"article:{article.pk}", **data}

    answer = client.post(reverse("subscriptions:subscribe"), data, **headers)

    assert answer.status_code == status
    assert not Address.objects.exists()
    assert smtp_server.messages == []


def test_getting_the_form_address_changes_nothing(client, article):
    assert client.get(reverse("subscriptions:subscribe")).status_code == 405
