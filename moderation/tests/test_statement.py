"""A rejected commenter hears why, by mail through the notifications outbox,
when their address is one they proved is theirs; nobody else gets a word."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.tests.fixtures import body
from discussion.tests.fixtures import member
from moderation import services
from subscriptions.models import Address, Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user(username="mona", password="pw")
    user.groups.add(Group.objects.get_or_create(name=services.MODERATORS_GROUP)[0])
    return user


def reject(committed, moderator, comment, action="reject", reason="Personal abuse"):
    return committed(
        services.decide,
        comment_id=comment.pk,
        action=action,
        moderator=moderator,
        reason=reason,
    )


def test_a_guest_with_a_confirmed_address_is_told_why(
    smtp_server, committed, moderator, post, article
):
    Address.objects.create(email="asher@example.org", confirmed_at=timezone.now())
    comment = post("You are all idiots\r\nBcc: victim@example.org")

    reject(committed, moderator, comment, reason="Insults <b>other</b> readers")

    (message,) = smtp_server.messages
    assert message["To"] == "asher@example.org"
    assert message["Subject"] == f"Your comment on “{article.title}” was removed"
    assert message["Message-ID"]
    text = body(message)
    assert "The reason: Insults <b>other</b> readers" in text
    assert "You are all idiots" in text
    assert "&lt;b&gt;other&lt;/b&gt;" in body(message, "html")
    assert smtp_server.recipients == [["asher@example.org"]]


def test_a_member_with_a_checked_address_is_told_once(
    smtp_server, committed, moderator, article
):
    from discussion import services as discussion

    user = get_user_model().objects.create_user(
        username="nadia",
        email="nadia@example.org",
        password="pw",
        email_verified_at=timezone.now(),
    )
    comment = committed(
        discussion.post_comment,
        article=article,
        reader=member(user),
        body="Something unkind",
    )

    reject(committed, moderator, comment)
    reject(committed, moderator, comment)  # decided again: no second mail

    assert [m["To"] for m in smtp_server.messages] == ["nadia@example.org"]
    assert Event.objects.filter(kind="notice").count() == 1


@pytest.mark.parametrize("case", ["unconfirmed-guest", "spam", "approve"], ids=str)
def test_no_statement_to_an_unproven_address_or_for_other_decisions(
    smtp_server, committed, moderator, post, case
):
    if case != "unconfirmed-guest":
        Address.objects.create(email="asher@example.org", confirmed_at=timezone.now())
    comment = post("Words")
    action = {"unconfirmed-guest": "reject", "spam": "spam", "approve": "approve"}[case]

    reject(committed, moderator, comment, action=action)

    assert smtp_server.messages == []
    assert not Event.objects.filter(kind="notice").exists()
