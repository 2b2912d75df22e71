#!/usr/bin/env python
"""A new article for N confirmed instant subscribers: how long until a local SMTP
server has accepted every mail (loopback only).

Usage (from the project root):
    .venv/bin/python bench/subscriptions_fanout.py [--subscribers 10000]
        [--workers 1] [--database-url URL]

It builds a fresh database (SQLite under --work unless --database-url names a
PostgreSQL one, which is emptied first), a site with one section and author,
and N confirmed addresses following the whole site. An aiosmtpd server runs in
a process of its own and counts what it accepts. The article is published as
an editor would (revision.publish(): the outbox event commits with it); the
clock starts there and stops when the server has accepted N mails. The work is
what the task worker does: `outbox.run()` (fan-out, claims, batches of
outbox.BATCH over one SMTP connection each), in --workers processes at once.

Prints one JSON line: subscribers, workers, seconds, mails_per_second,
smtp_connections, fan_out_seconds (to the first mail accepted).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sink(port: int, accepted, connections, first_at, ready) -> None:
    """An SMTP server that accepts every mail and counts it (and its sessions)."""
    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            with connections.get_lock():
                connections.value += 1
            session.host_name = hostname
            return responses

        async def handle_DATA(self, server, session, envelope):
            with accepted.get_lock():
                if accepted.value == 0:
                    first_at.value = time.time()
                accepted.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def setup_django(args, port: int) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["EMAIL_PORT"] = str(port)
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("TRIBUNE_VAR_DIR", str(args.work / "var"))
    import django

    django.setup()


def build(subscribers: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from newsroom.tests.fixtures import build_home_page, make_author, make_section
    from subscriptions.models import Address, Subscription

    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    home = build_home_page()
    make_section(home, "Analysis")
    make_author()
    now = timezone.now()
    Address.objects.bulk_create(
        (Address(email=f"reader{n}@example.org", confirmed_at=now))
        for n in range(subscribers)
    )
    Subscription.objects.bulk_create(
        (Subscription(address_id=pk, topic="site", confirmed_at=now))
        for pk in Address.objects.values_list("pk", flat=True)
    )


def publish() -> None:
    from django.db import transaction

    from newsroom.models import Author, SectionPage
    from newsroom.tests.fixtures import create_article

    with transaction.atomic():
        create_article(
            SectionPage.objects.get(slug="analysis"),
            Author.objects.get(),
            "A new article for everyone",
        )


def work(args, port: int, go, accepted) -> None:
    """A task worker that is already running when the article is published: it
    makes passes of `outbox.run()` until every mail has been accepted."""
    setup_django(args, port)
    from django.db import connection

    from subscriptions import outbox

    connection.ensure_connection()
    token = outbox.worker_token()
    go.wait()
    while accepted.value < args.subscribers:
        if not outbox.run(token=token, max_batches=10**6):
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/tribune-bench-subs"))
    parser.add_argument("--database-url", default="")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if not args.database_url:
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        args.database_url = f"sqlite:///{args.work / 'bench.sqlite3'}"
    args.work.mkdir(parents=True, exist_ok=True)

    ctx = multiprocessing.get_context("spawn")
    accepted = ctx.Value("i", 0)
    connections = ctx.Value("i", 0)
    first_at = ctx.Value("d", 0.0)
    ready = ctx.Event()
    port = free_port()
    server = ctx.Process(
        target=sink, args=(port, accepted, connections, first_at, ready), daemon=True
    )
    server.start()
    ready.wait(30)

    setup_django(args, port)
    build(args.subscribers)
    from django.db import connections as db_connections

    db_connections.close_all()
    go = ctx.Event()
    workers = [
        ctx.Process(target=work, args=(args, port, go, accepted))
        for _ in range(args.workers)
    ]
    for process in workers:
        process.start()
    time.sleep(8)  # the workers start Django and connect, as a running worker has
    started = time.time()
    publish()
    go.set()
    while accepted.value < args.subscribers and time.time() - started < args.timeout:
        time.sleep(0.01)
    seconds = time.time() - started
    for process in workers:
        process.join(30)
    server.terminate()
    sys.stdout.write(
        json.dumps(
            {
                "subscribers": args.subscribers,
                "accepted": accepted.value,
                "workers": args.workers,
                "database": args.database_url.split(":", 1)[0],
                "seconds": round(seconds, 2),
                "mails_per_second": round(accepted.value / seconds, 1),
                "smtp_connections": connections.value,
                "first_mail_after": round(first_at.value - started, 2),
            }
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
