"""The discussion in a real browser: with the script, and under attack."""

import re

import pytest
from playwright.sync_api import expect

from discussion.models import Comment
from discussion.tests.fixtures import guest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XSS_PAYLOADS = [
    "<script>alert('body')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(2))",
    "<svg onload=alert(3)>",
    '"><script>alert(4)</script>',
    '<a href="javascript:alert(5)">x</a>',
    "![x](javascript:alert(6))",
    "<iframe src=javascript:alert(7)>",
    "[link](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==)",
]


@pytest.fixture
def fast_forms(settings):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0
    settings.DISCUSSION_POST_RATE = (1000, 60)
    settings.DISCUSSION_POST_RATE_PER_IP = (1000, 60)


def fill_guest(page, body, name="Asher", email="asher@example.org", website=""):
    page.locator("#comment-body").fill(body)
    page.locator("#comment-name").fill(name)
    page.locator("#comment-email").fill(email)
    if website:
        page.locator("#comment-website").fill(website)


def test_guest_posts_replies_and_votes_without_reloading(
    page, live_server, article, post, fast_forms
):
    existing = post("Already here", reader=guest())
    page.goto(live_server.url + article.url)
    page.evaluate("window.__marker = 'same page'")

    fill_guest(page, "My **first** comment")
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator(".comments > li").last
    mine.get_by_text("My first comment").wait_for()
    assert mine.locator("strong").inner_text() == "first"
    assert page.locator("#comments-heading").inner_text() == "2 Comments"

    page.locator(f"#comment-{existing.pk} .comment__reply").click()
    page.locator("#comment-body").fill("A reply to you")
    page.get_by_role("button", name="Post comment").click()
    page.locator(f"#comment-{existing.pk} .replies").get_by_text(
        "A reply to you"
    ).wait_for()

    page.locator(f"#comment-{existing.pk} .votes__button--up").first.click()
    page.locator(
        f"#comment-{existing.pk} .votes__button--up.is-active"
    ).first.wait_for()
    assert (
        page.locator(f"#comment-{existing.pk} [data-vote-count=up]").first.inner_text()
        == "1"
    )

    assert page.evaluate("window.__marker") == "same page"  # never reloaded
    existing.refresh_from_db()
    assert (existing.up, existing.reply_count) == (1, 1)
    assert Comment.objects.count() == 3


def test_a_reader_sees_their_own_votes_after_reloading(
    page, browser, live_server, article, post
):
    liked, disliked = post("Worth it"), post("Not so sure")
    page.goto(live_server.url + article.url)
    page.locator(f"#comment-{liked.pk} .votes__button--up").click()
    expect(page.locator(f"#comment-{liked.pk} .votes__button--up")).to_have_class(
        re.compile("is-active")
    )
    page.locator(f"#comment-{disliked.pk} .votes__button--down").click()
    expect(page.locator(f"#comment-{disliked.pk} .votes__button--down")).to_have_class(
        re.compile("is-active")
    )

    page.reload()
    other = browser.new_context().new_page()
    other.goto(live_server.url + article.url)

    up = page.locator(f"#comment-{liked.pk} .votes__button--up")
    down = page.locator(f"#comment-{disliked.pk} .votes__button--down")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#comment-{liked.pk} .votes__button--down")).not_to_have_class(
        re.compile("is-active")
    )
    other.wait_for_load_state("networkidle")
    expect(other.locator(".votes__button.is-active")).to_have_count(0)
    expect(other.locator('.votes__button[aria-pressed="true"]')).to_have_count(0)
    other.context.close()


def described_by(page, selector):
    """The text of the elements that describe a field (aria-describedby)."""
    return page.locator(selector).evaluate(
        "field => (field.getAttribute('aria-describedby') || '').split(' ')"
        ".filter(Boolean).map(id => document.getElementById(id).textContent)"
    )


