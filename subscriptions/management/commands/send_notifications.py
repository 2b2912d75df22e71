"""Sends notification mail now, once or in a loop: for cron, or a worker of its
own beside (or instead of) the task worker."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from subscriptions import outbox


class Command(BaseCommand):
    help = "Turn pending events into mail and send what is due (once, or --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep going")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between passes"
        )

    def handle(self, *args, loop, interval, **options):
        token = outbox.worker_token()
        while True:
            sent = outbox.run(token=token)
            if sent or not loop:
                self.stdout.write(f"Sent {sent} mail{'' if sent == 1 else 's'}.")
            if not loop:
                return
            time.sleep(interval)
