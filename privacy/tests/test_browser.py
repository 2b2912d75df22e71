"""A reader asks for their data in a real browser: the forms post (CSRF and all,
with the pages' referrer policy), the download arrives, the erasure happens."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from discussion.models import Comment

from .conftest import ASHER, BELLA, privacy_link, say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_downloads_then_removes_their_comments(
    page, live_server, article, smtp_server
):
    mine = say(article, ASHER, "Marmalade sky over the harbour")
    say(article, BELLA, "Tangerine dreams, I agree", parent=mine)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Your data and privacy").click()
    page.get_by_label("E-mail address").fill("asher@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    assert len(smtp_server.messages) == 1

    page.goto(live_server.url + privacy_link(smtp_server.messages[0]))
    expect(page.get_by_text("1 comment", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert [c["body"] for c in data["comments"]] == ["Marmalade sky over the harbour"]

    page.get_by_label("Remove them").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your data?")
    page.get_by_role("button", name="Yes, erase my data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data is erased")

    page.goto(live_server.url + article.url)
    comments = page.locator("#comments")
    expect(comments.get_by_text("Comment deleted")).to_be_visible()
    expect(comments.get_by_text("Tangerine dreams, I agree")).to_be_visible()
    expect(comments.get_by_text("Marmalade sky")).to_have_count(0)
    expect(comments.get_by_text("Asher")).to_have_count(0)
    assert Comment.objects.get(pk=mine.pk).body_source == ""
    assert urlsplit(page.url).path == article.url
