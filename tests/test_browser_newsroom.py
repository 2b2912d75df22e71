"""A reader and an editor, in a real browser, against a live server."""

import re

import feedparser
import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from newsroom.models import ArticlePage
from newsroom.tests.fixtures import headings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analysis_article(make_article):
    make_article("An older report", days_ago=5, tags=["sahel"])
    return make_article(
        "Networks of influence: a critical analysis",
        body=[
            *headings("Emergence and denials", "Connections and claims", "Conclusion"),
            (
                "cta",
                {
                    "title": "Follow our analysis",
                    "text": "New pieces every week.",
                    "link_text": "Subscribe by RSS",
                    "link_url": "/feed/",
                },
            ),
        ],
        image=True,
        featured_image_alt="Abstract city at dusk",
        source_name="Partner Centre",
        source_url="https://example.org/original",
        tags=["sahel"],
        days_ago=1,
    )


def test_reader_follows_the_lead_story_to_the_analysis(
    page, live_server, analysis_article
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=analysis_article.title).first.click()

    page.wait_for_url(re.compile(re.escape(analysis_article.url) + "$"))
    assert page.get_by_role("heading", level=1).inner_text() == analysis_article.title
    toc = page.get_by_role("navigation", name="In this article")
    assert toc.get_by_role("link").all_inner_texts() == [
        "Emergence and denials",
        "Connections and claims",
        "Conclusion",
    ]
    toc.get_by_role("link", name="Conclusion").click()
    page.wait_for_url(re.compile("#conclusion$"))
    assert page.locator("#conclusion").is_visible()
    box = page.locator(".author-box")
    assert (
        "Ada Quill" in box.inner_text() and "also known as The Owl" in box.inner_text()
    )
    source = page.locator(".source a")
    assert source.inner_text() == "Partner Centre"
    assert page.locator(".article__figure img").get_attribute("alt") == (
        "Abstract city at dusk"
    )
    # The image really loaded (a responsive rendition, not a broken link).
    assert page.locator(".article__figure img").evaluate("img => img.naturalWidth") > 0


def test_copy_link_button_copies_the_article_url(
    browser, live_server, analysis_article
):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(live_server.url + analysis_article.url)
        button = page.get_by_role("button", name="Copy link")
        button.click()

        expect(page.get_by_role("button", name="Link copied")).to_be_visible()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == "http://testserver" + analysis_article.url
    finally:
        context.close()


def test_reader_page_runs_without_console_errors_or_csp_violations(
    page, live_server, analysis_article
):
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))

    for path in ["/", analysis_article.url, "/analysis/", "/authors/ada-quill/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path

    assert problems == []


def test_narrow_screen_has_no_horizontal_scroll(browser, live_server, analysis_article):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        for path in ["/", analysis_article.url]:
            page.goto(live_server.url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, path
    finally:
        context.close()


@pytest.mark.tasks  # the published article is indexed for search
def test_editor_writes_and_publishes_an_article(
    page, live_server, client, section, author, settings
):
    # Without autosave (test_browser_admin.py tries it): on a slow machine its
    # first save could land between the last keystroke and the click on
    # publish, and Wagtail answers a publish from the form it has just replaced
    # with 400.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    get_user_model().objects.create_superuser("editor", "ed@example.org", "s3cret-pass")
    title = "Editors can publish from the browser"

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("s3cret-pass")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(live_server.url + f"/admin/pages/add/newsroom/articlepage/{section.pk}/")
    page.locator("#id_title").fill(title)
    page.locator("#id_standfirst").fill("Written and published by an editor in a test.")
    # The byline: choose the author from the snippet chooser.
    byline = page.locator("#inline_child_article_authors-0-panel-content")
    byline.locator("[data-chooser-action-choose]").click()
    page.locator(".modal").get_by_role("link", name=author.name).click()
    page.locator(".modal").wait_for(state="hidden")
    # The body: one paragraph block.
    page.locator(
        "#panel-child-content-body-section button[title='Insert a block']"
    ).click()
    page.get_by_role("option", name="Paragraph").click()
    draftail = page.locator(
        "#panel-child-content-body-section .public-DraftEditor-content"
    )
    draftail.click()
    draftail.press_sequentially(
        "The ransom economy funds armed groups across the region."
    )
    # Draftail writes its value into a hidden form field a moment later.
    page.wait_for_function(
        "() => [...document.querySelectorAll("
        "'#panel-child-content-body-section input[type=hidden]')]"
        ".some(input => input.value.includes('ransom economy'))"
    )
    # Publish: the action behind the save button's menu.
    footer = page.get_by_role("navigation", name="Actions (footer)")
    footer.locator("button.w-dropdown__toggle").click()
    footer.locator("button[name='action-publish']").click()
    # (publishing indexes the article for search inside the request here)
    page.wait_for_url(re.compile(r"/admin/pages/\d+/$"), timeout=60_000)

    article = ArticlePage.objects.get(title=title)
    assert article.live
    assert article.authors == [author]
    home = client.get("/").content.decode()
    assert title in home
    feed = feedparser.parse(client.get("/feed/").content)
    assert title in [entry.title for entry in feed.entries]
    search = client.get("/search/", {"q": "ransom economy"}).content.decode()
    assert title in search
    page.goto(live_server.url + article.url)
    assert page.get_by_role("heading", level=1).inner_text() == title


def test_long_unbroken_words_never_widen_a_narrow_page(
    browser, live_server, make_article, author, post
):
    word = "Unbroken" * 25  # 200 characters, no place to break
    author.name = "Name" * 30
    author.save()
    story = make_article(f"Title {word}", tags=["long"])
    make_article(f"Teaser {word}", tags=["long"])  # shows as a related article
    post(f"Comment {word}", on=story, name="Guest" * 10)
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        for path in [
            f"/search/?q={word}",
            story.url,
            "/",
            author.get_absolute_url(),
        ]:
            page.goto(live_server.url + path)
            assert page.get_by_text(word).first.is_visible(), path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, path
    finally:
        context.close()


def test_front_page_leaves_no_hole_under_the_lead_story(
    page, live_server, make_article
):
    for n in range(7):
        make_article(
            f"Report {n}: a headline long enough to run over a few lines in a column",
            image=True,
            days_ago=n + 1,
        )

    page.goto(live_server.url + "/")

    # The distance from the lead story down to whatever comes next under it.
    gap = page.evaluate(
        """() => {
        const lead = document.querySelector(".card--lead").getBoundingClientRect();
        const under = [...document.querySelectorAll("main .rule-heading, main .card")]
          .map((node) => node.getBoundingClientRect())
          .filter((box) => box.top >= lead.bottom - 1)
          .filter((box) => box.left < lead.right && box.right > lead.left);
        return Math.min(...under.map((box) => box.top)) - lead.bottom;
      }"""
    )
    assert 0 <= gap <= 48
