"""Test-wide set-up: fixtures from each app, and the settings every test shares."""

import pytest
from django.core.cache import cache

pytest.register_assert_rewrite("tests.shared")  # a plugin too (below), imported first
from tests.shared import settings_for_tests  # noqa: E402

pytest_plugins = [
    "accounts.tests.fixtures",
    "discussion.tests.fixtures",
    "newsroom.tests.fixtures",
    "tests.browser",
    "tests.shared",
]


@pytest.fixture(autouse=True)
def _test_settings(request, settings, tmp_path):
    # Background tasks (search indexing, Wagtail's reference index, mail) are only
    # queued: most tests need none of them, and running them made every published
    # page slower. Tests marked `tasks` (search) and tests with the `smtp_server`
    # (mail) run them at once, inside the test. Media and page-cache generations go
    # to a per-test folder.
    run_tasks = request.node.get_closest_marker("tasks") is not None
    for name, value in settings_for_tests(tmp_path, run_tasks=run_tasks).items():
        setattr(settings, name, value)
    cache.clear()
