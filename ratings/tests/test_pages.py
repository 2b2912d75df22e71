"""The rating as readers meet it on pages: without JavaScript, in JSON-LD, in
listings, and from the page cache."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Site

from ratings import services
from ratings.models import Rating, RatingSettings, RatingSummary
from ratings.tests.fixtures import rater

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def rate_url(article) -> str:
    return f"/ratings/articles/{article.pk}/"


def json_ld(response) -> dict:
    node = soup(response).select_one('script[type="application/ld+json"]')
    return json.loads(node.string)


def nothing_stored() -> bool:
    return not Rating.objects.exists() and not RatingSummary.objects.exists()


def show_in_listings(on: bool = True) -> None:
    site = Site.objects.get(is_default_site=True)
    setting = RatingSettings.for_site(site)
    setting.show_in_listings = on
    setting.save()


def test_the_rating_sits_under_the_article_above_the_discussion(client, article):
    html = client.get(article.url).content.decode()
    page = BeautifulSoup(html, "html.parser")

    section = page.select_one("section#rating")
    assert html.index('id="rating"') < html.index('id="comments"')
    assert section.select_one("#rating-heading").get_text() == "Article rating"
    form = section.select_one("form[data-rating-form]")
    assert form["method"] == "post" and form["action"] == rate_url(article)
    group = form.select_one("fieldset")
    assert group.select_one("legend").get_text() == "Your rating"
    radios = group.select("input[type=radio][name=stars]")
    assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5"]
    labels = [group.select_one(f"label[for={r['id']}]").get_text() for r in radios]
    assert labels == ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]
    assert not any(r.has_attr("checked") for r in radios)
    assert section.select_one("[data-rating-average]").get_text() == "No ratings yet"
    assert "Be the first" in section.select_one("[data-rating-count]").get_text()
    assert section.select_one("[data-rating-remove]").has_attr("hidden")
    assert section.select_one("input[name=csrfmiddlewaretoken]") is None
    assert page.select_one('script[src$="js/ratings.js"][type=module]')


def test_the_average_and_votes_are_read_out_in_words(client, article, rate):
    for stars in (5, 4, 4):
        rate(stars)

    section = soup(client.get(article.url)).select_one("section#rating")

    headline = " ".join(section.select_one(".rating__headline").get_text().split())
    assert headline == "4.3 out of 5 3 votes"
    bars = [" ".join(li.get_text().split()) for li in section.select(".rating__bar")]
    assert bars == [
        "5 stars: 1 vote",
        "4 stars: 2 votes",
        "3 stars: 0 votes",
        "2 stars: 0 votes",
        "1 star: 0 votes",
    ]
    assert section.select_one("[data-rating-fill]")["width"] == "104.0"  # 4.33 × 24


def test_a_guest_rates_without_javascript_and_sees_their_rating(
    client, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(rate_url(article), {"stars": "4", "action": "rate"})

    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#rating"
    assert "tribune_reader" in response.cookies
    page = client.get(article.url)
    section = soup(page).select_one("section#rating")
    assert "X-Page-Cache" not in page  # the message keeps it out of the cache
    assert "you gave this article 4 stars" in soup(page).select_one(".messages").text
    assert section.select_one("input[name=stars][checked]")["value"] == "4"
    assert not section.select_one("[data-rating-remove]").has_attr("hidden")
    assert section.select_one("[data-rating-count]").get_text() == "1 vote"
    assert Rating.objects.get().stars == 4


def test_a_guest_changes_and_removes_their_rating_without_javascript(
    client, article, rate
):
    rate(2)
    client.post(rate_url(article), {"stars": "5"})
    client.post(rate_url(article), {"stars": "3"})

    removed = client.post(rate_url(article), {"stars": "3", "action": "remove"})

    assert removed.status_code == 302
    assert list(Rating.objects.values_list("stars", flat=True)) == [2]
    assert RatingSummary.objects.get().count == 1
    page = soup(client.get(article.url))
    assert "Your rating was removed." in page.select_one(".messages").text
    assert page.select_one("section#rating input[name=stars][checked]") is None


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"stars": ""},
        {"stars": "0"},
        {"stars": "6"},
        {"stars": "4.5"},
        {"stars": "x"},
    ],
    ids=["missing", "empty", "zero", "six", "half", "text"],
)
def test_a_bad_choice_explains_and_stores_nothing(client, article, data):
    response = client.post(rate_url(article), data)

    assert response.status_code == 400
    page = soup(response)
    assert "Choose from 1 to 5 stars." in page.select_one(".form-errors").text
    assert page.select_one(f'a[href="{article.url}#rating"]')
    assert nothing_stored()


def test_a_form_sent_from_another_site_is_refused(client, article):
    response = client.post(
        rate_url(article), {"stars": "1"}, HTTP_ORIGIN="https://evil.example"
    )

    assert response.status_code == 403
    assert "another site" in soup(response).select_one(".form-errors").text
    assert nothing_stored()


def test_a_member_needs_the_csrf_token_and_sees_their_own_rating(article):
    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    refused = client.post(rate_url(article), {"stars": "5"})
    token = soup(client.get(article.url)).select_one(
        "#rating input[name=csrfmiddlewaretoken]"
    )["value"]
    accepted = client.post(
        rate_url(article), {"stars": "5", "csrfmiddlewaretoken": token}
    )
    page = client.get(article.url)

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert Rating.objects.get().reader_key == f"u:{user.pk}"
    assert "X-Page-Cache" not in page
    checked = soup(page).select_one("#rating input[name=stars][checked]")
    assert checked["value"] == "5"


def test_an_author_sees_why_there_is_no_form(make_article, author):
    user = get_user_model().objects.create_user("ada", "ada@example.org", "pw")
    author.user = user
    author.save()
    article = make_article("By Ada")
    client = Client()
    client.force_login(user)

    section = soup(client.get(article.url)).select_one("section#rating")
    refused = client.post(rate_url(article), {"stars": "5"})

    assert section.select_one("form") is None
    assert "You wrote this article" in section.select_one(".rating__note").text
    assert refused.status_code == 403
    assert "You wrote this article" in soup(refused).select_one(".form-errors").text
    assert nothing_stored()


def test_a_rate_limited_form_says_when_to_try_again(client, article, settings):
    settings.RATINGS_PER_MINUTE = 1
    client.post(rate_url(article), {"stars": "2"})

    response = client.post(rate_url(article), {"stars": "3"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "try again in" in soup(response).text
    assert Rating.objects.get().stars == 2


def test_ratings_off_means_no_section_no_script_no_structured_data(
    client, make_article
):
    article = make_article("Not for rating", rating_enabled=False)

    page = client.get(article.url)
    refused = client.post(rate_url(article), {"stars": "5"})

    assert soup(page).select_one("#rating") is None
    assert soup(page).select_one('script[src$="js/ratings.js"]') is None
    assert "aggregateRating" not in json_ld(page)
    assert refused.status_code == 403
    assert nothing_stored()


def test_unknown_article_is_404(client):
    assert client.post("/ratings/articles/999999/", {"stars": "5"}).status_code == 404
    assert client.get("/ratings/articles/999999/").status_code == 405


def test_structured_data_has_an_aggregate_rating_only_once_rated(
    client, article, rate, django_capture_on_commit_callbacks
):
    before = json_ld(client.get(article.url))
    with django_capture_on_commit_callbacks(execute=True):
        for stars in (5, 4, 4):
            rate(stars)
    after = json_ld(client.get(article.url))

    assert "aggregateRating" not in before
    assert after["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.33,
        "ratingCount": 3,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_structured_data_drops_the_rating_when_the_last_is_taken_back(
    client, article, rate
):
    reader = rater()
    rate(5, reader=reader)
    services.remove_rating(article_id=article.pk, reader=reader)

    assert "aggregateRating" not in json_ld(client.get(article.url))


def forget_expired_cookies(client) -> None:
    """Drops the cookies a response deleted, as a browser does (the test client
    keeps them, empty)."""
    for name in [name for name, morsel in client.cookies.items() if not morsel.value]:
        del client.cookies[name]


def test_the_cached_page_is_the_same_for_every_anonymous_reader(
    article, django_capture_on_commit_callbacks
):
    first, second = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        first.post(rate_url(article), {"stars": "5"})
        second.post(rate_url(article), {"stars": "1"})
    for reader in (first, second):
        reader.get(article.url)  # their message is shown, then forgotten
        forget_expired_cookies(reader)

    pages = [first.get(article.url), second.get(article.url), Client().get(article.url)]

    assert [p["X-Page-Cache"] for p in pages] == ["miss", "hit", "hit"]
    assert pages[0].content == pages[1].content == pages[2].content
    section = soup(pages[0]).select_one("section#rating")
    assert section.select_one("input[checked]") is None
    assert section.select_one("[data-rating-remove]").has_attr("hidden")
    assert section.select_one("[data-rating-count]").get_text() == "2 votes"


def test_a_rating_refreshes_only_its_own_article(
    client, article, make_article, rate, django_capture_on_commit_callbacks
):
    other = make_article("Another story")
    for path in ("/", article.section.url, article.url, other.url):
        client.get(path)

    with django_capture_on_commit_callbacks(execute=True):
        rate(4)

    assert client.get("/")["X-Page-Cache"] == "hit"
    assert client.get(article.section.url)["X-Page-Cache"] == "hit"
    assert client.get(other.url)["X-Page-Cache"] == "hit"
    page = client.get(article.url)
    assert page["X-Page-Cache"] == "miss"
    assert "1 vote" in page.content.decode()


def test_a_rating_refreshes_nothing_until_it_commits(
    client, article, rate, django_capture_on_commit_callbacks
):
    client.get(article.url)

    with django_capture_on_commit_callbacks(execute=False) as pending:
        rate(4)
    before_commit = client.get(article.url)
    for callback in pending:
        callback()

    assert before_commit["X-Page-Cache"] == "hit"
    assert client.get(article.url)["X-Page-Cache"] == "miss"


def test_listings_show_no_averages_unless_the_setting_is_on(
    client, article, rate, django_capture_on_commit_callbacks
):
    rate(5), rate(4)

    before = soup(client.get("/"))
    with django_capture_on_commit_callbacks(execute=True):
        show_in_listings()
    after = soup(client.get(article.section.url))

    assert before.select_one(".byline__rating") is None
    teaser = after.select_one(".byline__rating")
    assert teaser["href"] == f"{article.url}#rating"
    assert " ".join(teaser.get_text().split()) == "4.5 out of 5 stars, (2 votes)"


def test_with_averages_in_listings_a_rating_refreshes_the_listings(
    client, article, rate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        show_in_listings()
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        rate(3)

    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert soup(home).select_one(".byline__rating") is not None


def test_listings_leave_out_articles_with_ratings_off_or_none(
    client, make_article, rate, django_capture_on_commit_callbacks
):
    off = make_article("Switched off", rating_enabled=False)
    unrated = make_article("Nobody rated")
    Rating.objects.create(article=off, reader_key="g:x", stars=5)
    RatingSummary.objects.create(article=off, count=1, total=5, stars_5=1)
    with django_capture_on_commit_callbacks(execute=True):
        show_in_listings()

    page = soup(client.get("/"))

    assert page.select_one(".byline__rating") is None
    assert unrated.title in page.text and off.title in page.text


def test_saving_the_ratings_setting_refreshes_cached_pages(
    client, home_page, django_capture_on_commit_callbacks
):
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        show_in_listings()

    assert client.get("/")["X-Page-Cache"] == "miss"
