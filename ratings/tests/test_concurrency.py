"""The counters stay exact when many readers rate at once (PostgreSQL: real row
locks; skipped on SQLite, which runs one writer at a time anyway)."""

import threading

import pytest
from django.db import connection, connections

from ratings import services
from ratings.models import Rating, RatingSummary
from ratings.tests.fixtures import rater

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set TEST_DATABASE_URL)")
    settings.RATINGS_PER_MINUTE = settings.RATINGS_PER_MINUTE_PER_IP = 1000


def run_together(n: int, work) -> list:
    """Runs work(i) in n threads released at the same moment; returns errors."""
    barrier = threading.Barrier(n)
    errors = []

    def worker(i):
        try:
            barrier.wait()
            work(i)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def counters(article) -> tuple:
    row = RatingSummary.objects.get(article_id=article.pk)
    return row.count, row.total, tuple(row.distribution.values())


def counters_from_scratch(article) -> tuple:
    stars = list(Rating.objects.filter(article=article).values_list("stars", flat=True))
    return len(stars), sum(stars), tuple(stars.count(n) for n in (1, 2, 3, 4, 5))


def test_32_parallel_first_raters_are_all_counted(article):
    errors = run_together(
        32,
        lambda i: services.rate_article(
            article_id=article.pk, reader=rater(1000 + i), stars=1 + i % 5
        ),
    )

    assert errors == []
    # 1 + i % 5 over 0..31: seven of 1 and 2 stars, six each of 3, 4 and 5.
    assert counters(article) == (32, 7 * (1 + 2) + 6 * (3 + 4 + 5), (7, 7, 6, 6, 6))
    assert counters(article) == counters_from_scratch(article)
    assert RatingSummary.objects.count() == 1


def test_32_raters_changing_and_taking_back_keep_the_counters_exact(article, rate):
    readers = [rater(2000 + i) for i in range(32)]
    for i, reader in enumerate(readers):
        rate(1 + i % 5, reader=reader)

    def work(i):
        if i % 3 == 0:
            services.remove_rating(article_id=article.pk, reader=readers[i])
        else:
            services.rate_article(
                article_id=article.pk, reader=readers[i], stars=5 - i % 5
            )

    errors = run_together(32, work)

    assert errors == []
    assert counters(article) == counters_from_scratch(article)
    assert counters(article)[0] == 32 - len(range(0, 32, 3))


def test_one_reader_double_clicking_rates_once(article):
    reader = rater()

    errors = run_together(
        8,
        lambda i: services.rate_article(
            article_id=article.pk, reader=reader, stars=1 + i % 5
        ),
    )

    assert errors == []
    assert Rating.objects.count() == 1
    assert counters(article) == counters_from_scratch(article)
    assert counters(article)[0] == 1
