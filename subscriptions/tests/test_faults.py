"""Faults, with real processes: the SMTP server down while comments arrive, the
task worker (`manage.py db_worker`, as `make run` starts it) killed with SIGKILL
in the middle of a batch and started again, the server back up. Every expected
mail arrives exactly once, counted by recipient and Message-ID at a real SMTP
server (aiosmtpd).

The worker processes share the test's database, so these run on PostgreSQL (the
SQLite test database lives in the test process's memory). Leases and retries
are shortened through the settings the worker reads from its environment.
"""

from __future__ import annotations

import asyncio
import email
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from accounts.tests.fixtures import _free_port
from discussion import services as discussion
from discussion.tests.fixtures import guest
from subscriptions.models import Address, Delivery, Subscription

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = 3  # seconds: a dead worker's mail goes back to the queue this soon
RETRY = 1  # seconds before the first retry
READERS, COMMENTS = 24, 4
STALL_AT = 30  # the SMTP server holds the 31st mail, mid-batch (BATCH is 50)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "worker processes share the test database: run on PostgreSQL "
            "(TEST_DATABASE_URL)"
        )


class StallingSink:
    """Keeps every mail it accepts. From the `stall_at`-th on, before answering a
    mail it asks the test (`offers`) whether to take it or to hold it. Once it
    holds one, it answers no mail at all (every session: a worker's other
    senders, another worker) until `release` is set, and then refuses each
    mail it held (the worker that offered the held one is dead by then: never
    accepted); mail offered after that is taken again."""

    def __init__(self, stall_at: int) -> None:
        self.stall_at = stall_at
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.offers: queue.Queue[str] = queue.Queue()  # Message-IDs
        self.answers: queue.Queue[str] = queue.Queue()
        self.held = False
        self.release = threading.Event()
        self._asking: asyncio.Lock | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        if len(self.received) >= self.stall_at and not self.held:
            self._asking = self._asking or asyncio.Lock()
            async with self._asking:  # one question at a time
                if not self.held:
                    offered = email.message_from_bytes(envelope.content)
                    self.offers.put(str(offered["Message-ID"]))
                    while self.answers.empty():
                        await asyncio.sleep(0.02)
                    self.held = self.answers.get() == "hold"
        if self.held and not self.release.is_set():
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Not taken"
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        for recipient in envelope.rcpt_tos:
            self.received.append((recipient, str(message["Message-ID"])))
        return "250 Message accepted for delivery"


