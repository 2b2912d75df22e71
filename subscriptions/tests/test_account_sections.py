"""What subscriptions add to a member's page (/accounts/): their subscriptions,
each stoppable (or all), and their comments, newest first, a page at a time;
and the defaults they choose there, which their comments and subscriptions
start with."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from discussion import services as discussion
from discussion.tests.fixtures import member
from subscriptions import services
from subscriptions.models import Address, Delivery, Event, Subscription

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/"
STOP = "/subscriptions/mine/stop/"


@pytest.fixture
def following(reader, article):
    """Ada's verified address follows the article and replies; a stranger
    follows the article too."""
    now = timezone.now()
    address = Address.objects.create(email="ada@example.org", confirmed_at=now)
    mine = [
        Subscription.objects.create(address=address, topic=topic, confirmed_at=now)
        for topic in (f"article:{article.pk}", services.REPLIES)
    ]
    other = Address.objects.create(email="bo@example.org", confirmed_at=now)
    theirs = Subscription.objects.create(
        address=other, topic=f"article:{article.pk}", confirmed_at=now
    )
    return mine, theirs


def test_a_member_sees_what_they_follow(client, reader, following):
    client.force_login(reader)

    html = client.get(ACCOUNT).content.decode()

    section = html[html.index('id="subscriptions"') : html.index('id="comments"')]
    assert "New comments on “Open for discussion”" in section
    assert "Replies to your comments" in section
    assert section.count('name="stop"') == 3  # each, and all


def test_a_member_stops_one_subscription_and_its_waiting_mail(
    client, reader, following
):
    (article_sub, replies_sub), theirs = following
    event = Event.objects.create(kind="comment.visible", payload={"comment_id": 1})
    waiting = Delivery.objects.create(
        event=event, address=article_sub.address, subscription=article_sub
    )
    client.force_login(reader)

    response = client.post(STOP, {"stop": str(article_sub.pk)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/#subscriptions"
    assert list(Subscription.objects.active().order_by("pk")) == [
        replies_sub,
        theirs,
    ]
    waiting.refresh_from_db()
    assert waiting.state == "cancelled"
    assert "Subscription stopped." in client.get(ACCOUNT).content.decode()


def test_stop_all_stops_only_the_members_own(client, reader, following):
    _, theirs = following
    client.force_login(reader)

    client.post(STOP, {"stop": "all"})

    assert list(Subscription.objects.active()) == [theirs]
    assert "we send you no notifications" in client.get(ACCOUNT).content.decode()


@pytest.mark.parametrize(
    "value", ["", "some", "-1", "9" * 40], ids=["empty", "word", "negative", "huge"]
)
def test_a_bad_stop_is_refused_and_nothing_stops(client, reader, following, value):
    client.force_login(reader)

    assert client.post(STOP, {"stop": value}).status_code == 400
    assert Subscription.objects.active().count() == 3


def test_someone_elses_subscription_cannot_be_stopped(client, reader, following):
    _, theirs = following
    client.force_login(reader)

    response = client.post(STOP, {"stop": str(theirs.pk)})

    assert response.status_code == 302
    assert Subscription.objects.active().count() == 3


def test_stopping_needs_a_signed_in_member_and_a_post(client, reader, following):
    assert client.post(STOP, {"stop": "all"}).status_code == 302  # to sign in
    client.force_login(reader)
    assert client.get(STOP).status_code == 405
    assert Subscription.objects.active().count() == 3


@pytest.fixture
def many_comments(reader, article, settings):
    """Ada's comments: 23 published, one awaiting moderation, one removed."""
    settings.DISCUSSION_POST_RATE = (1000, 60)
    settings.DISCUSSION_POST_RATE_PER_IP = (1000, 60)
    posted = [
        discussion.post_comment(
            article=article, reader=member(reader), body=f"Thought number {n}."
        )
        for n in range(25)
    ]
    discussion.withdraw_comment(comment_id=posted[-2].pk, state="pending")
    discussion.withdraw_comment(comment_id=posted[-1].pk, state="removed")
    return posted


def comment_texts(html: str) -> list[str]:
    return re.findall(r"Thought number \d+\.", html)


def test_a_member_sees_their_comments_newest_first_a_page_at_a_time(
    client, reader, many_comments, django_assert_max_num_queries
):
    client.force_login(reader)

    with django_assert_max_num_queries(14):
        first = client.get(ACCOUNT).content.decode()
    with django_assert_max_num_queries(14):
        second = client.get(ACCOUNT + "?comments=2").content.decode()

    assert "24 comments, newest first." in first
    assert comment_texts(first) == [f"Thought number {n}." for n in range(23, 3, -1)]
    assert comment_texts(second) == [f"Thought number {n}." for n in range(3, -1, -1)]
    assert f'href="/discussion/comments/{many_comments[0].pk}/"' in second
    # Only the one awaiting moderation says so; the removed one is not listed.
    assert first.count("Awaiting moderation") == 1
    assert "Thought number 24." not in first + second
    assert 'href="?comments=2#comments"' in first


def test_a_member_without_comments_is_told_so(client, reader):
    client.force_login(reader)
    assert "You have not commented yet." in client.get(ACCOUNT).content.decode()


def test_the_comment_form_starts_with_the_members_default(client, reader, article):
    reader.comment_notify = "all"
    reader.save()
    client.force_login(reader)

    html = client.get(article.url).content.decode()

    assert re.search(r'id="comment-notify-all"[^>]*checked', html)
    assert not re.search(r'id="comment-notify-replies"[^>]*checked', html)


@pytest.mark.parametrize(
    ("default", "topics"),
    [
        pytest.param("", ["replies"], id="unset-verified-gets-replies"),
        pytest.param("none", [], id="none"),
        pytest.param("all", ["article", "replies"], id="all"),
    ],
)
def test_a_comment_without_notify_follows_the_members_default(
    reader, article, default, topics
):
    reader.comment_notify = default
    reader.save()

    discussion.post_comment(article=article, reader=member(reader), body="Hello.")

    assert (
        sorted(s.topic.partition(":")[0] for s in Subscription.objects.active())
        == topics
    )


def test_a_members_new_article_subscription_uses_their_frequency(reader):
    reader.article_frequency = "daily"
    reader.save()

    services.subscribe(email=reader.email, topic="site", user=reader)
    services.subscribe(email="other@example.org", topic="site")

    frequencies = dict(Subscription.objects.values_list("address__email", "frequency"))
    assert frequencies == {"ada@example.org": "daily", "other@example.org": "instant"}


@pytest.mark.parametrize(
    ("chosen", "after"),
    [
        pytest.param("", "none", id="unset"),
        pytest.param("replies", "none", id="replies"),
        pytest.param("all", "all", id="all-kept"),
    ],
)
def test_stopping_replies_stops_the_comment_form_offering_them_first(
    client, reader, following, chosen, after
):
    (_, replies_sub), _ = following
    reader.comment_notify = chosen
    reader.save()
    client.force_login(reader)

    client.post(STOP, {"stop": str(replies_sub.pk)})

    reader.refresh_from_db()
    assert reader.comment_notify == after
