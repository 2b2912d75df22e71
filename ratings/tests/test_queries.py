"""The rating costs pages a fixed, small number of queries, whatever the votes."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from ratings.models import Rating, RatingSettings, RatingSummary

pytestmark = pytest.mark.django_db

# The article page, rendered afresh for an anonymous reader, with every cache
# cold: the newsroom's and the discussion's queries (its passages included),
# and one for the rating.
ARTICLE_PAGE_QUERIES = 22
FRESH = {"HTTP_COOKIE": "tribune_recent=1"}  # kept out of the page cache


def queries(client, path, **extra) -> int:
    client.get(path, **extra)
    cache.clear()  # measure the work, not the cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_ratings(article, n: int) -> None:
    Rating.objects.bulk_create(
        Rating(article=article, reader_key=f"g:r{i}", stars=1 + i % 5) for i in range(n)
    )
    per_star = {
        f"stars_{s}": sum(1 for i in range(n) if 1 + i % 5 == s)
        for s in (1, 2, 3, 4, 5)
    }
    RatingSummary.objects.update_or_create(
        article=article,
        defaults={
            "count": n,
            "total": sum(1 + i % 5 for i in range(n)),
            **per_star,
        },
    )


def test_the_rated_article_page_is_pinned_and_flat_in_the_number_of_votes(
    client, make_article, django_assert_max_num_queries
):
    unrated = make_article("Rating off", rating_enabled=False)
    few, many = make_article("A few votes"), make_article("Many votes")
    add_ratings(few, 3)
    add_ratings(many, 5000)

    off = queries(client, unrated.url, **FRESH)
    counts = (queries(client, few.url, **FRESH), queries(client, many.url, **FRESH))
    cache.clear()
    with django_assert_max_num_queries(ARTICLE_PAGE_QUERIES):
        page = client.get(many.url, **FRESH)

    assert counts == (off + 1, off + 1)  # the summary row, nothing more
    assert counts[0] <= ARTICLE_PAGE_QUERIES
    assert "5000 votes" in page.content.decode()


def test_a_cached_rated_page_runs_no_queries(
    client, article, django_assert_num_queries
):
    add_ratings(article, 10)
    client.get(article.url)

    with django_assert_num_queries(0):
        response = client.get(article.url)

    assert response["X-Page-Cache"] == "hit"
    assert "10 votes" in response.content.decode()


def test_a_member_page_reads_their_own_rating_in_one_query(article):
    add_ratings(article, 10)
    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    Rating.objects.create(article=article, reader_key=f"u:{user.pk}", stars=3)
    member = Client()
    member.force_login(user)

    with CaptureQueriesContext(connection) as ctx:
        response = member.get(article.url)

    reads = [q["sql"] for q in ctx.captured_queries if '"ratings_rating"' in q["sql"]]
    assert len(reads) == 1
    assert 'name="stars" value="3" id="rating-stars-3" required checked' in (
        response.content.decode()
    )


def test_listings_with_averages_cost_no_query_per_teaser(
    client, make_article, django_assert_max_num_queries
):
    articles = [make_article(f"Story {n}") for n in range(8)]
    add_ratings(articles[0], 4)
    without = queries(client, "/", **FRESH)
    setting = RatingSettings.for_site(Site.objects.get(is_default_site=True))
    setting.show_in_listings = True
    setting.save()
    one_rated = queries(client, "/", **FRESH)

    for article in articles[1:]:
        add_ratings(article, 7)
    all_rated = queries(client, "/", **FRESH)
    cache.clear()
    with django_assert_max_num_queries(all_rated):
        home = client.get("/", **FRESH)

    assert one_rated == all_rated == without
    assert home.content.decode().count('class="byline__rating"') >= 6
