"""Two workers sending at once (PostgreSQL: real row locks, SKIP LOCKED): every
mail leaves exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from subscriptions import outbox
from subscriptions.models import Address, Delivery, Event, Subscription

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are tested on PostgreSQL (TEST_DATABASE_URL)")


def test_two_workers_fanning_out_and_sending_at_once_send_each_mail_once(
    smtp_server, comment_on_many
):
    expected = comment_on_many(readers=40, comments=5)
    tokens = ["worker-a", "worker-b"]
    barrier = threading.Barrier(len(tokens))
    errors, sent = [], {}

    def work(token):
        try:
            barrier.wait()
            total = 0
            while True:
                outbox.fan_out(limit=1)
                batch = outbox.claim(token, limit=7)
                if not batch and not Event.objects.filter(state="pending").exists():
                    break
                total += outbox.send_batch(token, batch)
            sent[token] = total
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == []
    received = [
        (tuple(rcpt), m["Message-ID"])
        for rcpt, m in zip(smtp_server.recipients, smtp_server.messages, strict=True)
    ]
    assert len(received) == len(set(received)) == expected
    assert sum(sent.values()) == expected
    assert all(sent.values()), "both workers took a share"
    assert Delivery.objects.filter(state="sent").count() == expected


@pytest.fixture
def comment_on_many(article, settings):
    """Confirmed followers of the article and comments on it, written straight
    to the outbox as committed comments would be: returns the mails expected."""
    from discussion import services as discussion
    from discussion.tests.fixtures import guest

    def make(*, readers: int, comments: int) -> int:
        # Queued only: the workers below do the sending.
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
        }
        now = timezone.now()
        for n in range(readers):
            address = Address.objects.create(
                email=f"reader{n}@example.org", confirmed_at=now
            )
            Subscription.objects.create(
                address=address, topic=f"article:{article.pk}", confirmed_at=now
            )
        for n in range(comments):
            discussion.post_comment(
                article=article,
                reader=guest(),
                body=f"Comment {n}",
                name="Asher",
                email=f"writer{n}@example.org",
            )
        return readers * comments

    return make
