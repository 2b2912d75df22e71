"""An editor in the Wagtail admin, in a real browser, against a live server."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "s3cret-pass"


@pytest.fixture
def editor_page(page, live_server):
    """`page`, signed in to the admin as an editor."""
    get_user_model().objects.create_superuser("editor", "ed@example.org", PASSWORD)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def test_side_panel_preview_shows_the_article(editor_page, live_server, make_article):
    # given an article open in the editor
    article = make_article("Previewed beside the editor")
    page = editor_page
    page.goto(live_server.url + f"/admin/pages/{article.pk}/edit/")
    # when the editor opens the preview panel
    page.locator("[data-side-panel-toggle='preview']").click()
    # then the framed page shows the article (a refused frame has no document)
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(
        "Previewed beside the editor"
    )
