"""A real browser for tests: Playwright driving Debian's chromium.

Without chromium the browser tests are skipped with a message, unless
TRIBUNE_REQUIRE_BROWSER=1 (CI) makes its absence a failure.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or ""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("TRIBUNE_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "chromium is required (TRIBUNE_REQUIRE_BROWSER=1) but not found"
            )
        pytest.skip(
            "browser tests skipped: chromium not installed (apt-get install chromium)"
        )
    # Playwright's sync API runs an event loop in this thread; the tests still use
    # the ORM from here to set up data, which is safe because nothing else runs.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


EDITOR_PASSWORD = "s3cret-pass"


@pytest.fixture
def editor_page(page, live_server):
    """`page`, signed in to the Wagtail admin as an editor."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(
        "editor", "ed@example.org", EDITOR_PASSWORD
    )
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page
