"""Moderation as readers meet it in a real browser: a held comment seen by its
author alone, and a report sent from under a comment."""

import pytest
from playwright.sync_api import expect

from discussion.models import Comment
from discussion.tests.fixtures import guest
from moderation.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_forms(settings):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0
    settings.DISCUSSION_POST_RATE = (1000, 60)
    settings.DISCUSSION_POST_RATE_PER_IP = (1000, 60)


def test_a_held_comment_is_seen_by_its_author_alone_until_approved(
    browser, page, live_server, article, post, fast_forms, settings
):
    settings.DISCUSSION_MODERATION = "pre"
    page.goto(live_server.url + article.url)

    page.locator("#comment-body").fill("A careful first comment")
    page.locator("#comment-name").fill("Asher")
    page.locator("#comment-email").fill("asher@example.org")
    page.get_by_role("button", name="Post comment").click()

    held = page.locator(".comment--held")
    # The live server loads the moderation model on its first comment.
    expect(held).to_contain_text("A careful first comment", timeout=30_000)
    expect(held.locator(".comment__held")).to_contain_text("Awaiting moderation")
    expect(page.locator("#comments-heading")).to_have_text("0 Comments")
    expect(held.locator(".votes")).to_have_count(0)
    page.reload()
    expect(page.locator(".comment--held")).to_contain_text("A careful first comment")

    other = browser.new_context().new_page()
    other.goto(live_server.url + article.url)
    expect(other.locator("#comments")).not_to_contain_text("A careful first comment")
    assert Comment.objects.get().state == Comment.State.PENDING

    from discussion import services

    services.restore_comment(comment_id=Comment.objects.get().pk)
    other.reload()
    expect(other.locator("#comments")).to_contain_text("A careful first comment")
    other.context.close()


def test_a_reader_reports_a_comment_in_place_with_the_keyboard(
    page, live_server, article, post
):
    comment = post("Buy cheap watches now", reader=guest())
    page.goto(live_server.url + article.url)
    page.evaluate("window.__marker = 'same page'")

    link = page.locator(f"#comment-{comment.pk} .comment__report")
    link.focus()
    page.keyboard.press("Enter")
    spam = page.get_by_role("radio", name="Spam")
    expect(spam).to_be_focused()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Send report").click()

    note = page.locator(f"#comment-{comment.pk} [role=status]")
    expect(note).to_contain_text("Thank you")
    expect(note).to_be_focused()
    expect(link).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"
    report = Report.objects.get()
    assert (report.comment_id, report.reason) == (comment.pk, "spam")


def test_a_report_without_a_reason_is_explained_in_place(
    page, live_server, article, post
):
    comment = post("Words", reader=guest())
    page.goto(live_server.url + article.url)

    page.locator(f"#comment-{comment.pk} .comment__report").click()
    page.get_by_role("radio", name="Something else").check()
    page.get_by_role("button", name="Send report").click()

    alert = page.locator(f"#comment-{comment.pk} [role=alert]")
    expect(alert).to_contain_text("Say briefly what is wrong")
    expect(alert).to_be_focused()
    page.get_by_label("More detail").fill("Copied from another site")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(f"#comment-{comment.pk} [role=status]")).to_contain_text(
        "Thank you"
    )
    assert Report.objects.get().note == "Copied from another site"
