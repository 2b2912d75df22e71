"""The background task that sends notification mail (subscriptions.outbox).

Queued when an event commits, so with the database backend the worker that
`manage.py serve` starts picks it up within a second or two; it queues itself
again for the earliest retry when some mail could not leave.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from . import outbox, services


@task()
def deliver_notifications() -> int:
    """Fans out pending events and sends every delivery that is due."""
    schedule_digest()
    # Queued before the work starts, so that a worker killed half-way leaves a
    # pass behind it: the task runner does not run a task again whose worker
    # died, and the mail that worker had taken goes back to the queue only when
    # its lease runs out.
    _queue_pass(timezone.now() + outbox.lease() + timedelta(seconds=1), "lease")
    sent = outbox.run()
    retry_at = outbox.next_due()
    if retry_at is not None:
        _queue_pass(retry_at, "retry")
    return sent


def _queue_pass(at, why: str) -> None:
    """Queues a pass of the worker for `at`, unless one is queued near it.

    Every pass that meets an outage (or starts) would queue one: one per
    SUBSCRIPTIONS_RETRY_SECONDS of time is enough (the cache remembers which
    were queued; a second one would only find nothing to do).
    """
    if not default_task_backend.supports_defer:
        return
    step = max(1, settings.SUBSCRIPTIONS_RETRY_SECONDS)
    slot = int(at.timestamp()) // step
    timeout = 2 * max(settings.SUBSCRIPTIONS_RETRY_MAX_SECONDS, step)
    if cache.add(f"subscriptions:{why}:{slot}", 1, timeout=timeout):
        deliver_notifications.using(run_after=at).enqueue()


# Events that commit within this many seconds of each other share one pass.
WAKE_WINDOW = 1


def wake_worker() -> None:
    """Asks for a pass of the worker (call it once the event has committed).

    The first event of a window queues a pass that runs when the window closes;
    the events after it in the window are already committed by then, so that pass
    sends them too, and they queue nothing: a busy discussion writes one task a
    second, not one a comment.
    """
    if not default_task_backend.supports_defer:
        deliver_notifications.enqueue()
        return
    if cache.add("subscriptions:wake", 1, timeout=WAKE_WINDOW):
        run_after = timezone.now() + timedelta(seconds=WAKE_WINDOW)
        deliver_notifications.using(run_after=run_after).enqueue()


@task()
def send_daily_digest() -> None:
    """Records the digest that is due (once a day, however often this runs) and
    queues itself for the next digest hour; the worker then sends it."""
    services.record_digest()
    schedule_digest()


def schedule_digest() -> None:
    """Makes sure a digest task waits for the next digest hour.

    Every pass of the worker calls this, so a fresh installation starts its
    digests without a cron entry; the cache keeps it to one queued task per
    digest moment (a second one would only find the day's digest recorded).
    """
    if not default_task_backend.supports_defer:
        return
    at = services.next_digest_at()
    if cache.add(f"subscriptions:digest:{at.isoformat()}", 1, timeout=2 * 86400):
        send_daily_digest.using(run_after=at).enqueue()
