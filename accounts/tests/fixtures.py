"""Fixtures for accounts: a real SMTP server, readers in each state, and a poster
that runs on-commit work (where mail is sent) as a committed request would."""

from __future__ import annotations

import email
import re
import socket
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from accounts.models import User

PASSWORD = "correct horse battery staple"


@dataclass
class SmtpSink:
    """An aiosmtpd handler that keeps every message it is given.

    `refuse` maps a recipient to the answer it gets instead ("550 No such user"
    for good, "451 Try later" for now).
    """

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=default_policy)
        )
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that Django sends mail to.

    Yields the handler: `.messages` are the parsed messages received, in order, and
    `.recipients` the envelope recipients of each. Mail leaves through a background
    task, so with this server tasks run at once (otherwise they are only queued, and
    "nothing was sent" would be true of every test).
    """
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    try:
        yield sink
    finally:
        controller.stop()


def body(message: EmailMessage, kind: str = "plain") -> str:
    """The text/plain (or text/html) part of a received message."""
    return message.get_body(preferencelist=(kind,)).get_content()


def links(text: str) -> list[str]:
    """Every http(s) URL in a message body, in order."""
    return re.findall(r"https?://[^\s\"<>]+", text)


@pytest.fixture
def submit(db, client, django_capture_on_commit_callbacks):
    """Sends a request as `client` and runs what it left for commit time (mail).

    Tests run inside a transaction that never commits; without this, mail queued
    with `transaction.on_commit` would never leave and "nothing was sent" would be
    true of every test.
    """

    def send(method: str, url: str, data: dict | None = None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data or {}, **extra)

    return send


def make_user(
    email: str,
    *,
    display_name: str = "Ada Reader",
    active: bool = True,
    verified: bool = True,
    **fields,
) -> User:
    user = User(
        username=fields.pop("username", email.split("@")[0]),
        email=email,
        display_name=display_name,
        is_active=active,
        email_verified_at=timezone.now() if verified else None,
        **fields,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def reader(db) -> User:
    """An active reader who verified their address."""
    return make_user("ada@example.org", display_name="Ada Reader")


@pytest.fixture
def pending_reader(db) -> User:
    """A reader who signed up but has not clicked the link yet."""
    return make_user(
        "ben@example.org",
        display_name="Ben Pending",
        username="reader-pending",
        active=False,
        verified=False,
    )
