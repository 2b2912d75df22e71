"""RSS and Atom feeds: parsed as a feed reader would, live articles only."""

import feedparser
import pytest

from newsroom.models import Author
from newsroom.tests.fixtures import make_section

pytestmark = pytest.mark.django_db


def parse(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/"])
def test_site_feed_holds_every_live_article_and_no_draft(client, make_article, path):
    live = [make_article(f"Live {i}", days_ago=i, tags=["sahel"]) for i in range(1, 4)]
    make_article("Unpublished draft", publish=False)

    response, feed = parse(client, path)

    assert [e.title for e in feed.entries] == [a.title for a in live]
    first = feed.entries[0]
    assert first.link == "http://testserver" + live[0].url
    assert first.summary == live[0].standfirst
    assert first.author == "Ada Quill"
    assert [t.term for t in first.tags] == ["sahel"]
    assert feed.feed.title == "Global News"
    kind = "atom" if "atom" in path else "rss"
    assert feed.version.startswith(kind)


def test_feed_escapes_markup_in_titles(client, make_article):
    make_article("Tom & Jerry <script>alert(1)</script>")

    response, feed = parse(client, "/feed/")

    assert feed.entries[0].title == "Tom & Jerry <script>alert(1)</script>"
    assert b"<script>" not in response.content


def test_section_author_and_tag_feeds(client, home_page, section, make_article):
    security = make_section(home_page, "Security")
    other = Author.objects.create(name="Ben Other", slug="ben-other")
    in_analysis = make_article("In analysis", tags=["kidnap"])
    in_security = make_article("In security", parent=security, authors=[other])

    _, analysis_feed = parse(client, "/analysis/feed/")
    _, security_atom = parse(client, "/security/feed/atom/")
    _, author_feed = parse(client, "/authors/ben-other/feed/")
    _, tag_feed = parse(client, "/tags/kidnap/feed/atom/")

    assert [e.title for e in analysis_feed.entries] == [in_analysis.title]
    assert analysis_feed.feed.title == "Analysis – Global News"
    assert [e.title for e in security_atom.entries] == [in_security.title]
    assert [e.title for e in author_feed.entries] == [in_security.title]
    assert [e.title for e in tag_feed.entries] == [in_analysis.title]


@pytest.mark.parametrize(
    "path",
    ["/nowhere/feed/", "/authors/nobody/feed/", "/tags/nothing/feed/atom/"],
)
def test_feeds_of_unknown_listings_are_404(client, section, path):
    assert client.get(path).status_code == 404


def test_feed_is_advertised_in_page_head(client, section, make_article):
    html = client.get(section.url).content.decode()

    assert (
        'type="application/rss+xml" title="Analysis (RSS)" href="/analysis/feed/"'
        in html
    )
    assert 'type="application/atom+xml"' in html
