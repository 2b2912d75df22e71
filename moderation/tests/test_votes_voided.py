"""Voiding a reader's votes from the desk counts every comment they voted on
again, exactly: the votes left, plus the counts a comment was imported with.
Runs again on PostgreSQL (make test's second leg)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from discussion import services as discussion
from discussion.models import Comment, Vote
from discussion.readers import Reader
from moderation import services
from moderation.models import Action

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def moderator(db) -> Client:
    user = get_user_model().objects.create_user(username="mona", password="pw")
    group, _ = Group.objects.get_or_create(name=services.MODERATORS_GROUP)
    user.groups.add(group)
    client = Client()
    client.force_login(user)
    return client


def vote(comment, key, value, ip="ip-honest"):
    discussion.cast_vote(
        comment_id=comment.pk, reader=Reader(key=key, ip_hash=ip), value=value
    )


def counts(comment) -> tuple[int, int, int]:
    comment.refresh_from_db()
    return comment.up, comment.down, comment.score


def test_voiding_stuffed_votes_leaves_exactly_the_others(moderator, post):
    imported = post("Brought from the old site")
    Comment.objects.filter(pk=imported.pk).update(
        imported_up=10, imported_down=3, up=10, down=3, score=7
    )
    other = post("Another comment")
    stuffers = [f"g:stuffer{n}" for n in range(4)]
    for key in stuffers:
        vote(imported, key, 1, ip="ip-stuffed")
        vote(other, key, -1, ip="ip-stuffed")
    vote(imported, "g:honest-up", 1)
    vote(imported, "g:honest-down", -1)
    vote(other, "g:honest-up", 1)
    assert counts(imported) == (15, 4, 11)
    assert counts(other) == (1, 4, -3)

    response = moderator.post(
        "/admin/moderation/votes/void/",
        {"reader": stuffers, "reason": "One address, four cookies"},
    )

    assert response.status_code == 302
    assert counts(imported) == (11, 4, 7)  # imported 10/3, plus one up, one down
    assert counts(other) == (1, 0, 1)
    assert set(Vote.objects.values_list("reader_key", flat=True)) == {
        "g:honest-up",
        "g:honest-down",
    }
    logged = Action.objects.filter(action="void_votes")
    assert sorted(logged.values_list("target", flat=True)) == [
        f"reader {key}: 2 votes" for key in stuffers
    ]
    assert set(logged.values_list("reason", flat=True)) == {"One address, four cookies"}


def test_voiding_twice_changes_nothing_more(moderator, post):
    comment = post("Voted on")
    vote(comment, "g:once", 1)
    vote(comment, "g:stays", -1)

    for _ in range(2):
        moderator.post("/admin/moderation/votes/void/", {"reader": "g:once"})

    assert counts(comment) == (0, 1, -1)
    assert Vote.objects.count() == 1