class SmtpSwitch:
    """The sink on a fixed port, stopped and started as the test says."""

    def __init__(self, sink: StallingSink) -> None:
        self.sink, self.port, self.controller = sink, _free_port(), None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class Workers:
    """`manage.py db_worker` processes, each in a session of its own, on the
    test's database; stopped (only they) when the test ends."""

    def __init__(self, tmp_path: Path, smtp_port: int) -> None:
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        url = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        drop = {"REDIS_URL", "SITE_URL", "HOST", "PORT", "TASKS_BACKEND"}
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in drop},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "DATABASE_CONN_MAX_AGE": "0",
            "TRIBUNE_VAR_DIR": str(tmp_path / "var"),
            "SECRET_KEY": django_settings.SECRET_KEY,
            "SITE_URL": "http://testserver",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "SUBSCRIPTIONS_CLAIM_LEASE_SECONDS": str(LEASE),
            "SUBSCRIPTIONS_RETRY_SECONDS": str(RETRY),
            "SUBSCRIPTIONS_RETRY_MAX_SECONDS": str(RETRY * 3),
        }
        self.log = tmp_path / "workers.log"
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        with self.log.open("a") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--no-reload",
                    "--no-startup-delay",
                    "--interval",
                    "0.2",
                ],
                cwd=django_settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def kill(self, pid: int) -> None:
        """SIGKILL: no handler runs, nothing is cleaned up."""
        [process] = [p for p in self.processes if p.pid == pid]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def wait_for(condition, what: str, workers: Workers, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            from django_tasks_db.models import DBTaskResult

            from subscriptions.models import Event

            state = (
                Counter(DBTaskResult.objects.values_list("status", flat=True)),
                list(Event.objects.values_list("kind", "state")),
                Counter(Delivery.objects.values_list("state", "attempts")),
            )
            pytest.fail(
                f"gave up waiting for {what}: {state}\n{workers.output()[-3000:]}"
            )
        time.sleep(0.1)


@pytest.fixture
def fault_rig(article, settings, tmp_path):
    """Followers of the article, the SMTP server (down), and worker processes."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    cache.delete("subscriptions:wake")  # the article's own event, queued nowhere
    now = timezone.now()
    for n in range(READERS):
        address = Address.objects.create(
            email=f"reader{n}@example.org", confirmed_at=now
        )
        Subscription.objects.create(
            address=address, topic=f"article:{article.pk}", confirmed_at=now
        )
    sink = StallingSink(STALL_AT)
    smtp = SmtpSwitch(sink)
    workers = Workers(tmp_path, smtp.port)
    try:
        yield sink, smtp, workers
    finally:
        sink.release.set()
        workers.stop_all()
        smtp.stop()


def comments_arrive(article) -> None:
    for n in range(COMMENTS):
        discussion.post_comment(
            article=article,
            reader=guest(),
            body=f"Comment {n} while the mail server is down.",
            name="Asher",
            email=f"writer{n}@example.org",
        )


def kill_a_worker_mid_batch(sink: StallingSink, workers: Workers) -> None:
    """Waits for a mail offered by a worker that has more of its batch in hand
    (taken, not yet recorded); has the server hold it, kills that worker, and
    lets the server refuse the held mail."""
    for _ in range(READERS * COMMENTS):
        try:
            message_id = sink.offers.get(timeout=60)
        except queue.Empty:
            pytest.fail(f"no mail was offered\n{workers.output()[-3000:]}")
        # <delivery.PK.EVENT@domain> (subscriptions.mail.message_id)
        pk = int(message_id.strip("<>").split(".")[1])
        delivery = Delivery.objects.get(pk=pk, state=Delivery.State.SENDING)
        in_hand = Delivery.objects.filter(
            claimed_by=delivery.claimed_by, state=Delivery.State.SENDING
        ).count()
        if in_hand > 1:
            sink.answers.put("hold")
            # The worker's other senders record what the server took before
            # the hold, then wait on their next mail: the kill finds none of
            # them between a "250" and its record (the window the module
            # docstring of subscriptions.outbox describes).
            time.sleep(0.5)
            workers.kill(int(delivery.claimed_by.split(":")[1]))
            sink.release.set()
            return
        sink.answers.put("take")
    pytest.fail("no worker had more than one mail in hand")


def assert_each_mail_arrived_once(sink: StallingSink) -> None:
    expected = {
        (address, message_id)
        for address, message_id in Delivery.objects.values_list(
            "address__email", "message_id"
        )
    }
    assert len(expected) == READERS * COMMENTS
    assert Counter(sink.received).most_common(1)[0][1] == 1, "a mail arrived twice"
    assert set(sink.received) == expected
    per_reader = Counter(recipient for recipient, _ in sink.received)
    assert set(per_reader.values()) == {COMMENTS}


def outage_then_recovery(article, sink, smtp, workers, *, running: int) -> None:
    """Comments arrive while SMTP is down; SMTP comes back; the worker holding
    the mail the server stalls on is killed mid-batch and started again."""
    for _ in range(running):
        workers.start()
    comments_arrive(article)
    expected = READERS * COMMENTS
    wait_for(
        lambda: (
            Delivery.objects.filter(attempts__gte=1, state="pending").count()
            == expected
        ),
        "every mail to have met the outage",
        workers,
    )
    assert sink.received == []

    smtp.start()
    kill_a_worker_mid_batch(sink, workers)
    workers.start()

    wait_for(
        lambda: Delivery.objects.filter(state="sent").count() == expected,
        "every mail to be sent",
        workers,
    )
    assert Delivery.objects.exclude(state="sent").count() == 0


def test_an_outage_and_a_killed_worker_lose_nothing_and_send_nothing_twice(
    article, fault_rig
):
    sink, smtp, workers = fault_rig

    outage_then_recovery(article, sink, smtp, workers, running=1)

    assert_each_mail_arrived_once(sink)


@pytest.mark.postgres
def test_the_same_with_two_workers_at_once(article, fault_rig):
    sink, smtp, workers = fault_rig

    outage_then_recovery(article, sink, smtp, workers, running=2)

    assert_each_mail_arrived_once(sink)
    # The mails the killed worker had taken left from another process.
    assert len({p.pid for p in workers.processes}) == 3
