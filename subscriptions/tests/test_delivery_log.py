"""The delivery log in the Wagtail admin: read-only, filterable by state, failed
mail shown with its error and sent again on request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions.models import Delivery, Event
from subscriptions.tests.test_articles import follower

pytestmark = pytest.mark.django_db

INDEX = "subscriptions_deliveries:index"


@pytest.fixture
def log(db):
    sent = follower("sent@example.org", "site")
    failed = follower("failed@example.org", "site")
    event = Event.objects.create(kind="article.published", payload={"article_id": 7})
    Delivery.objects.create(event=event, address=sent, state=Delivery.State.SENT)
    return Delivery.objects.create(
        event=event,
        address=failed,
        state=Delivery.State.FAILED,
        attempts=3,
        last_error="SMTPRecipientsRefused: 550 No such user",
    )


def test_admins_see_every_mail_and_why_one_failed(admin_client, log):
    page = admin_client.get(reverse(INDEX))

    assert page.status_code == 200
    html = page.content.decode()
    assert "sent@example.org" in html and "failed@example.org" in html
    assert "550 No such user" in html
    assert "article.published (article_id 7)" in html
    assert html.count("Send again") == 1


def test_the_log_filters_by_state(admin_client, log):
    page = admin_client.get(reverse(INDEX), {"state": "failed"})

    html = page.content.decode()
    assert "failed@example.org" in html
    assert "sent@example.org" not in html


def test_the_log_is_read_only(admin_client, log):
    assert admin_client.get(reverse(INDEX)).status_code == 200
    add = admin_client.get("/admin/subscriptions_deliveries/new/")
    edit = admin_client.get(f"/admin/subscriptions_deliveries/edit/{log.pk}/")
    assert add.status_code in (302, 403, 404)
    assert edit.status_code in (302, 403, 404)
    inspect = admin_client.get(f"/admin/subscriptions_deliveries/inspect/{log.pk}/")
    assert inspect.status_code == 200


def test_send_again_puts_a_failed_mail_back_in_the_queue(
    admin_client, log, django_capture_on_commit_callbacks
):
    url = reverse("subscriptions_retry", args=[log.pk])
    assert admin_client.get(url).status_code == 405

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = admin_client.post(url)

    assert answer.status_code == 302
    log.refresh_from_db()
    assert log.state == Delivery.State.PENDING
    assert len(callbacks) == 1  # the worker is woken


def test_only_failed_mail_is_sent_again(admin_client, log):
    sent = Delivery.objects.get(state=Delivery.State.SENT)

    admin_client.post(reverse("subscriptions_retry", args=[sent.pk]))

    sent.refresh_from_db()
    assert sent.state == Delivery.State.SENT


def test_readers_cannot_send_again(client, django_user_model, log):
    user = django_user_model.objects.create_user(
        username="reader", email="r@example.org", password="x" * 12
    )
    client.force_login(user)

    answer = client.post(reverse("subscriptions_retry", args=[log.pk]))

    assert answer.status_code in (302, 403)
    log.refresh_from_db()
    assert log.state == Delivery.State.FAILED
