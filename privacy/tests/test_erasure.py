"""Erasure in the corners: held comments, chains of one's own replies, comments
about passages, two clicks at once; and the export's cost does not grow with
the number of comments."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from discussion import services as discussion
from discussion.models import Comment, Thread
from privacy import services
from privacy.models import LinkRequest

from .conftest import ASHER, BELLA, say
from .test_flow import counted_as_stored, counted_from_rows

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def link_for(email: str) -> str:
    """A link as the mail would carry it (without the mail)."""
    link = LinkRequest.objects.create(digest=services._digest(email), nonce="n" * 32)
    return services.make_token(email, link.nonce)


@pytest.fixture
def tangle(article):
    """Asher answering himself three deep under Bella's comment, Bella answering
    the deepest; a held comment of Asher's, and one he deleted himself."""
    bella = say(article, BELLA, "Bella opens")
    a1 = say(article, ASHER, "Asher one", parent=bella)
    a2 = say(article, ASHER, "Asher two", parent=a1)
    a3 = say(article, ASHER, "Asher three", parent=a2)
    b_deep = say(article, BELLA, "Bella deep", parent=a3)
    held = say(article, ASHER, "Asher held for review")
    discussion.withdraw_comment(comment_id=held.pk, state="pending")
    lone = say(article, ASHER, "Asher deleted this")
    discussion.delete_comment(comment_id=lone.pk, reader=ASHER)
    other = say(article, BELLA, "Bella elsewhere")
    return {
        "bella": bella,
        "a1": a1,
        "a2": a2,
        "a3": a3,
        "b_deep": b_deep,
        "held": held,
        "lone": lone,
        "other": other,
    }


def test_removing_a_chain_keeps_the_path_to_others_replies(tangle):
    assert counted_as_stored() == counted_from_rows()
    published = Thread.objects.get().comment_count

    done = services.erase(token=link_for("asher@example.org"), mode="remove")

    assert done.comments == 5
    # a1, a2 and a3 hold the way down to Bella's deep reply.
    assert done.placeholders == 3
    assert counted_as_stored() == counted_from_rows()
    assert Thread.objects.get().comment_count == published - 3
    shown = list(Comment.objects.shown().order_by("pk"))
    assert [c.pk for c in shown] == [
        tangle["bella"].pk,
        tangle["a1"].pk,
        tangle["a2"].pk,
        tangle["a3"].pk,
        tangle["b_deep"].pk,
        tangle["other"].pk,
    ]
    for key in ("a1", "a2", "a3", "held", "lone"):
        comment = Comment.objects.get(pk=tangle[key].pk)
        assert comment.is_placeholder and comment.body_source == ""
    assert Comment.objects.get(pk=tangle["b_deep"].pk).body_source == "Bella deep"


def test_anonymising_keeps_counts_and_held_comments_stay_held(tangle):
    counts = counted_as_stored()

    services.erase(token=link_for("asher@example.org"), mode="anonymise")

    assert counted_as_stored() == counts == counted_from_rows()
    held = Comment.objects.get(pk=tangle["held"].pk)
    assert (held.state, held.guest_name, held.guest_email) == (
        "pending",
        "Former reader",
        "",
    )
    # Nobody's browser owns it any more: not even its author sees it now.
    assert not Comment.objects.seen_only_by(ASHER.key).exists()


def test_a_comment_about_a_passage_leaves_its_count(article):
    from discussion import anchoring

    blocks, _ = discussion.live_block_texts(article.pk)
    block_id, text = next(iter(blocks.items()))
    anchor = anchoring.anchor_at(text, 0, len(text.split()[0]), block_id)
    comment = discussion.post_comment(
        article=article,
        reader=ASHER,
        body="About these words",
        passage=anchor,
        name="Asher Quill",
        email="asher@example.org",
    )
    passage = comment.passage
    assert passage.comment_count == 1

    services.erase(token=link_for("asher@example.org"), mode="remove")

    passage.refresh_from_db()
    assert passage.comment_count == 0


def test_the_export_costs_the_same_for_three_comments_or_forty(
    article, django_assert_max_num_queries, settings
):
    settings.DISCUSSION_POST_RATE = settings.DISCUSSION_POST_RATE_PER_IP = (100, 60)
    settings.DISCUSSION_DUPLICATE_WINDOW = 0
    for n in range(3):
        say(article, ASHER, f"Early word {n}")
    person = services.check_link(token=link_for("asher@example.org"))
    with django_assert_max_num_queries(20) as few:
        services.export(person)
    for n in range(37):
        say(article, ASHER, f"Later word {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = services.export(person)
    assert len(data["comments"]) == 40


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_erase_once(make_article):
    article = make_article("Raced")
    say(article, ASHER, "Asher races")
    say(article, BELLA, "Bella watches")
    token = link_for("asher@example.org")
    outcomes = []
    barrier = threading.Barrier(2)

    def click():
        from django.db import connections

        barrier.wait()
        try:
            outcomes.append(services.erase(token=token, mode="remove").comments)
        except services.LinkFailed as failure:
            outcomes.append(failure.reason)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) == [1, "used"]
    assert Thread.objects.get().comment_count == 1
    assert counted_as_stored() == counted_from_rows()
