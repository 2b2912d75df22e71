"""The moderators' desk in a real browser: a moderator approves (by keyboard),
rejects with a reason and bans; a shadow-banned reader still sees their new
comment as published in their own browser, while another browser does not."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from discussion import services as discussion
from discussion.models import Comment
from discussion.tests.fixtures import guest
from moderation import services
from moderation.models import Ban, Review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "desk-pass-42"
HELD = "Read this first: https://cheap-pills.example/deal"


@pytest.fixture
def desk(browser, live_server):
    """A browser signed in to the admin as a moderator."""
    user = get_user_model().objects.create_user(
        username="mona", email="mona@example.org", password=PASSWORD
    )
    # A test that commits empties the database after it, data migrations' rows too.
    group, _ = Group.objects.get_or_create(name=services.MODERATORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(group)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("mona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    yield page
    context.close()


@pytest.fixture
def reader(browser):
    """A reader's own browser (its own cookies)."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def fast_forms(settings):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0
    settings.DISCUSSION_POST_RATE = (1000, 60)
    settings.DISCUSSION_POST_RATE_PER_IP = (1000, 60)


def comment_as_guest(page, url, body, name, email):
    page.goto(url)
    page.locator("#comment-body").fill(body)
    page.locator("#comment-name").fill(name)
    page.locator("#comment-email").fill(email)
    page.get_by_role("button", name="Post comment").click()
    page.locator(".comments").get_by_text(body).wait_for()


def test_approve_by_keyboard_and_reject_with_a_reason(desk, live_server, article):
    first = discussion.post_comment(
        article=article, reader=guest(), body=HELD, name="Linker", email="l@x.org"
    )
    second = discussion.post_comment(
        article=article,
        reader=guest(),
        body=HELD + "?again",
        name="Linker",
        email="l@x.org",
    )
    assert {first.state, second.state} == {Comment.State.PENDING}
    page = desk
    page.goto(live_server.url + "/admin/moderation/")
    expect(page.locator("#desk-keys")).to_contain_text("a approve")
    rows = page.locator("[data-desk-row]")
    expect(rows).to_have_count(2)
    # The newest first: the second comment, then the first.
    expect(rows.first).to_have_attribute("id", f"comment-{second.pk}")

    # j selects the first row, k stays on it, j moves to the next; a approves it.
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("j")
    expect(page.locator(f"#comment-{first.pk}")).to_have_class(re.compile("is-current"))
    page.keyboard.press("a")
    expect(page.locator(".messages")).to_contain_text(f"Comment {first.pk} approved")
    first.refresh_from_db()
    assert first.state == Comment.State.PUBLISHED

    # Typing in a field fires no shortcut: "a" in the bulk reason approves nothing.
    page.locator("#bulk-reason").type("a s r")
    second.refresh_from_db()
    assert second.state == Comment.State.PENDING

    row = page.locator(f"#comment-{second.pk}")
    row.get_by_text("Reject…").click()
    row.get_by_label("Reason for rejecting").select_option("Threat of violence")
    row.get_by_role("button", name="Reject", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"Comment {second.pk} rejected")
    second.refresh_from_db()
    assert second.state == Comment.State.REMOVED
    review = Review.objects.get(comment=second)
    assert (review.queue, review.decision_reason) == ("rejected", "Threat of violence")

    page.get_by_role("link", name=re.compile("^Rejected")).click()
    expect(page.locator(f"#comment-{second.pk}")).to_contain_text("Threat of violence")


def test_a_ban_from_the_desk_stops_the_author(desk, live_server, article, fast_forms):
    held = discussion.post_comment(
        article=article, reader=guest(), body=HELD, name="Linker", email="l@x.org"
    )
    page = desk
    page.goto(live_server.url + "/admin/moderation/")
    row = page.locator(f"#comment-{held.pk}")

    row.get_by_text("Ban…").click()
    row.get_by_label("E-mail address").check()
    row.get_by_label("For how long").select_option("30d")
    row.get_by_label("Reason for the ban").fill("Pill spam")
    row.get_by_role("button", name="Ban", exact=True).click()

    expect(page.locator(".messages")).to_contain_text(
        "Banned e-mail address for 30 days"
    )
    ban = Ban.objects.get()
    assert (ban.kind, ban.value, ban.shadow, ban.reason) == (
        "email",
        "l@x.org",
        False,
        "Pill spam",
    )
    with pytest.raises(discussion.Refused):
        discussion.post_comment(
            article=article, reader=guest(), body="Hi", name="L", email="l@x.org"
        )
    page.goto(live_server.url + "/admin/moderation/bans/")
    expect(page.locator("table.desk-table")).to_contain_text("l@x.org")


def test_a_shadow_ban_seen_from_two_browsers(
    desk, reader, live_server, article, fast_forms
):
    url = live_server.url + article.url
    banned, other = reader(), reader()
    comment_as_guest(banned, url, "Before the ban", "Shade", "shade@example.org")

    # The moderator shadow-bans the address from the ban list.
    page = desk
    page.goto(live_server.url + "/admin/moderation/bans/")
    page.get_by_text("Add a ban").click()
    page.locator("#ban-kind").select_option("email")
    page.locator("#ban-value").fill("shade@example.org")
    page.locator("#ban-duration").select_option("forever")
    page.get_by_label("Shadow ban").check()
    page.locator("#ban-reason").fill("Harassment")
    page.get_by_role("button", name="Ban", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Shadow-banned e-mail address")
    expect(page.locator("table.desk-table")).to_contain_text("shade@example.org")

    # The banned reader comments again, and sees it as published.
    comment_as_guest(banned, url, "After the ban", "Shade", "shade@example.org")
    hidden = Comment.objects.get(body_source="After the ban")
    assert hidden.state == Comment.State.HIDDEN
    banned.reload()
    mine = banned.locator(f"#comment-{hidden.pk}")
    expect(mine).to_contain_text("After the ban")
    expect(mine).not_to_contain_text("awaiting moderation", ignore_case=True)
    # and the byline counts both of their comments, as if both were published
    expect(banned.locator(".byline__comments").first).to_have_text("2 comments")

    # Another browser sees the comment from before the ban, not the new one.
    other.goto(url)
    expect(other.locator(".comments")).to_contain_text("Before the ban")
    expect(other.locator(".comments")).not_to_contain_text("After the ban")
    expect(other.locator(".byline__comments").first).to_have_text("1 comment")
    assert "After the ban" not in other.content()

    # The moderators find it in the spam queue, marked.
    page.goto(live_server.url + "/admin/moderation/queue/spam/")
    expect(page.locator(f"#comment-{hidden.pk}")).to_contain_text("shadow-banned")
