"""The daily purge, run by the task worker that `manage.py serve` starts.

The purge task queues itself for the next PRIVACY_PURGE_HOUR each time it runs,
so once started it runs every day without a cron entry. It is started by the
first request each web process serves (`start_schedule`, connected in
config/wsgi.py, which only serving processes load):
after a deploy or a restart the chain is picked up again, and a `PurgeRun` row
per purge moment keeps it to one queued task however many processes ask.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.signals import request_started
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from . import services
from .models import PurgeRun


def next_purge_at(now: datetime | None = None) -> datetime:
    """The first PRIVACY_PURGE_HOUR (local time) after `now`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    for day in (today, today + timedelta(days=1)):
        at = datetime.combine(day, time(hour=settings.PRIVACY_PURGE_HOUR))
        moment = timezone.make_aware(at, timezone.get_current_timezone())
        if moment > now:
            return moment
    raise AssertionError("unreachable")  # pragma: no cover


@task()
def purge_old_evidence() -> dict[str, int]:
    """Purges what is older than PRIVACY_RETENTION_DAYS, then waits for the
    next purge hour."""
    purged = services.purge_old_evidence()
    now = timezone.now()
    PurgeRun.objects.filter(due_at__lte=now, finished_at__isnull=True).update(
        finished_at=now, purged=purged
    )
    schedule_purge()
    return purged


def schedule_purge() -> None:
    """Makes sure a purge task waits for the next purge hour (once per moment)."""
    if not default_task_backend.supports_defer:
        return
    at = next_purge_at()
    if PurgeRun.objects.filter(due_at=at).exists():
        return
    try:
        with transaction.atomic():
            PurgeRun.objects.create(due_at=at)
            purge_old_evidence.using(run_after=at).enqueue()
    except IntegrityError:  # another process queued it a moment ago
        return


def start_schedule(**kwargs) -> None:
    """On a process's first request: schedules the purge, then stops listening."""
    request_started.disconnect(start_schedule, dispatch_uid="privacy_purge")
    try:
        schedule_purge()
    except Exception:  # never let scheduling break the request that triggered it
        import logging

        logging.getLogger(__name__).exception("could not schedule the purge")