def test_field_errors_show_next_to_their_fields_until_fixed(
    page, live_server, article, fast_forms
):
    page.goto(live_server.url + article.url)
    post_button = page.get_by_role("button", name="Post comment")

    fill_guest(page, "", name="Admin", email="not-an-email")
    post_button.click()

    body = page.locator("#comment-body")
    expect(body).to_have_attribute("aria-invalid", "true")
    expect(body).to_be_focused()
    assert described_by(page, "#comment-body")[0] == "Write something before posting."
    assert body.locator("xpath=..").locator(".field__error").inner_text() == (
        "Write something before posting."
    )
    expect(page.locator("[data-form-errors]")).to_be_hidden()
    assert Comment.objects.count() == 0

    body.fill("Hello")
    post_button.click()

    name, email = page.locator("#comment-name"), page.locator("#comment-email")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(body).not_to_have_attribute("aria-invalid", "true")
    assert described_by(page, "#comment-body") == [
        page.locator("#comment-body-help").inner_text()
    ]
    assert described_by(page, "#comment-name") == [
        "That name is reserved. Please choose another."
    ]
    assert described_by(page, "#comment-email") == [
        "Enter a valid e-mail address.",
        "Never shown to anyone.",
    ]
    assert page.locator(".comment-form .field__error").all_inner_texts() == [
        "That name is reserved. Please choose another.",
        "Enter a valid e-mail address.",
    ]
    assert Comment.objects.count() == 0

    name.fill("Asher")
    email.fill("asher@example.org")
    post_button.click()

    page.locator(".comments > li").get_by_text("Hello").wait_for()
    expect(page.locator(".comment-form [aria-invalid]")).to_have_count(0)
    expect(page.locator(".comment-form .field__error")).to_have_count(0)
    assert described_by(page, "#comment-email") == ["Never shown to anyone."]
    assert Comment.objects.count() == 1


def test_errors_about_the_whole_form_show_above_it(page, live_server, article):
    page.goto(live_server.url + article.url)

    fill_guest(page, "Hello")  # faster than DISCUSSION_MIN_FILL_SECONDS allows
    page.get_by_role("button", name="Post comment").click()

    box = page.locator("[data-form-errors]")
    expect(box).to_contain_text("could not be posted")
    expect(box).to_be_focused()
    expect(page.locator(".comment-form [aria-invalid]")).to_have_count(0)
    assert Comment.objects.count() == 0


def test_sort_and_load_more_without_reloading(
    page, live_server, article, post, settings
):
    settings.DISCUSSION_PAGE_SIZE = 2
    first, second, third = (post(f"Thread {n}") for n in range(3))
    page.goto(live_server.url + article.url)
    page.evaluate("window.__marker = 'same page'")

    page.get_by_role("link", name="Load more comments").click()
    page.locator(f"#comment-{third.pk}").wait_for()
    page.get_by_role("link", name="Newest").click()
    expect(page.locator(".comments > li").first).to_have_id(f"comment-{third.pk}")

    assert page.evaluate("window.__marker") == "same page"
    assert (
        page.get_by_role("link", name="Newest").get_attribute("aria-current") == "true"
    )


def test_xss_payloads_are_shown_as_text_and_never_run(
    page, live_server, article, fast_forms
):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + article.url)

    # A name made of markup is refused, and nothing is stored.
    fill_guest(page, "Hi", name="<b onmouseover=alert(0)>N</b>")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Names cannot contain < or >.").first).to_be_visible()
    assert Comment.objects.count() == 0

    for n, payload in enumerate(XSS_PAYLOADS):
        fill_guest(
            page,
            payload,
            name=f'N{n}" onmouseover="alert({n})',
            website='https://example.org/?q="><script>alert(9)</script>',
        )
        page.get_by_role("button", name="Post comment").click()
        expect(page.locator(".comments > li")).to_have_count(n + 1)

    page.goto(live_server.url + article.url + "?all=1")
    page.locator(".comments > li").first.hover()
    page.wait_for_timeout(300)

    assert dialogs == []
    assert Comment.objects.count() == len(XSS_PAYLOADS)
    bodies = page.locator(".comment__body").all_inner_texts()
    assert "<script>alert('body')</script>" in bodies[0]
    assert (
        page.locator(
            ".comment__body script, .comment__body img, .comment__body iframe"
        ).count()
        == 0
    )
    hrefs = page.locator(".comment__body a").evaluate_all("as => as.map(a => a.href)")
    assert all(re.match(r"^https?:|^mailto:", h) for h in hrefs), hrefs


def test_permalink_scrolls_to_a_comment_far_down(
    page, live_server, article, post, settings
):
    settings.DISCUSSION_PAGE_SIZE = 2
    roots = [post(f"Thread {n}") for n in range(8)]
    target = post("The one we link to", parent=roots[7])

    page.goto(live_server.url + f"/discussion/comments/{target.pk}/")

    node = page.locator(f"#comment-{target.pk}")
    node.wait_for()
    assert page.url.endswith(f"#comment-{target.pk}")
    assert node.is_visible()
    assert node.evaluate("el => el.matches(':target')")


def test_open_page_offers_new_comments_posted_meanwhile(
    page, live_server, article, post, settings
):
    settings.DISCUSSION_POLL_SECONDS = 1
    post("Already here")
    page.goto(live_server.url + article.url)

    post("Posted while you were reading")

    button = page.get_by_role("button", name="1 new comment — show")
    expect(button).to_be_visible(timeout=10_000)
    button.click()
    expect(page.get_by_text("Posted while you were reading")).to_be_visible()
    expect(page.locator("#comments-heading")).to_have_text("2 Comments")
