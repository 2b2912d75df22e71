"""Records the daily digest that is due and sends it now: for cron, or to send a
missed digest by hand (a day's digest is recorded and sent once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from subscriptions import outbox, services


class Command(BaseCommand):
    help = "Record the daily digest that is due, then send the mail that is due."

    def handle(self, *args, **options):
        event = services.record_digest()
        sent = outbox.run()
        self.stdout.write(
            f"Digest of {event.payload['day']}; sent {sent} mail"
            f"{'' if sent == 1 else 's'}."
        )
