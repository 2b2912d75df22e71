"""Searching the site: what a reader types, including nonsense, never breaks it."""

import pytest
from bs4 import BeautifulSoup

# Pages are indexed by a background task: run it at once.
pytestmark = [pytest.mark.django_db, pytest.mark.tasks]


def titles(response):
    html = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in html.select(".article-list .card__title a")]


def test_search_finds_live_articles_by_title_and_body(client, make_article):
    make_article("Kidnapping economy in the Sahel")
    make_article(
        "Unrelated title",
        body=[("paragraph", "<p>The ransom trade funds armed groups.</p>")],
    )
    make_article("Ransom draft", publish=False)

    by_title = client.get("/search/", {"q": "kidnapping"})
    by_body = client.get("/search/", {"q": "ransom"})

    assert titles(by_title) == ["Kidnapping economy in the Sahel"]
    assert titles(by_body) == ["Unrelated title"]
    assert "1 result for “ransom”" in by_body.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "caf\u00e9 \u202eevil\u202c \u200b\ufeff",
        "\x00\x01 nul",
        "emoji 🕌🛡️",
        "árabe عربى اردو",
        'AND OR NOT "unclosed * ( ) : ^ -',
        "<script>alert(1)</script>",
        "%00%ff",
    ],
    ids=[
        "empty",
        "blank",
        "10k-chars",
        "bidi-zero-width",
        "nul",
        "emoji",
        "rtl-scripts",
        "query-syntax",
        "markup",
        "percent",
    ],
)
def test_odd_queries_get_a_results_page(client, make_article, query):
    make_article("A normal article")

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Search</h1>" in body
    assert "<script>alert(1)</script>" not in body


def test_query_is_capped_and_echoed_safely(client, make_article):
    response = client.get("/search/", {"q": "<b>" + "y" * 500})

    html = BeautifulSoup(response.content, "html.parser")
    value = html.select_one("#search-page-q")["value"]
    assert value == "<b>" + "y" * 197
    assert "<b>yyy" not in response.content.decode()


def test_search_results_paginate_with_the_query(client, settings, make_article):
    settings.NEWSROOM_PAGE_SIZE = 2
    for i in range(3):
        make_article(f"Militia report {i}", days_ago=i + 1)

    first = client.get("/search/", {"q": "militia"})
    second = client.get("/search/", {"q": "militia", "page": 2})

    html = BeautifulSoup(first.content, "html.parser")
    assert html.select_one("a[rel=next]")["href"] == "?q=militia&page=2"
    assert len(titles(first)) == 2
    assert len(titles(second)) == 1
