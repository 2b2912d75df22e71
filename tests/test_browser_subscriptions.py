"""Following a discussion by e-mail, in a real browser and through a real SMTP
server: the "Subscribe" form above the discussion and the comment form's
"Notify me" choice, with and without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from accounts.tests.fixtures import body, links

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_forms(settings):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0
    settings.DISCUSSION_POST_RATE = (1000, 60)
    settings.DISCUSSION_POST_RATE_PER_IP = (1000, 60)


@pytest.fixture(params=["script", "no-script"])
def reader_page(request, browser):
    """A reader's browser tab, with JavaScript on or off."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        java_script_enabled=request.param == "script",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def mails_to(smtp_server, address: str) -> list:
    return [m for m in smtp_server.messages if m["To"] == address]


def link_in(message, kind: str) -> str:
    """The path of the first /subscriptions/<kind>/ link in a mail's text."""
    return next(
        urlsplit(url).path
        for url in links(body(message))
        if f"/subscriptions/{kind}/" in url
    )


def confirm(page, live_server, message) -> None:
    """Follows a confirmation mail's link and presses the page's one button."""
    page.goto(live_server.url + link_in(message, "confirm"))
    page.get_by_role("button", name="Yes, send me these e-mails").click()
    page.get_by_role("heading", name="Subscription confirmed").wait_for()


def post_comment(page, live_server, article, text, *, name, email, notify):
    page.goto(live_server.url + article.url)
    page.locator("#comment-body").fill(text)
    page.locator("#comment-name").fill(name)
    page.locator("#comment-email").fill(email)
    page.locator(f"#comment-notify-{notify}").check()
    page.get_by_role("button", name="Post comment").click()
    page.locator(".comment__body", has_text=text).wait_for()


def test_a_reader_follows_a_discussion_from_the_article_page(
    reader_page, live_server, article, smtp_server, fast_forms
):
    page = reader_page

    # Subscribe above the discussion: one neutral answer, one confirmation mail.
    page.goto(live_server.url + article.url)
    control = page.locator("form[data-subscribe-control]")
    control.get_by_label("Your e-mail").fill("Carol@Example.org")
    control.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert "a link to confirm the subscription" in page.content()
    [confirmation] = mails_to(smtp_server, "carol@example.org")
    assert "new comments on “Open for discussion”" in body(confirmation)

    # Opening the link shows a button; pressing it confirms.
    confirm(page, live_server, confirmation)
    assert "new comments on “Open for discussion”" in page.content()

    # Dan comments and asks for follow-ups: Carol hears of his comment, and Dan
    # is asked to confirm his address before anything else reaches him.
    post_comment(
        page,
        live_server,
        article,
        "Dan's first thoughts.",
        name="Dan",
        email="dan@example.org",
        notify="all",
    )
    [_, carols] = mails_to(smtp_server, "carol@example.org")
    assert carols["Subject"] == "New comment on “Open for discussion”"
    assert "Dan's first thoughts." in body(carols)
    assert carols["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [dans_confirmation] = mails_to(smtp_server, "dan@example.org")
    assert "Confirm your subscription" in dans_confirmation["Subject"]
    confirm(page, live_server, dans_confirmation)

    # A follow-up by Eve, who wants no mail: both followers get it, once.
    post_comment(
        page,
        live_server,
        article,
        "Eve follows up.",
        name="Eve",
        email="eve@example.org",
        notify="none",
    )
    follow_ups = [m["To"] for m in smtp_server.messages if "Eve follows up." in body(m)]
    assert sorted(follow_ups) == ["carol@example.org", "dan@example.org"]
    assert mails_to(smtp_server, "eve@example.org") == []
    assert len(smtp_server.messages) == 5

    # Dan stops everything from "my subscriptions", linked from his mail.
    dans_follow_up = mails_to(smtp_server, "dan@example.org")[-1]
    page.goto(live_server.url + link_in(dans_follow_up, "manage"))
    page.get_by_role("button", name="Stop all e-mails").click()
    page.get_by_text("None: we send this address nothing.").wait_for()
    post_comment(
        page,
        live_server,
        article,
        "Only Carol hears of this.",
        name="Finn",
        email="finn@example.org",
        notify="none",
    )
    assert [m["To"] for m in smtp_server.messages[5:]] == ["carol@example.org"]


def test_a_bad_address_in_the_subscribe_form_is_refused_and_nothing_is_sent(
    reader_page, live_server, article, smtp_server
):
    page = reader_page
    page.goto(live_server.url + article.url)
    control = page.locator("form[data-subscribe-control]")
    # The browser's own check stops "a@b" without a script too; the server's
    # is what a request that skips the browser meets.
    control.get_by_label("Your e-mail").evaluate("input => input.type = 'text'")
    control.get_by_label("Your e-mail").fill("a@b")
    control.get_by_role("button", name="Subscribe").click()

    page.get_by_role("heading", name="Not subscribed").wait_for()
    assert re.search(r"Enter a valid e-mail address", page.content())
    assert smtp_server.messages == []
