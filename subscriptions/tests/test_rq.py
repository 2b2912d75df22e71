"""The Redis queue for large sites (TASKS_BACKEND=django_tasks_rq.RQBackend): the
worker's pass is queued in Redis, run by an RQ worker, and the mail arrives."""

from __future__ import annotations

import os
import time

import pytest

from discussion import services as discussion
from discussion.tests.fixtures import guest, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def rq_queue(settings):
    """The RQ backend on a Redis database of its own, emptied before and after."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("the RQ backend is tested on Redis (set TEST_REDIS_URL)")
    import django_rq

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}
    }
    settings.RQ_QUEUES = {"default": {"URL": url.rsplit("/", 1)[0] + "/14"}}
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


def test_a_comment_mail_goes_through_redis_and_an_rq_worker(
    smtp_server, article, reader, committed, rq_queue, settings
):
    from django.core.cache import cache
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker
    from rq.scheduler import RQScheduler

    cache.delete("subscriptions:wake")
    committed(
        discussion.post_comment,
        article=article,
        reader=member(reader),
        body="Mine.",
        notify="all",
    )
    committed(
        discussion.post_comment,
        article=article,
        reader=guest(),
        body="Through Redis.",
        name="Asher",
        email="asher@example.org",
    )

    # One pass for both comments waits in Redis for the end of its one-second
    # window; nothing is sent yet.
    assert rq_queue.scheduled_job_registry.count == 1
    assert smtp_server.messages == []
    time.sleep(1.2)
    scheduler = RQScheduler([rq_queue], connection=rq_queue.connection)
    scheduler.acquire_locks()
    scheduler.enqueue_scheduled_jobs()
    scheduler.release_locks()
    worker = SimpleWorker([rq_queue], connection=rq_queue.connection, job_class=Job)
    worker.work(burst=True)
    assert rq_queue.failed_job_registry.count == 0

    [mail] = smtp_server.messages
    assert "Through Redis." in mail.get_body(("plain",)).get_content()
    assert mail["To"] == reader.email
