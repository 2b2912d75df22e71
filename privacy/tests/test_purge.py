"""The daily purge: what is older than PRIVACY_RETENTION_DAYS loses its IP hashes
and evidence, what is newer keeps them, and nothing else changes."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from discussion.models import Comment, Thread, Vote
from moderation.models import Ban, Report, Review
from privacy import services, tasks
from privacy.models import LinkRequest, PurgeRun
from ratings.models import Rating

from .conftest import ASHER, BELLA

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DAY = timedelta(days=1)


@pytest.fixture
def aged(talk, settings):
    """Asher's things 91 days old, Bella's 89 (retention: 90 days)."""
    settings.PRIVACY_RETENTION_DAYS = 90
    now = timezone.now()
    old, recent = now - 91 * DAY, now - 89 * DAY
    for reader, when in ((ASHER, old), (BELLA, recent)):
        Comment.objects.filter(reader_key=reader.key).update(created_at=when)
        Vote.objects.filter(reader_key=reader.key).update(created_at=when)
        Rating.objects.filter(reader_key=reader.key).update(updated_at=when)
        Report.objects.filter(reader_key=reader.key).update(created_at=when)
    Review.objects.filter(comment=talk.asher_alone).update(created_at=old)
    Report.objects.update(address="reporterip")
    Review.objects.filter(comment=talk.bella_top).update(created_at=recent)
    Ban.objects.create(
        kind=Ban.Kind.IP, value="asherip", until=old, created_at=old - DAY
    )
    Ban.objects.create(
        kind=Ban.Kind.IP, value="liftedip", lifted_at=old, created_at=old - DAY
    )
    Ban.objects.create(kind=Ban.Kind.IP, value="bellaip", until=now + DAY)
    Ban.objects.create(kind=Ban.Kind.IP, value="foreverip")
    LinkRequest.objects.create(digest="d1", nonce="n1", created_at=old)
    LinkRequest.objects.create(digest="d2", nonce="n2", created_at=recent)
    return now


def test_old_ip_hashes_and_evidence_go_and_recent_ones_stay(aged):
    threads = list(Thread.objects.values())
    words = list(Comment.objects.order_by("pk").values_list("pk", "body_source"))

    purged = services.purge_old_evidence()

    assert purged == {
        "comment_ip_hashes": 3,
        "vote_ip_hashes": 2,
        "rating_ip_hashes": 1,
        "evidence": 1,
        "report_notes": 1,
        "ip_bans": 2,
        "report_addresses": 1,
        "privacy_links": 1,
    }
    assert set(
        Comment.objects.filter(reader_key=ASHER.key).values_list("ip_hash", flat=True)
    ) == {""}
    assert set(
        Comment.objects.filter(reader_key=BELLA.key).values_list("ip_hash", flat=True)
    ) == {"bellaip"}
    assert set(Vote.objects.values_list("reader_key", "ip_hash")) == {
        (ASHER.key, ""),
        (BELLA.key, "bellaip"),
    }
    assert dict(Rating.objects.values_list("reader_key", "ip_hash")) == {
        ASHER.key: "",
        BELLA.key: "bellaip",
    }
    old_review = Review.objects.get(comment__reader_key=ASHER.key)
    assert old_review.evidence == {}
    assert old_review.decision_reason == "Sharp but fair"  # decisions are kept
    assert Review.objects.get(comment__reader_key=BELLA.key).evidence == {"links": 3}
    assert set(Report.objects.values_list("reader_key", "note", "address")) == {
        (ASHER.key, "", ""),
        (BELLA.key, "Bella's note", "reporterip"),
    }
    assert set(Ban.objects.filter(kind="ip").values_list("value", flat=True)) == {
        "bellaip",
        "foreverip",
    }
    assert Ban.objects.filter(kind="email").count() == 2
    assert list(LinkRequest.objects.values_list("nonce", flat=True)) == ["n2"]
    # The words, counters and votes themselves are untouched.
    assert list(Thread.objects.values()) == threads
    assert (
        list(Comment.objects.order_by("pk").values_list("pk", "body_source")) == words
    )
    assert Vote.objects.count() == 3


def test_purging_twice_purges_nothing_more(aged):
    services.purge_old_evidence()

    assert set(services.purge_old_evidence().values()) == {0}


def test_the_retention_is_a_setting(aged, settings):
    settings.PRIVACY_RETENTION_DAYS = 30

    purged = services.purge_old_evidence()

    assert purged["comment_ip_hashes"] == 5
    assert not Comment.objects.exclude(ip_hash="").exists()


def test_the_purge_looks_at_a_given_moment(aged):
    # A year on, everything is old.
    purged = services.purge_old_evidence(now=aged + timedelta(days=365))

    assert purged["comment_ip_hashes"] == 5
    assert purged["evidence"] == 2


def test_the_command_purges_and_says_what(aged):
    out = StringIO()

    call_command("purge_old_evidence", stdout=out)

    assert json.loads(out.getvalue())["comment_ip_hashes"] == 3
    assert not Comment.objects.filter(reader_key=ASHER.key).exclude(ip_hash="")


def test_the_task_purges_and_waits_for_the_next_purge_hour(aged, settings):
    settings.PRIVACY_PURGE_HOUR = 4
    default_task_backend.clear()

    PurgeRun.objects.create(due_at=aged - timedelta(minutes=1))

    result = tasks.purge_old_evidence.call()

    assert result["comment_ip_hashes"] == 3
    done = PurgeRun.objects.get(due_at__lte=aged)
    assert done.finished_at is not None and done.purged == result
    queued = [
        r for r in default_task_backend.results if r.task.name == "purge_old_evidence"
    ]
    assert len(queued) == 1
    at = queued[0].task.run_after
    assert at == tasks.next_purge_at()
    assert timezone.localtime(at).hour == 4
    assert timedelta(0) < at - timezone.now() <= DAY


def test_the_schedule_queues_one_task_per_purge_moment(db):
    from django.core.cache import cache

    default_task_backend.clear()

    for _ in range(3):
        tasks.schedule_purge()
        cache.clear()  # as another process, with a cache of its own, would ask

    assert PurgeRun.objects.filter(finished_at__isnull=True).count() == 1

    queued = [
        r for r in default_task_backend.results if r.task.name == "purge_old_evidence"
    ]
    assert len(queued) == 1


def test_a_web_process_starts_the_schedule_on_its_first_request(client, db):
    from django.core.signals import request_started

    default_task_backend.clear()
    request_started.connect(tasks.start_schedule, dispatch_uid="privacy_purge")

    client.get("/privacy/")
    client.get("/privacy/")

    queued = [
        r for r in default_task_backend.results if r.task.name == "purge_old_evidence"
    ]
    assert len(queued) == 1


@pytest.mark.parametrize(
    ("hour", "now_hour", "expected_day_offset"),
    [(4, 3, 0), (4, 4, 1), (4, 23, 1), (0, 12, 1)],
    ids=["later-today", "at-the-hour", "late-evening", "midnight"],
)
def test_the_next_purge_hour(settings, hour, now_hour, expected_day_offset):
    settings.PRIVACY_PURGE_HOUR = hour
    today = timezone.localdate()
    now = timezone.make_aware(
        timezone.datetime.combine(today, timezone.datetime.min.time())
    ) + timedelta(hours=now_hour)

    at = tasks.next_purge_at(now)

    assert timezone.localtime(at).hour == hour
    assert timezone.localdate(at) == today + timedelta(days=expected_day_offset)
