"""The editors' question about a passage, in a real browser: an editor marks the
words in the admin's rich text editor and publishes; a reader who uses only the
keyboard finds the marker, reads the question and answers it."""

import re

import pytest
from playwright.sync_api import expect

from discussion.models import Comment, Passage
from newsroom.models import ArticlePage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENING = "The council met on Tuesday."
WORDS = "the plan would cut services"
QUESTION = "Is this claim fair?"


@pytest.fixture
def story(make_article):
    return make_article(
        "Budget row",
        body=[
            ("paragraph", f"<p>{OPENING} Critics said {WORDS}</p>"),
            ("paragraph", "<p>Officials denied it.</p>"),
        ],
    )


def wait_for_form_state(page, text: str) -> None:
    """The rich text editor writes its state into the form a moment after each
    change; waits until it holds `text`."""
    page.wait_for_function(
        "(text) => [...document.querySelectorAll('input[type=hidden]')]"
        ".some((input) => input.value.includes(text))",
        arg=text,
    )


def publish(page) -> None:
    page.locator("[data-w-dropdown-target='toggle']").last.click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"))


def test_an_editor_marks_a_passage_and_asks_about_it(
    editor_page,
    live_server,
    story,
):
    page = editor_page
    page.goto(live_server.url + f"/admin/pages/{story.pk}/edit/")
    editor = page.locator(".public-DraftEditor-content").first
    editor.click()
    # The caret to the end of the first paragraph, then the words selected by keys.
    page.keyboard.press("End")
    for _ in WORDS:
        page.keyboard.press("Shift+ArrowLeft")
    page.once("dialog", lambda dialog: dialog.accept(QUESTION))
    page.get_by_role("button", name=re.compile("Ask readers a question")).click()
    expect(editor.locator(".TooltipEntity")).to_have_text(re.compile(WORDS))
    wait_for_form_state(page, QUESTION)

    publish(page)

    passage = Passage.objects.get(thread__article=story)
    assert (passage.question, passage.exact) == (QUESTION, WORDS)
    assert passage.block_id == ArticlePage.objects.get(pk=story.pk).body[0].id
    page.goto(live_server.url + story.url)
    marker = page.locator("[data-article-body] .passage__count--question")
    expect(marker).to_have_attribute("data-question", QUESTION)
    expect(page.locator("[data-article-body] mark.passage")).to_have_text(WORDS)

    # The question asked differently, from the marked words' Edit button.
    page.goto(live_server.url + f"/admin/pages/{story.pk}/edit/")
    page.locator(".TooltipEntity").click()
    page.once("dialog", lambda dialog: dialog.accept("Is that fair to the council?"))
    page.get_by_role("button", name="Edit", exact=True).click()
    wait_for_form_state(page, "Is that fair to the council?")
    publish(page)
    passage.refresh_from_db()
    assert (passage.question, passage.exact) == ("Is that fair to the council?", WORDS)
    assert Passage.objects.count() == 1


def test_a_keyboard_reader_answers_the_editors_question(
    page, live_server, settings, make_article
):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0
    story = make_article(
        "Budget row",
        body=[
            (
                "paragraph",
                f'<p>{OPENING} Critics said <span data-question-id="q1" '
                f'data-question="{QUESTION}">{WORDS}</span>.</p>',
            )
        ],
    )
    page.goto(live_server.url + story.url + "?filter=passages")
    expect(page.locator("[data-filter-count]")).to_have_text("(0)")

    marker = page.locator("[data-article-body] .passage__count--question")
    for _ in range(80):  # Tab, as a keyboard user does, until the marker has focus
        page.keyboard.press("Tab")
        if marker.evaluate("element => element === document.activeElement"):
            break
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("[data-passage-question]")).to_have_text(QUESTION)
    expect(page.locator("[data-passage-words]")).to_have_text(WORDS)
    expect(page.locator("#comment-body")).to_be_focused()
    page.keyboard.type("Fair, if the figures hold.")
    for field, text in (("#comment-name", "Ruth"), ("#comment-email", "r@example.org")):
        while not page.locator(field).evaluate("e => e === document.activeElement"):
            page.keyboard.press("Tab")
        page.keyboard.type(text)
    page.keyboard.press("Enter")  # submits the form from its last text field

    answer = page.locator(".comments > li", has_text="Fair, if the figures hold.")
    expect(answer.locator(".comment__passage figcaption")).to_contain_text(QUESTION)
    expect(marker).to_have_text("1")
    expect(page.locator("[data-filter-count]")).to_have_text("(1)")
    expect(marker).to_have_accessible_name(
        f"1 answer to the editors' question: {QUESTION}"
    )
    passage = Passage.objects.get()
    assert Comment.objects.get().passage == passage
    assert passage.comment_count == 1
