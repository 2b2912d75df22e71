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
def _test_settings(settings, tmp_path):
    # Tasks run at once, so search indexing happens inside the test; media go to a
    # per-test folder; static files come from the source tree, unhashed.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
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
