"""The daily digest: one mail a day at SUBSCRIPTIONS_DIGEST_HOUR to daily
followers, listing the articles first published since the digest before."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from accounts.tests.fixtures import body
from newsroom.models import ArticlePage
from newsroom.tests.fixtures import create_article
from subscriptions import services, tasks
from subscriptions.models import Delivery, Event
from subscriptions.tests.test_articles import follower, header

pytestmark = pytest.mark.django_db


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(
        datetime.fromisoformat(day).replace(hour=hour, minute=minute),
        timezone.get_current_timezone(),
    )


@pytest.fixture
def published(section, author):
    """An article first published at `when`."""

    def make(title: str, when: datetime, **fields) -> ArticlePage:
        article = create_article(section, author, title, **fields)
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=when, last_published_at=when
        )
        return article

    return make


@pytest.fixture
def digest_hour(settings):
    settings.SUBSCRIPTIONS_DIGEST_HOUR = 7
    settings.TIME_ZONE = "Europe/London"
    return 7


def test_daily_followers_get_one_mail_listing_the_new_articles_they_follow(
    smtp_server, digest_hour, published, section, author, committed
):
    follower("site@example.org", "site", frequency="daily")
    follower("ada@example.org", f"author:{author.slug}", frequency="daily")
    follower("elsewhere@example.org", "section:elsewhere", frequency="daily")
    follower("instant@example.org", "site")
    published("Too old", at("2026-03-09", 6, 59))
    published("Morning report", at("2026-03-09", 7))
    published("Evening report", at("2026-03-09", 21), standfirst="Late news.")
    published("Tomorrow's news", at("2026-03-10", 7, 1))

    committed(services.record_digest, now=at("2026-03-10", 7, 5))

    digests = digest_mails(smtp_server)
    assert sorted(m["To"] for m in digests) == ["ada@example.org", "site@example.org"]
    mail = digests[0]
    assert header(mail, "Subject") == "Global News: 2 new articles (10 March)"
    for kind in ("plain", "html"):
        text = body(mail, kind)
        assert text.index("Morning report") < text.index("Evening report")
        assert "Late news." in text
        assert "Too old" not in text and "Tomorrow" not in text
    assert header(mail, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"


def digest_mails(smtp_server) -> list:
    # The instant announcements of the articles these tests publish aside.
    return [m for m in smtp_server.messages if "New on" not in m["Subject"]]


def test_a_day_has_one_digest_however_often_it_is_asked_for(
    smtp_server, digest_hour, published, committed
):
    follower("site@example.org", "site", frequency="daily")
    published("Morning report", at("2026-03-09", 9))

    for minute in (1, 30, 59):
        committed(services.record_digest, now=at("2026-03-10", 8, minute))
    assert len(digest_mails(smtp_server)) == 1
    assert Event.objects.filter(kind=services.DIGEST).count() == 1

    # The next day's digest starts where this one ended.
    published("Next day", at("2026-03-10", 12))
    committed(services.record_digest, now=at("2026-03-11", 7))
    digests = digest_mails(smtp_server)
    assert len(digests) == 2
    assert "Next day" in body(digests[1])
    assert "Morning report" not in body(digests[1])


def test_before_the_hour_the_day_before_is_the_one_due(digest_hour):
    event = services.record_digest(now=at("2026-03-10", 6, 59))
    assert event.payload["day"] == "2026-03-09"
    assert event.payload["until"] == at("2026-03-09", 7).isoformat()


def test_nothing_new_sends_nothing(smtp_server, digest_hour, committed):
    follower("site@example.org", "site", frequency="daily")
    committed(services.record_digest, now=at("2026-03-10", 7))
    assert smtp_server.messages == []
    assert not Delivery.objects.exists()


def test_the_digest_task_records_the_day_and_queues_itself_for_the_next_hour(
    settings, digest_hour
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    default_task_backend.clear()

    tasks.send_daily_digest.call()
    tasks.send_daily_digest.call()  # a second run queues no second task

    assert Event.objects.filter(kind=services.DIGEST).count() == 1
    queued = [
        r for r in default_task_backend.results if r.task.name == "send_daily_digest"
    ]
    assert len(queued) == 1
    assert queued[0].task.run_after == services.next_digest_at()
    assert timezone.localtime(queued[0].task.run_after).hour == 7
    assert queued[0].task.run_after - timezone.now() <= timedelta(days=1)


def test_send_digest_command_sends_the_due_digest(settings, smtp_server, published):
    # The digest hour is this hour: the digest due now ends when the hour began.
    settings.SUBSCRIPTIONS_DIGEST_HOUR = timezone.localtime().hour
    this_hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    follower("site@example.org", "site", frequency="daily")
    published("Last night's report", this_hour - timedelta(hours=3))
    published("Last week's report", this_hour - timedelta(days=7))

    call_command("send_digest", stdout=StringIO())

    (mail,) = digest_mails(smtp_server)
    assert "Last night's report" in body(mail)
    assert "Last week's report" not in body(mail)
