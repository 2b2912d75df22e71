"""Long URLs: a long search is still a search; past the cap, the site's own 414."""

import pytest
from bs4 import BeautifulSoup

from config.middleware import LongURLMiddleware

pytestmark = pytest.mark.django_db

CAP = LongURLMiddleware.max_length


def test_a_ten_thousand_character_search_gets_the_search_page(client, home_page):
    # when
    response = client.get("/search/", {"q": "x" * 10_000})
    # then: the search page, the query cut as the search always cuts it
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.h1.get_text() == "Search"
    assert html.select_one("#search-page-q")["value"] == "x" * 200


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=" + "x" * CAP,
        "/analysis/" + "a" * CAP + "/",
    ],
    ids=["long-query", "long-path"],
)
def test_past_the_cap_the_site_answers_414_with_its_own_page(client, home_page, url):
    # when
    response = client.get(url)
    # then: a page of the site's, with the headers of every public page, and
    # without the URL written back into it
    assert response.status_code == 414
    html = BeautifulSoup(response.content, "html.parser")
    assert html.h1.get_text() == "That address is too long"
    assert html.select_one(".brand__name").get_text() == "Global News"
    assert html.select_one("meta[name=robots]")["content"] == "noindex"
    assert "x" * 200 not in response.content.decode()
    assert "a" * 200 not in response.content.decode()
    assert html.find("style") is None and html.find(attrs={"style": True}) is None
    assert all(s.get("src") for s in html.find_all("script"))
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_just_under_the_cap_is_still_served(client, home_page):
    url = "/search/?q="
    response = client.get(url + "x" * (CAP - len(url)))

    assert response.status_code == 200
