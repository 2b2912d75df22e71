"""The background task that sends notification mail (subscriptions.outbox).

Queued when an event commits, so with the database backend the worker that
`manage.py serve` starts picks it up within a second or two; it queues itself
again for the earliest retry when some mail could not leave.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django_tasks import default_task_backend, task

from . import outbox


@task()
def deliver_notifications() -> int:
    """Fans out pending events and sends every delivery that is due."""
    sent = outbox.run()
    retry_at = outbox.next_due()
    if retry_at is not None and default_task_backend.supports_defer:
        # Every pass that meets an outage would queue a follow-up: one per
        # 15 seconds of retry time is enough.
        slot = int(retry_at.timestamp()) // outbox.FIRST_RETRY
        if cache.add(f"subscriptions:retry:{slot}", 1, timeout=outbox.MAX_WAIT * 2):
            deliver_notifications.using(run_after=retry_at).enqueue()
    return sent


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
