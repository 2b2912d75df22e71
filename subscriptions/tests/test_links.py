"""Links from mail: signed, expiring, and never acted on by a GET."""

from __future__ import annotations

import pytest
from django.core import signing

from subscriptions import services
from subscriptions.models import Address, Event, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(home_page, committed):
    """A stranger's request to follow the site, waiting for its confirmation."""
    committed(services.subscribe, email="pat@example.org", topic="site")
    address = Address.objects.get()
    return address, services.confirm_token(address, address.confirm_nonce)


def url(kind: str, token: str) -> str:
    return f"/subscriptions/{kind}/{token}/"


def test_a_confirmation_link_works_once(client, pending):
    address, token = pending

    assert client.post(url("confirm", token)).status_code == 200
    again = client.post(url("confirm", token))

    assert again.status_code == 409
    assert b"already been used" in again.content
    assert Subscription.objects.active().count() == 1


def test_asking_again_within_the_quiet_hours_sends_no_new_link(
    client, pending, committed
):
    address, token = pending
    committed(services.subscribe, email="PAT@example.org", topic="site")
    committed(services.subscribe, email="pat@example.org", topic="site")

    assert Event.objects.filter(kind="address.confirm").count() == 1
    assert client.post(url("confirm", token)).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: t.split(":")[0],
        lambda t: signing.dumps([1, "x"], salt="another.purpose"),
        lambda t: "not-a-token",
    ],
    ids=["signature", "cut-short", "other-purpose", "garbage"],
)
def test_forged_links_get_a_clear_page_and_change_nothing(client, pending, tamper):
    _, token = pending

    for kind in ("confirm", "manage", "unsubscribe"):
        for method in ("get", "post"):
            response = getattr(client, method)(
                url(kind, tamper(token)), {"List-Unsubscribe": "One-Click"}
            )
            assert response.status_code == 400
            assert b"This link doesn" in response.content
    assert Address.objects.get().confirmed_at is None
    assert Subscription.objects.get().stopped_at is None


def test_an_expired_link_gets_a_clear_page(client, pending, settings):
    _, token = pending
    settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE = -1

    response = client.post(url("confirm", token))

    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert Address.objects.get().confirmed_at is None


def test_a_superseded_link_does_not_work(client, pending, committed, settings):
    _, old = pending
    settings.SUBSCRIPTIONS_CONFIRM_QUIET = 0
    committed(services.subscribe, email="pat@example.org", topic="site")

    assert client.post(url("confirm", old)).status_code == 400
    assert Address.objects.get().confirmed_at is None


def test_my_subscriptions_page_shows_and_stops_each_or_all(client, pending, author):
    address, token = pending
    client.post(url("confirm", token))
    services.subscribe(
        email="pat@example.org", topic=f"author:{author.slug}", user=None
    )
    manage = url("manage", services.manage_token(address))

    page = client.get(manage)
    assert page.status_code == 200
    assert b"new articles" in page.content
    assert b"new articles by Ada Quill" in page.content

    site = Subscription.objects.get(topic="site")
    assert client.post(manage, {"stop": site.pk}).status_code == 302
    assert Subscription.objects.get(topic="site").stopped_at is not None
    assert Subscription.objects.get(topic__startswith="author").stopped_at is None

    assert client.post(manage, {"stop": "all"}).status_code == 302
    assert not Subscription.objects.filter(stopped_at__isnull=True).exists()
    assert b"we send this address nothing" in client.get(manage).content


def test_opening_links_changes_nothing(client, pending):
    address, token = pending
    stop_all = url("unsubscribe", services.unsubscribe_token(address, None))

    for link in (url("confirm", token), stop_all, url("manage", token)):
        client.get(link)
        client.head(link)

    assert Address.objects.get().confirmed_at is None
    assert Subscription.objects.get().stopped_at is None
