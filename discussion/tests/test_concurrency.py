"""Counts stay exact when many readers act at once (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection, connections

from discussion import services
from discussion.models import Comment, Thread, Vote
from discussion.readers import Reader
from discussion.tests.fixtures import GUEST

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL (set TEST_DATABASE_URL)")


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


def test_32_parallel_voters_are_all_counted(post, settings):
    settings.DISCUSSION_VOTE_RATE_PER_IP = (1000, 60)
    comment = post()

    errors = run_together(
        32,
        lambda i: services.cast_vote(
            comment_id=comment.pk,
            reader=Reader(key=f"g:voter{i}", ip_hash=f"ip{i}"),
            value=1 if i % 4 else -1,
        ),
    )

    comment.refresh_from_db()
    assert errors == []
    assert (comment.up, comment.down, comment.score) == (24, 8, 16)
    assert Vote.objects.count() == 32


def test_one_reader_double_clicking_votes_once(post):
    comment = post()
    reader = Reader(key="g:clicker", ip_hash="ip")

    errors = run_together(
        8, lambda i: services.cast_vote(comment_id=comment.pk, reader=reader, value=1)
    )

    comment.refresh_from_db()
    assert errors == []
    assert (comment.up, Vote.objects.count()) == (1, 1)


def test_double_submitted_comment_is_stored_once_under_concurrency(article, settings):
    settings.DISCUSSION_POST_RATE = (100, 60)
    reader = Reader(key="g:impatient", ip_hash="ip")

    errors = run_together(
        8,
        lambda i: services.post_comment(
            article=article, reader=reader, body="Posted twice by accident", **GUEST
        ),
    )

    assert errors == []
    assert Comment.objects.count() == 1
    assert Thread.objects.get().comment_count == 1


def test_parallel_posts_keep_the_counter_exact(article, settings):
    settings.DISCUSSION_POST_RATE_PER_IP = (1000, 60)

    errors = run_together(
        16,
        lambda i: services.post_comment(
            article=article,
            reader=Reader(key=f"g:poster{i}", ip_hash=f"ip{i}"),
            body=f"Comment {i}",
            **GUEST,
        ),
    )

    assert errors == []
    thread = Thread.objects.get()
    assert (thread.comment_count, thread.top_level_count) == (16, 16)
    assert Comment.objects.count() == 16


def test_withdrawals_while_replies_and_votes_arrive_keep_every_counter_exact(
    post, article, settings
):
    from discussion.tests.test_withdraw import counters, counters_from_scratch

    settings.DISCUSSION_POST_RATE_PER_IP = (1000, 60)
    settings.DISCUSSION_VOTE_RATE_PER_IP = (1000, 60)
    top = post("Top")
    middle = post("Middle", parent=top)

    def work(i):
        if i % 4 == 0:
            services.withdraw_comment(comment_id=middle.pk, state="removed")
        elif i % 4 == 1:
            services.restore_comment(comment_id=middle.pk)
        elif i % 4 == 2:
            services.post_comment(
                article=article,
                reader=Reader(key=f"g:r{i}", ip_hash=f"ip{i}"),
                body=f"Reply {i}",
                parent_id=top.pk,
                **GUEST,
            )
        else:
            services.cast_vote(
                comment_id=top.pk,
                reader=Reader(key=f"g:v{i}", ip_hash=f"ip{i}"),
                value=1,
            )

    errors = run_together(16, work)

    assert errors == []
    assert counters() == counters_from_scratch()
    assert Comment.objects.get(pk=top.pk).up == 4


def test_two_publications_at_once_make_one_question_per_marker(make_article):
    from discussion.models import Passage
    from newsroom.models import ArticlePage

    marked = '<span data-question-id="q1" data-question="Fair?">the plan</span>'
    article = make_article("Budget row", body=[("paragraph", "<p>Plain words.</p>")])

    def publish(i):
        page = ArticlePage.objects.get(pk=article.pk)
        page.body = [("paragraph", f"<p>Version {i}: {marked}</p>")]
        page.save_revision().publish()

    errors = run_together(4, publish)

    assert errors == []
    [passage] = Passage.objects.filter(thread__article=article)
    assert (passage.marker, passage.question, passage.exact) == (
        "q1",
        "Fair?",
        "the plan",
    )
