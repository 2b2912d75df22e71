"""The links mailed to people who ask for their data.

Only a keyed hash of the address is kept (`digest`): enough to send an address
at most one link every PRIVACY_MAIL_QUIET and to tell a used link from a fresh
one, and nothing anyone could read an address back from. Rows older than
PRIVACY_RETENTION_DAYS are purged with the rest.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LinkRequest(models.Model):
    """One link mailed to an address; `nonce` is in the link's signed token."""

    digest = models.CharField(max_length=64, db_index=True)
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(
        null=True, blank=True, help_text="When the data was erased through it."
    )

    def __str__(self) -> str:
        return f"Privacy link {self.pk}"


class PurgeRun(models.Model):
    """One daily purge: queued for `due_at` (once, whichever process asked
    first: the unique moment keeps a second task from being queued, which the
    per-process cache of a site without Redis could not), and when it ran."""

    due_at = models.DateTimeField(unique=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    purged = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Purge due {self.due_at:%Y-%m-%d %H:%M}"
