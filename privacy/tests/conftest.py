"""Two commenters on one article: Asher, who asks for his data, and Bella, whose
data must come through everything untouched."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from accounts.tests.fixtures import body, links
from discussion import services as discussion
from discussion.models import Comment
from discussion.readers import Reader
from moderation.models import Ban, Report, Review, Standing
from ratings.models import Rating
from subscriptions import services as subscriptions

ASHER = Reader(key="g:asher-browser", ip_hash="asherip")
BELLA = Reader(key="g:bella-browser", ip_hash="bellaip")


@dataclass
class Discussion:
    article: object
    asher_top: Comment  # Bella replied to it
    asher_alone: Comment  # nobody replied
    asher_reply: Comment  # Asher's answer under Bella's comment
    bella_top: Comment
    bella_reply: Comment  # under asher_top


def say(article, reader: Reader, text: str, parent=None, **guest) -> Comment:
    who = (
        {"name": "Asher Quill", "email": "Asher@Example.org"}
        if reader is ASHER
        else {"name": "Bella Moss", "email": "bella@example.org"}
    )
    return discussion.post_comment(
        article=article,
        reader=reader,
        body=text,
        parent_id=parent.pk if parent else None,
        **{**who, **guest},
    )


@pytest.fixture
def talk(article, django_capture_on_commit_callbacks) -> Discussion:
    """Asher and Bella talking under an article, voting, rating, subscribing,
    reporting, and on moderation's books."""
    with django_capture_on_commit_callbacks(execute=True):
        asher_top = say(
            article,
            ASHER,
            "Marmalade sky over the harbour",
            website="https://a.example",
        )
        asher_alone = say(article, ASHER, "Lighthouse keepers deserve better pay")
        bella_top = say(article, BELLA, "Cobblestones remember every cart")
        bella_reply = say(article, BELLA, "Tangerine dreams, I agree", parent=asher_top)
        asher_reply = say(
            article, ASHER, "Quietly cataloguing seagulls", parent=bella_top
        )
        discussion.cast_vote(comment_id=bella_top.pk, reader=ASHER, value=1)
        discussion.cast_vote(comment_id=bella_reply.pk, reader=ASHER, value=-1)
        discussion.cast_vote(comment_id=asher_top.pk, reader=BELLA, value=1)
        subscriptions.subscribe(
            email="asher@example.org", topic=f"article:{article.pk}"
        )
        subscriptions.subscribe(
            email="bella@example.org", topic=f"article:{article.pk}"
        )
    Rating.objects.create(
        article=article, reader_key=ASHER.key, stars=4, ip_hash="asherip"
    )
    Rating.objects.create(
        article=article, reader_key=BELLA.key, stars=2, ip_hash="bellaip"
    )
    Review.objects.update_or_create(
        comment=asher_alone,
        defaults={
            "queue": Review.Queue.APPROVED,
            "identity": "e:asher@example.org",
            "evidence": {"offensive": 0.91},
            "decision_reason": "Sharp but fair",
            "reasons": [{"code": "offensive", "message": "Strong words"}],
        },
    )
    Review.objects.update_or_create(
        comment=bella_top,
        defaults={
            "queue": Review.Queue.REPORTED,
            "identity": "e:bella@example.org",
            "evidence": {"links": 3},
            "report_count": 1,
        },
    )
    Standing.objects.update_or_create(
        identity="e:asher@example.org", defaults={"approved": 3}
    )
    Standing.objects.update_or_create(
        identity="e:bella@example.org", defaults={"approved": 2}
    )
    # Asher reported Bella's comment; Bella reported Asher's.
    Report.objects.create(
        comment=bella_top,
        reader_key=ASHER.key,
        address="asherip",
        reason="spam",
        note="Asher's note",
    )
    Report.objects.create(
        comment=asher_top, reader_key=BELLA.key, reason="abuse", note="Bella's note"
    )
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="asher@example.org", reason="Spam")
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="bella@example.org", reason="Rude")
    return Discussion(
        article=article,
        asher_top=asher_top,
        asher_alone=asher_alone,
        asher_reply=asher_reply,
        bella_top=bella_top,
        bella_reply=bella_reply,
    )


def privacy_link(message) -> str:
    """The path of the link in a privacy mail."""
    return next(
        urlsplit(url).path for url in links(body(message)) if "/privacy/data/" in url
    )


@pytest.fixture
def ask_for_link(submit, smtp_server):
    """Asks for a link for `email` through the page; returns the mailed path."""

    def ask(email: str = "asher@example.org") -> str:
        before = len(smtp_server.messages)
        response = submit("post", "/privacy/", {"email": email})
        assert response.status_code == 200
        assert len(smtp_server.messages) == before + 1
        return privacy_link(smtp_server.messages[-1])

    return ask
