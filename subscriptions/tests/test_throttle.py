"""The hourly throttle: past SUBSCRIPTIONS_THROTTLE_PER_HOUR comment mails from
one article in an hour, a reader gets the rest in one mail when the hour ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.fixtures import body
from discussion import services as discussion
from discussion.tests.fixtures import guest
from subscriptions import outbox, services
from subscriptions.models import Delivery
from subscriptions.tests.test_articles import follower, header

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(article, committed):
    def post(text: str, n: int):
        return committed(
            discussion.post_comment,
            article=article,
            reader=guest(),
            body=text,
            parent_id=None,
            name=f"Writer {n}",
            email=f"writer{n}@example.org",
        )

    return post


def test_past_the_limit_comments_wait_and_leave_in_one_mail_when_the_hour_ends(
    settings, smtp_server, article, comment, committed
):
    settings.SUBSCRIPTIONS_THROTTLE_PER_HOUR = 3
    follower("busy@example.org", f"article:{article.pk}")

    for n in range(5):
        comment(f"Comment number {n}.", n)

    assert len(smtp_server.messages) == 3
    held = Delivery.objects.filter(state=Delivery.State.HELD)
    assert held.count() == 2
    first = Delivery.objects.order_by("created_at").first().created_at
    assert {d.next_attempt_at for d in held} == {first + timedelta(hours=1)}

    # Nothing more leaves before the hour ends...
    outbox.run()
    assert len(smtp_server.messages) == 3

    # ...then one mail with both.
    outbox.roll_up(now=first + timedelta(hours=1))
    outbox.run()
    assert len(smtp_server.messages) == 4
    roundup = smtp_server.messages[3]
    assert header(roundup, "Subject") == "2 more comments on “Open for discussion”"
    for kind in ("plain", "html"):
        assert "Comment number 3." in body(roundup, kind)
        assert "Comment number 4." in body(roundup, kind)
        assert "Comment number 2." not in body(roundup, kind)
    assert header(roundup, "References") == f"<article.{article.pk}@testserver>"
    assert header(roundup, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert not Delivery.objects.filter(state=Delivery.State.HELD).exists()
    assert Delivery.objects.filter(state=Delivery.State.BUNDLED).count() == 2

    # A second pass rolls up nothing again.
    assert outbox.roll_up(now=first + timedelta(hours=2)) == 0


def test_the_throttle_counts_each_reader_apart(settings, smtp_server, article, comment):
    settings.SUBSCRIPTIONS_THROTTLE_PER_HOUR = 2
    early = follower("early@example.org", f"article:{article.pk}")
    comment("One.", 1)
    comment("Two.", 2)
    follower("late@example.org", f"article:{article.pk}")

    comment("Three.", 3)

    assert [m["To"] for m in smtp_server.messages[-1:]] == ["late@example.org"]
    assert Delivery.objects.get(state=Delivery.State.HELD).address == early


def test_stopping_the_subscription_cancels_held_mail(
    settings, smtp_server, article, comment
):
    settings.SUBSCRIPTIONS_THROTTLE_PER_HOUR = 1
    address = follower("busy@example.org", f"article:{article.pk}")
    comment("One.", 1)
    comment("Two.", 2)

    services.stop(address=address)
    outbox.roll_up(now=timezone.now() + timedelta(hours=1))

    assert len(smtp_server.messages) == 1
    assert not Delivery.objects.filter(state=Delivery.State.HELD).exists()
