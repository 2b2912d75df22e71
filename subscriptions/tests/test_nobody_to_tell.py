"""A comment nobody could be told of writes nothing to the outbox and wakes no
worker: one indexed query decides it (most comments, on most sites)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from discussion import services as discussion
from discussion.tests.fixtures import guest, member
from subscriptions import services
from subscriptions.models import Address, Event, Subscription
from subscriptions.tasks import wake_worker

pytestmark = pytest.mark.django_db

# What posting a guest's comment costs on an article nobody follows: the
# discussion's own queries (savepoint, thread counters, duplicate check,
# insert, release), moderation's two (the recent comments the repeat check
# compares with, the author's record counting the published comment) and the
# one that finds nobody to tell.
UNFOLLOWED_COMMENT_QUERIES = 8


def comment(article, text="A point.", **fields):
    fields = {"name": "Asher", "email": "asher@example.org", **fields}
    return discussion.post_comment(article=article, reader=guest(), body=text, **fields)


def follow(email: str, topic: str) -> Subscription:
    now = timezone.now()
    address, _ = Address.objects.get_or_create(email=email, confirmed_at=now)
    return Subscription.objects.create(address=address, topic=topic, confirmed_at=now)


def test_a_comment_on_an_unfollowed_article_writes_no_event(
    article, django_assert_num_queries, django_capture_on_commit_callbacks
):
    comment(article, "Warm-up.")  # the thread row exists from here on
    # Someone follows another article, and someone else waits to confirm.
    follow("else@example.org", "article:999999")
    Subscription.objects.create(
        address=Address.objects.create(email="unsure@example.org"),
        topic=f"article:{article.pk}",
    )

    with django_capture_on_commit_callbacks() as callbacks:
        with django_assert_num_queries(UNFOLLOWED_COMMENT_QUERIES):
            comment(article, "Nobody hears of this.")

    assert not Event.objects.filter(kind="comment.visible").exists()
    assert wake_worker not in callbacks


def test_a_follower_of_the_article_gets_the_event(article):
    follow("carol@example.org", f"article:{article.pk}")

    posted = comment(article, "Carol hears of this.")

    assert Event.objects.get(kind="comment.visible").payload == {
        "comment_id": posted.pk
    }


def test_a_reply_to_someone_who_gets_replies_writes_the_event(article, reader):
    own = discussion.post_comment(
        article=article, reader=member(reader), body="Mine.", notify="replies"
    )
    assert Subscription.objects.active().get().topic == services.REPLIES
    assert not Event.objects.filter(kind="comment.visible").exists()

    answer = comment(article, "An answer.", parent_id=own.pk)

    assert Event.objects.get(kind="comment.visible").payload == {
        "comment_id": answer.pk
    }


def test_a_reply_to_someone_who_wants_no_mail_writes_no_event(article):
    parent = comment(article, "Quiet.", name="Bo", email="bo@example.org")
    follow("else@example.org", services.REPLIES)  # someone else's replies

    comment(article, "An answer.", parent_id=parent.pk)

    assert not Event.objects.filter(kind="comment.visible").exists()
