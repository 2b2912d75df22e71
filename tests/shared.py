"""What tests share: the settings they run with, and data built once per module.

Building a home page, a section and an author for every test (or the demo site, or
ten thousand comments) made the suite slow. A module's tests share such data instead:
`module_db` opens a transaction around the whole module, module-scoped fixtures build
their data inside it, and each test's own transaction is a savepoint in that one. What
a test writes is rolled back to the shared state after it; the shared state is rolled
back after the module's last test, so the next module starts from an empty database
again.

Transactional tests (`django_db(transaction=True)`, a live server) commit, and empty
the database when they end: a module with one of them cannot share data this way.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import pytest
from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from pytest_django.fixtures import validate_django_db

TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
}
DATABASE_FIXTURES = {"db", *TRANSACTIONAL_FIXTURES}


def settings_for_tests(tmp: Path, *, run_tasks: bool) -> dict:
    """The settings every test runs with; `tmp` holds its media and generations."""
    backend = "immediate.ImmediateBackend" if run_tasks else "dummy.DummyBackend"
    values = {
        "TASKS": {"default": {"BACKEND": f"django_tasks.backends.{backend}"}},
        "MEDIA_ROOT": tmp / "media",
        # Static files come from the source tree, unhashed.
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        "SITE_URL": "http://testserver",
        # A password costs a million PBKDF2 rounds in production; tests make hundreds.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # The repeat check reads the comments each test made, not a memo of another's.
        "MODERATION_RECENT_MEMO_SECONDS": 0,
        # The starter classifier takes seconds to train and would hold some of
        # the comments tests post; moderation's own tests turn it on.
        "MODERATION_CLASSIFIER_STARTER": False,
    }
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        values["CACHES"] = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        }
        values["PAGECACHE_GENERATIONS_DIR"] = tmp / "generations"
    return values


def uses_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db") or DATABASE_FIXTURES & fixtures)


def is_transactional(item: pytest.Item) -> bool:
    """The test commits (and the database is emptied after it), as pytest-django
    decides it."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transactional, reset_sequences, *_ = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def module_items(request: pytest.FixtureRequest) -> list[pytest.Item]:
    """The tests of the requesting test's module that this run selected."""
    return [item for item in request.session.items if item.path == request.path]


class ModuleDatabase:
    """The transaction a module's shared data lives in."""

    current: ClassVar[ModuleDatabase | None] = None  # the running module's

    def __init__(self, module: Path, blocker, tmp: Path) -> None:
        self.module = module
        self._blocker = blocker
        self.tmp = tmp

    @contextmanager
    def build(self) -> Iterator[None]:
        """Writes shared data: the database open, and the settings tests run with.
        Background tasks run at once, so what is built is also indexed for search."""
        with (
            self._blocker.unblock(),
            override_settings(**settings_for_tests(self.tmp, run_tasks=True)),
        ):
            yield


def copy_shared_media(test: Path, media_root: Path) -> None:
    """Gives a test of a module with shared data its own copy of the files that
    data refers to (the demo's images), so what it writes stays its own too."""
    shared = ModuleDatabase.current
    if shared and shared.module == test and (shared.tmp / "media").exists():
        shutil.copytree(shared.tmp / "media", media_root, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def module_db(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """A transaction around the module, for data its tests share; see above."""
    transactional = [
        item.name for item in module_items(request) if is_transactional(item)
    ]
    if transactional:
        pytest.fail(
            f"{request.path.name} shares data for the module, but these tests commit "
            f"and empty the database: {', '.join(transactional)}",
            pytrace=False,
        )
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    tmp = tmp_path_factory.mktemp("module")
    ModuleDatabase.current = ModuleDatabase(request.path, django_db_blocker, tmp)
    try:
        yield ModuleDatabase.current
    finally:
        ModuleDatabase.current = None
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
