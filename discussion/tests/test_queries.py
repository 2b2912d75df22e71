"""Reading a discussion costs a fixed number of queries, whatever its size."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussion.models import Comment, Thread
from newsroom.models import ArticlePage, Author, SectionPage
from newsroom.tests.fixtures import create_article

# The articles and their comments are grown once, for the whole module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("discussions")]


def grow(article, total: int) -> Thread:
    """`total` comments on the article, a third of them replies (some nested)."""
    thread, _ = Thread.objects.get_or_create(article_id=article.pk)
    now = timezone.now()
    roots = Comment.objects.bulk_create(
        Comment(
            thread=thread,
            guest_name=f"Reader {n}",
            guest_email="r@example.org",
            reader_key=f"g:r{n}",
            body_source=f"Comment {n}",
            body_html=f"<p>Comment {n}</p>",
            body_hash=str(n),
            score=n % 7,
            up=n % 7,
            created_at=now - timezone.timedelta(seconds=total - n),
        )
        for n in range(total * 2 // 3)
    )
    replies = []
    for n in range(total - len(roots)):
        root = roots[n % len(roots)]
        replies.append(
            Comment(
                thread=thread,
                parent=root,
                root=root,
                depth=1,
                guest_name=f"Replier {n}",
                guest_email="r@example.org",
                reader_key=f"g:p{n}",
                body_source=f"Reply {n}",
                body_html=f"<p>Reply {n}</p>",
                body_hash=f"r{n}",
                created_at=now,
            )
        )
    Comment.objects.bulk_create(replies)
    for index, root in enumerate(roots[: len(replies)]):
        count = len(replies) // len(roots) + (index < len(replies) % len(roots))
        root.reply_count = root.descendant_count = count
    Comment.objects.bulk_update(
        roots[: len(replies)], ["reply_count", "descendant_count"], batch_size=500
    )
    Thread.objects.filter(pk=thread.pk).update(
        comment_count=total, top_level_count=len(roots)
    )
    return thread


@pytest.fixture(scope="module")
def discussions(module_db, shared_site) -> dict[int, int]:
    """Articles with 30, 1000 and 10,000 comments: their ids by size."""
    with module_db.build():
        section = SectionPage.objects.get(pk=shared_site.section)
        author = Author.objects.get(pk=shared_site.author)
        ids = {}
        for total in (30, 1000, 10_000):
            article = create_article(section, author, f"{total} comments")
            grow(article, total)
            ids[total] = article.pk
    return ids


def article_with(discussions, total: int) -> ArticlePage:
    return ArticlePage.objects.get(pk=discussions[total])


def queries(client, path) -> int:
    client.get(path)
    cache.clear()  # measure the work, not the cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, HTTP_COOKIE="tribune_recent=1")  # skip the cache
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("sort", ["oldest", "newest", "votes"])
def test_article_page_and_api_listing_are_flat_from_30_to_10000_comments(
    client, discussions, django_assert_max_num_queries, sort
):
    def paths(article):
        return (
            f"{article.url}?sort={sort}",
            f"/api/v1/articles/{article.pk}/comments?sort={sort}",
        )

    small_page, small_api = paths(article_with(discussions, 30))
    small = (queries(client, small_page), queries(client, small_api))

    page, api = paths(article_with(discussions, 10_000))
    cache.clear()
    with django_assert_max_num_queries(small[0]):
        big_page = client.get(page, HTTP_COOKIE="tribune_recent=1")
    with django_assert_max_num_queries(small[1]):
        big_api = client.get(api)

    assert (queries(client, page), queries(client, api)) == small
    assert small[1] <= 8
    assert big_page.content.decode().count('class="comment ') >= 20
    assert len(big_api.json()["comments"]) == 20
    assert "10000 Comments" in big_page.content.decode()
    assert big_api.json()["count"] == 10_000


def test_cached_article_page_runs_no_queries(
    client, discussions, django_assert_num_queries
):
    article = article_with(discussions, 1000)
    client.get(article.url)

    with django_assert_num_queries(0):
        response = client.get(article.url)

    assert response["X-Page-Cache"] == "hit"
    assert "1000 Comments" in response.content.decode()


def test_a_signed_in_reader_gets_the_kept_discussion_without_reading_comments(
    discussions,
):
    from django.contrib.auth import get_user_model
    from django.test import Client

    article = article_with(discussions, 1000)
    users = get_user_model().objects
    first, second = Client(), Client()
    first.force_login(users.create_user("rita", "rita@example.org", "pw"))
    second.force_login(users.create_user("sam", "sam@example.org", "pw"))
    with CaptureQueriesContext(connection) as rendered:
        first.get(article.url)
    with CaptureQueriesContext(connection) as kept:
        response = second.get(article.url)

    def comment_queries(ctx):
        return [q for q in ctx.captured_queries if "discussion_comment" in q["sql"]]

    assert len(comment_queries(rendered)) >= 3  # the page of threads was read
    # Kept: only "has this reader a comment still editable here?" is asked, and
    # how many of their own comments only they see (a shadow ban) each thread has.
    assert len(comment_queries(kept)) == 2
    assert len(kept.captured_queries) < len(rendered.captured_queries)
    assert "X-Page-Cache" not in response  # never the anonymous page cache
    assert "1000 Comments" in response.content.decode()
    assert response.content.decode().count('class="comment ') >= 20
