"""Test-wide set-up: fixtures from each app, and settings every test shares."""

import pytest
from django.core.cache import cache

pytest_plugins = [
    "accounts.tests.fixtures",
    "discussion.tests.fixtures",
    "newsroom.tests.fixtures",
    "tests.browser",
]


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    # Background tasks (search indexing, Wagtail's reference index, mail) are only
    # queued: most tests need none of them, and running them made every published
    # page slower. Tests marked `tasks` (search) and tests with the `smtp_server`
    # (mail) run them at once, inside the test. Media go to a per-test folder;
    # static files come from the source tree, unhashed.
    backend = (
        "immediate.ImmediateBackend"
        if request.node.get_closest_marker("tasks")
        else "dummy.DummyBackend"
    )
    settings.TASKS = {"default": {"BACKEND": f"django_tasks.backends.{backend}"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.SITE_URL = "http://testserver"
    # A password costs a million PBKDF2 rounds in production; tests make hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        settings.CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        }
        settings.PAGECACHE_GENERATIONS_DIR = tmp_path / "generations"
    cache.clear()
