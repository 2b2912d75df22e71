"""Pages run a fixed number of queries, however many articles there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.tests.fixtures import headings, make_section

pytestmark = pytest.mark.django_db


def count_queries(client, path) -> int:
    client.get(path)  # warm: renditions are created on the first view
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_articles(make_article, parent, n, start=0):
    for i in range(n):
        make_article(
            f"Story {start + i}",
            parent=parent,
            image=True,
            tags=["sahel", f"t{i}"],
            days_ago=start + i + 1,
        )


@pytest.fixture
def newsroom(home_page, section, make_article):
    security = make_section(home_page, "Security")
    add_articles(make_article, section, 3)
    add_articles(make_article, security, 3, start=10)
    article = make_article(
        "The flagship",
        body=headings("One", "Two", "Three"),
        image=True,
        tags=["sahel"],
    )
    return {"section": section, "security": security, "article": article}


@pytest.mark.parametrize(
    ("page", "limit"),
    [("home", 24), ("section", 14), ("article", 18), ("author", 10), ("feed", 7)],
)
def test_query_count_is_pinned_and_flat(
    client, newsroom, make_article, django_assert_max_num_queries, page, limit
):
    paths = {
        "home": "/",
        "section": newsroom["section"].url,
        "article": newsroom["article"].url,
        "author": "/authors/ada-quill/",
        "feed": "/feed/",
    }
    path = paths[page]
    before = count_queries(client, path)

    add_articles(make_article, newsroom["section"], 12, start=30)
    add_articles(make_article, newsroom["security"], 12, start=60)
    client.get(path)  # warm the new renditions
    with django_assert_max_num_queries(limit):
        response = client.get(path)

    assert response.status_code == 200
    assert count_queries(client, path) == before
