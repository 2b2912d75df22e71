"""An editor in the Wagtail admin, in a real browser, against a live server."""

import re

import pytest
from playwright.sync_api import expect

from newsroom.models import ArticlePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


# Wagtail's unsaved-changes watcher takes a first look at the form two seconds after
# it loads, and only edits made after that look count (and get autosaved).
WATCH_EDITS = (
    "document.addEventListener('w-unsaved:watch-edits', "
    "() => { window.watchingEdits = true; });"
)


def begin_article(page, live_server, section, title: str, standfirst: str) -> None:
    page.goto(live_server.url + f"/admin/pages/add/newsroom/articlepage/{section.pk}/")
    page.wait_for_function("window.watchingEdits === true")
    page.locator("#id_title").fill(title)
    page.locator("#id_standfirst").fill(standfirst)
    byline = page.locator("#inline_child_article_authors-0-panel-content")
    byline.locator("[data-chooser-action-choose]").click()
    page.locator(".modal").get_by_role("link", name="Ada Quill").click()
    page.locator(".modal").wait_for(state="hidden")


def test_a_new_article_left_to_autosave_is_named_when_begun_again(
    editor_page, live_server, section, author
):
    page = editor_page
    page.add_init_script(WATCH_EDITS)
    page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"
    # given an article begun, autosaved as a draft, then left
    with page.expect_response(
        lambda r: (
            r.request.method == "POST"
            and "/admin/pages/add/" in r.url
            and r.status == 200
        )
    ):
        begin_article(page, live_server, section, "Begun twice", "The first go.")
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    draft = ArticlePage.objects.get(title="Begun twice")
    assert not draft.live
    page.goto(live_server.url + "/admin/")

    # when the editor starts the same article again and saves it
    begin_article(page, live_server, section, "Begun twice", "The second go.")
    page.get_by_role("button", name="Save draft").click()

    # then they are told which draft holds the slug, and can carry on with it
    message = page.locator(".messages").get_by_text("Carry on with that draft")
    expect(message).to_contain_text(
        "The slug “begun-twice” belongs to the draft “Begun twice” in Analysis, "
        "never published"
    )
    assert ArticlePage.objects.filter(title="Begun twice").count() == 1
    page.locator(".messages").get_by_role("link", name="Edit the draft").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{draft.pk}/edit/$"))
    expect(page.locator("#id_standfirst")).to_have_value("The first go.")
