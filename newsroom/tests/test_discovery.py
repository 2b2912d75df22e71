"""What search engines and social networks read: sitemap, robots, cards, JSON-LD."""

import json
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from newsroom.sharing import share_links

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_every_live_article_and_author(client, make_article):
    live = [make_article(days_ago=i) for i in range(1, 4)]
    make_article("Draft", publish=False)

    response = client.get("/sitemap.xml")
    locs = [
        node.text
        for node in ET.fromstring(response.content).findall(".//s:loc", SITEMAP_NS)
    ]

    for article in live:
        assert "http://testserver" + article.url in locs
    assert "http://testserver/authors/ada-quill/" in locs
    assert not any("article" in loc and loc.endswith("-draft/") for loc in locs)
    assert len([loc for loc in locs if "/analysis/article-" in loc]) == 3


def test_robots_points_to_sitemap_and_keeps_admin_out(client, settings):
    settings.SITE_URL = "https://news.example.org"

    text = client.get("/robots.txt").content.decode()

    assert "Sitemap: https://news.example.org/sitemap.xml" in text
    assert "Disallow: /admin/" in text


def test_article_json_ld_is_a_news_article(client, make_article):
    article = make_article(
        "Headline </script><script>alert(1)</script>",
        image=True,
        tags=["extremism"],
    )

    html = BeautifulSoup(client.get(article.url).content, "html.parser")
    blocks = html.find_all("script", type="application/ld+json")
    data = json.loads(blocks[0].string)

    assert len(blocks) == 1
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Ada Quill",
            "url": "http://testserver/authors/ada-quill/",
        }
    ]
    assert data["publisher"]["name"] == "Global News"
    assert data["datePublished"] == article.first_published_at.isoformat()
    assert data["image"][0].startswith("http://testserver/media/images/")
    assert data["articleSection"] == "Analysis"
    assert data["keywords"] == ["extremism"]
    assert "</script><script>" not in blocks[0].decode_contents()


def test_open_graph_and_twitter_cards(client, make_article):
    article = make_article("Card title", image=True)

    html = BeautifulSoup(client.get(article.url).content, "html.parser")
    meta = {
        tag.get("property") or tag.get("name"): tag["content"]
        for tag in html.find_all("meta")
        if tag.get("content")
    }

    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Card title"
    assert meta["og:description"] == article.standfirst
    assert meta["og:url"] == "http://testserver" + article.url
    assert meta["og:site_name"] == "Global News"
    assert meta["og:image"].endswith(".jpg")
    assert "fill-1200x630" in meta["og:image"]
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["description"] == article.standfirst


def test_canonical_points_to_source_when_editor_says_so(client, make_article):
    own = make_article(source_name="Partner", source_url="https://example.org/a")
    canonical = make_article(
        source_name="Partner",
        source_url="https://example.org/b",
        source_is_canonical=True,
    )

    def canonical_of(article):
        html = BeautifulSoup(client.get(article.url).content, "html.parser")
        return html.select_one("link[rel=canonical]")["href"]

    assert canonical_of(own) == "http://testserver" + own.url
    assert canonical_of(canonical) == "https://example.org/b"


def test_share_links_carry_the_url_and_title_encoded():
    links = {
        link.network: link.url
        for link in share_links(
            "https://news.example.org/a/?x=1&y=2", 'Tom & "Jerry" #1 + more'
        )
    }

    assert set(links) == {"email", "x", "facebook", "whatsapp", "linkedin", "telegram"}
    assert links["x"] == (
        "https://x.com/intent/post?url=https%3A%2F%2Fnews.example.org%2Fa%2F%3Fx%3D1%26y%3D2"
        "&text=Tom%20%26%20%22Jerry%22%20%231%20%2B%20more"
    )
    assert links["facebook"] == (
        "https://www.facebook.com/sharer/sharer.php?u="
        "https%3A%2F%2Fnews.example.org%2Fa%2F%3Fx%3D1%26y%3D2"
    )
    assert links["email"].startswith("mailto:?subject=Tom%20%26%20%22Jerry%22")
    assert "%20https%3A%2F%2Fnews.example.org" in links["email"]


def test_share_links_on_the_page_are_escaped(client, make_article):
    article = make_article('Quotes " and <tags> & more')

    html = client.get(article.url).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [a["href"] for a in soup.select(".share__link[href]")]

    assert len(hrefs) == 6
    assert all("<tags>" not in href for href in hrefs)
    assert "&lt;tags&gt;" not in "".join(hrefs)  # decoded by the parser, encoded in URL
    assert any("%3Ctags%3E" in href for href in hrefs)
    copy = soup.select_one("[data-copy-url]")
    assert copy["data-copy-url"] == "http://testserver" + article.url
    assert soup.select_one("script[src*=tracking], iframe") is None
