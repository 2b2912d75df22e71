"""Faults, with real processes: the SMTP server down while comments arrive, the
task worker (`manage.py db_worker`, as `make run` starts it) killed with SIGKILL
in the middle of a batch and started again, the server back up. Every expected
mail arrives exactly once, counted by recipient and Message-ID at a real SMTP
server (aiosmtpd).

On PostgreSQL the workers share the test's database, and a second worker runs
beside the first. SQLite's test database lives in the test process's memory, so
there the whole site runs in processes of its own on a file of its own: one
migrates and fills it, one posts the comments, the workers send, and the test
reads the file. Leases and retries are shortened through the settings the
worker reads from its environment.
"""

from __future__ import annotations

import asyncio
import email
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
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
from subscriptions.models import Address, Subscription

LEASE = 3  # seconds: a dead worker's mail goes back to the queue this soon
RETRY = 1  # seconds before the first retry
READERS, COMMENTS = 24, 4
STALL_AT = 30  # the SMTP server holds the 31st mail, mid-batch (BATCH is 50)


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "workers share the test database on PostgreSQL (TEST_DATABASE_URL); "
            "test_the_same_on_sqlite runs the site in processes of its own"
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
    database at `database_url`; stopped (only they) when the test ends."""

    def __init__(self, tmp_path: Path, smtp_port: int, database_url: str) -> None:
        drop = {"REDIS_URL", "SITE_URL", "HOST", "PORT", "TASKS_BACKEND"}
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in drop},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
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

    def manage(self, *command: str) -> str:
        """Runs `manage.py command` on the same database, to completion."""
        return subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=django_settings.BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout

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


class Store:
    """What the test reads of the deliveries, in SQL: through the test's own
    connection (PostgreSQL), or straight from the SQLite file the processes
    share."""

    def __init__(self, sqlite_file: Path | None = None) -> None:
        self.sqlite_file = sqlite_file

    def rows(self, sql: str, *params) -> list[tuple]:
        if self.sqlite_file is None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        with closing(sqlite3.connect(self.sqlite_file, timeout=20)) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    def count(self, where: str, *params) -> int:
        sql = f"SELECT COUNT(*) FROM subscriptions_delivery WHERE {where}"
        return self.rows(sql, *params)[0][0]

    def states(self) -> Counter:
        return Counter(self.rows("SELECT state, attempts FROM subscriptions_delivery"))

    def sent_mails(self) -> set[tuple[str, str]]:
        return set(
            self.rows(
                "SELECT a.email, d.message_id FROM subscriptions_delivery d"
                " JOIN subscriptions_address a ON a.id = d.address_id"
            )
        )


def wait_for(
    condition, what: str, workers: Workers, store: Store, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(
                f"gave up waiting for {what}: {store.states()}\n"
                f"{workers.output()[-3000:]}"
            )
        time.sleep(0.1)


def kill_a_worker_mid_batch(sink: StallingSink, workers: Workers, store: Store):
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
        [(token,)] = store.rows(
            "SELECT claimed_by FROM subscriptions_delivery"
            " WHERE id = %s AND state = 'sending'",
            pk,
        )
        if store.count("claimed_by = %s AND state = 'sending'", token) > 1:
            sink.answers.put("hold")
            # The worker's other senders record what the server took before
            # the hold, then wait on their next mail: the kill finds none of
            # them between a "250" and its record (the window the module
            # docstring of subscriptions.outbox describes).
            time.sleep(0.5)
            workers.kill(int(token.split(":")[1]))
            sink.release.set()
            return
        sink.answers.put("take")
    pytest.fail("no worker had more than one mail in hand")


def outage_then_recovery(comments_arrive, sink, smtp, workers, store, *, running):
    """Comments arrive while SMTP is down; SMTP comes back; the worker holding
    the mail the server stalls on is killed mid-batch and started again; then
    every mail arrived once."""
    for _ in range(running):
        workers.start()
    comments_arrive()
    expected = READERS * COMMENTS
    wait_for(
        lambda: store.count("attempts >= 1 AND state = 'pending'") == expected,
        "every mail to have met the outage",
        workers,
        store,
    )
    assert sink.received == []

    smtp.start()
    kill_a_worker_mid_batch(sink, workers, store)
    workers.start()

    wait_for(
        lambda: store.count("state = 'sent'") == expected,
        "every mail to be sent",
        workers,
        store,
    )
    assert store.count("state <> 'sent'") == 0
    sent = store.sent_mails()
    assert len(sent) == expected
    assert Counter(sink.received).most_common(1)[0][1] == 1, "a mail arrived twice"
    assert set(sink.received) == sent
    per_reader = Counter(recipient for recipient, _ in sink.received)
    assert set(per_reader.values()) == {COMMENTS}


@pytest.fixture
def rig(tmp_path):
    """The SMTP server (down) and a way to start workers on `database_url`."""
    sink = StallingSink(STALL_AT)
    smtp = SmtpSwitch(sink)
    made: list[Workers] = []

    def workers(database_url: str) -> Workers:
        made.append(Workers(tmp_path, smtp.port, database_url))
        return made[-1]

    try:
        yield sink, smtp, workers
    finally:
        sink.release.set()
        for each in made:
            each.stop_all()
        smtp.stop()


def shared_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def followed_article(article, settings):
    """The article and its followers, in the test's (PostgreSQL) database."""
    _postgresql_only()
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

    def comments_arrive() -> None:
        for n in range(COMMENTS):
            discussion.post_comment(
                article=article,
                reader=guest(),
                body=f"Comment {n} while the mail server is down.",
                name="Asher",
                email=f"writer{n}@example.org",
            )

    return comments_arrive


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("running", [1, 2], ids=["one-worker", "two-workers"])
def test_an_outage_and_a_killed_worker_lose_nothing_and_send_nothing_twice(
    followed_article, rig, running
):
    sink, smtp, workers = rig

    outage_then_recovery(
        followed_article,
        sink,
        smtp,
        workers(shared_database_url()),
        Store(),
        running=running,
    )


SEED = """
from django.utils import timezone
from newsroom.tests.fixtures import (
    build_home_page, create_article, make_author, make_section,
)
from subscriptions.models import Address, Subscription
article = create_article(
    make_section(build_home_page(), "Analysis"), make_author(), "Open for discussion"
)
now = timezone.now()
for n in range({readers}):
    address = Address.objects.create(email=f"reader{{n}}@example.org", confirmed_at=now)
    Subscription.objects.create(
        address=address, topic=f"article:{{article.pk}}", confirmed_at=now
    )
print(article.pk)
"""

POST = """
from discussion import services
from discussion.readers import Reader
from newsroom.models import ArticlePage
article = ArticlePage.objects.get(pk={article})
for n in range({comments}):
    services.post_comment(
        article=article,
        reader=Reader(key=f"g:writer{{n}}", ip_hash=f"ip{{n}}"),
        body=f"Comment {{n}} while the mail server is down.",
        name="Asher",
        email=f"writer{{n}}@example.org",
    )
"""


def test_the_same_on_sqlite(rig, tmp_path):
    sink, smtp, workers = rig
    database = tmp_path / "site.sqlite3"
    site = workers(f"sqlite:///{database}")
    site.manage("migrate", "--verbosity", "0")
    article = site.manage("shell", "-c", SEED.format(readers=READERS)).split()[-1]

    outage_then_recovery(
        lambda: site.manage(
            "shell", "-c", POST.format(article=article, comments=COMMENTS)
        ),
        sink,
        smtp,
        site,
        Store(database),
        running=1,
    )
