"""Purges IP hashes and moderation evidence older than PRIVACY_RETENTION_DAYS."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = (
        "Clear IP hashes (comments, votes, ratings), moderation evidence, report "
        "notes and ended IP bans older than PRIVACY_RETENTION_DAYS; prints what "
        "was purged as JSON."
    )

    def handle(self, *args, **options):
        purged = services.purge_old_evidence()
        self.stdout.write(json.dumps(purged, sort_keys=True))
