"""Fixtures for subscriptions: a worker pass run as a committed request would
run it (the SMTP server itself is accounts' `smtp_server`)."""

from __future__ import annotations

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a function as a committed request would: its on-commit work (the
    worker's pass, at once with the `smtp_server` fixture) runs after it."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
