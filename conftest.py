"""Test-wide set-up: fixtures from each app, the settings every test shares, the
order tests run in, and which run again on PostgreSQL."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings

pytest.register_assert_rewrite("tests.shared")  # a plugin too (below), imported first
from tests.shared import (  # noqa: E402
    copy_shared_media,
    is_transactional,
    settings_for_tests,
    uses_database,
)

pytest_plugins = [
    "accounts.tests.fixtures",
    "discussion.tests.fixtures",
    "newsroom.tests.fixtures",
    "ratings.tests.fixtures",
    "subscriptions.tests.fixtures",
    "tests.browser",
    "tests.shared",
]

# The PostgreSQL leg of `make test` (`pytest -m postgres`, with Redis as the cache)
# runs again the tests that use the database in these places, where the database
# engine or the cache backend makes a difference: queries and their counts, row
# locks and concurrency, search, rate limits, the page cache and the discussion's
# caches. What needs no database (markup, names, network helpers, blocks) and the
# browser tests run on SQLite only. A test elsewhere can be marked `postgres`.
POSTGRES_LEG = (
    "accounts/",
    "discussion/",
    "pagecache/",
    "ratings/",
    "subscriptions/",
    "moderation/tests/test_posting.py",
    "moderation/tests/test_classifier.py",
    "transfer/",
    "newsroom/tests/test_queries.py",
    "newsroom/tests/test_search.py",
)

# Tests in those places whose work does not depend on the engine (training a
# model, rendering imported pages, forms and links without JavaScript, signing
# in, display names, signed links, the bytes of a mail): they run on SQLite only.
NOT_ON_POSTGRES = (
    "accounts/tests/test_login.py",
    "accounts/tests/test_account_page.py",
    "accounts/tests/test_names.py",
    "subscriptions/tests/test_links.py",
    "subscriptions/tests/test_mail_format.py",
    "subscriptions/tests/test_subscribe_control.py",
    "discussion/tests/test_pages.py",
    "ratings/tests/test_pages.py",
    "moderation/tests/test_classifier.py::test_a_new_site_has_the_starter_model",
    "moderation/tests/test_classifier.py::test_the_next_process_loads_the_kept",
    "moderation/tests/test_classifier.py::test_web_workers_starting_together",
    "moderation/tests/test_classifier.py::test_the_direct_arithmetic",
    "moderation/tests/test_classifier.py::test_trained_on_decisions_the_model_also",
    "moderation/tests/test_classifier.py::test_a_long_comment",
    "moderation/tests/test_classifier.py::test_abuse_at_the_end",
    "moderation/tests/test_classifier.py::test_a_short_comment",
    "transfer/tests/test_wordpress.py::test_every_imported_theme_unit_test_article",
    "transfer/tests/test_wordpress.py::test_every_post_page_and_comment_of_the_theme",
)

# Long tests that need no database, or use it only in a transaction, start first,
# beside the rest, so that no worker is left running them alone at the end.
STARTED_FIRST = ("tests/test_serve.py", "moderation/tests/test_labelled.py")


def forget_process_memos() -> None:
    """What each process keeps of the database between requests (moderation's
    compiled lists, bans and classifier) is read afresh in every test: a test's
    changes never commit, so the generations that would say so never move."""
    from moderation import classifier, lists, services

    lists.forget_compiled()
    services.forget_bans()
    classifier.forget_loaded()


def pytest_collection_modifyitems(config, items):
    # `--dist loadfile --no-loadscope-reorder` hands each worker whole files, in the
    # order of their first test here. Files whose tests all run in a transaction go
    # before files with a test that commits (and empties the database when it ends),
    # and files without a database last, as pytest-django orders single tests: a
    # test in a transaction never starts on a database another test emptied.
    rank, first, order = {}, {}, {}
    for n, item in enumerate(items):
        file = item.nodeid.split("::")[0]
        if (
            file.startswith(POSTGRES_LEG)
            and not item.nodeid.startswith(NOT_ON_POSTGRES)
            and uses_database(item)
        ):
            item.add_marker(pytest.mark.postgres)
        first.setdefault(file, n)
        order[item] = n
        if is_transactional(item):
            rank[file] = 1
        elif uses_database(item):
            rank.setdefault(file, 0)

    def key(item):
        file = item.nodeid.split("::")[0]
        return (not file.startswith(STARTED_FIRST), rank.get(file, 2), first[file])

    items.sort(key=lambda item: (*key(item), order[item]))


@pytest.fixture(scope="session", autouse=True)
def _one_starter_model():
    """Servers and commands the tests start in processes of their own, each
    with a var/ folder of its own, load the starter classifier this run keeps
    rather than each training it again (it is named after what it learnt from,
    so sharing it is safe)."""
    os.environ.setdefault("MODERATION_MODEL_DIR", str(settings.MODERATION_MODEL_DIR))
    yield


@pytest.fixture(scope="session", autouse=True)
def _own_cache_keys():
    """With Redis, each test process keeps to keys of its own.

    Workers running side by side (pytest-xdist) and other runs may share the Redis
    database: each process gets its own key prefix, and `cache.clear()` deletes only
    the keys under it (never FLUSHDB).
    """
    default = settings.CACHES["default"]
    if "redis" not in default["BACKEND"].lower():
        yield
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"{default.get('KEY_PREFIX') or 'tribune'}-test-{worker}-{os.getpid()}"
    own = {**default, "BACKEND": "tests.cache.OwnKeysRedisCache", "KEY_PREFIX": prefix}
    with override_settings(CACHES={"default": own}):
        yield
        cache.clear()


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
    copy_shared_media(request.path, settings.MEDIA_ROOT)
    cache.clear()
    forget_process_memos()
