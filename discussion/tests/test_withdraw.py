"""Hiding and showing comments (what moderation calls): exact counters, placeholders
that hold replies, and nothing of a hidden comment's words on any page."""

import pytest
from bs4 import BeautifulSoup

from discussion import services
from discussion.models import Comment, Thread
from discussion.reading import discussion_page
from discussion.tests.fixtures import guest

pytestmark = pytest.mark.django_db


def counters():
    """Everything counted about the discussion, as stored."""
    thread = Thread.objects.get()
    comments = Comment.objects.order_by("pk").values_list(
        "pk", "reply_count", "descendant_count"
    )
    return (thread.comment_count, thread.top_level_count), list(comments)


def counters_from_scratch():
    """The same numbers as a reader would count them on the page."""
    shown = set(Comment.objects.shown().values_list("pk", flat=True))
    live = Comment.objects.filter(state=Comment.State.PUBLISHED, is_deleted=False)
    rows = []
    for c in Comment.objects.order_by("pk"):
        replies = Comment.objects.filter(parent=c, pk__in=shown).count()
        below = (
            Comment.objects.filter(root=c, pk__in=shown).count() if not c.root_id else 0
        )
        rows.append((c.pk, replies, below))
    top = Comment.objects.filter(parent__isnull=True, pk__in=shown).count()
    return (live.count(), top), rows


@pytest.fixture
def conversation(post):
    """top ← reply ← deeper, plus a second top-level comment."""
    top = post("Top")
    reply = post("Reply", parent=top)
    deeper = post("Deeper", parent=reply)
    other = post("Another thread")
    return top, reply, deeper, other


@pytest.mark.parametrize("state", ["pending", "spam", "removed"])
def test_withdrawn_leaf_disappears_and_is_uncounted(conversation, state):
    top, reply, deeper, other = conversation

    services.withdraw_comment(comment_id=deeper.pk, state=state)

    deeper.refresh_from_db()
    assert deeper.state == state and deeper.body_source == "Deeper"  # kept
    assert deeper.pk not in Comment.objects.shown().values_list("pk", flat=True)
    assert counters() == counters_from_scratch()
    assert counters()[0] == (3, 2)


def test_withdrawn_comment_with_replies_stays_as_a_placeholder(client, conversation):
    top, reply, deeper, other = conversation

    services.withdraw_comment(comment_id=reply.pk, state="removed")

    assert counters() == counters_from_scratch()
    assert counters()[0] == (3, 2)
    page = discussion_page(Thread.objects.get(), sort="oldest")
    (first, _) = page.conversations
    shown = [c.pk for c in first.replies_to(top)]
    assert shown == [reply.pk]
    html = client.get(top.thread.article.url).content.decode()
    node = BeautifulSoup(html, "html.parser").select_one(f"#comment-{reply.pk}")
    assert "Comment removed by a moderator" in node.get_text()
    assert "Reply" not in node.select_one(".comment__box").get_text()
    assert "Deeper" in html  # its reply is still there


def test_a_hidden_comment_says_nothing_in_the_api(client, conversation):
    top, reply, deeper, other = conversation
    services.withdraw_comment(comment_id=reply.pk, state="spam")

    data = client.get(f"/api/v1/articles/{top.thread.article_id}/comments").json()

    (node,) = data["comments"][0]["replies"]
    assert node["id"] == reply.pk
    assert node["deleted"] is True and node["html"] == "" and node["author"] is None


def test_restore_puts_everything_back_exactly(conversation):
    before = counters()
    top, reply, deeper, other = conversation

    services.withdraw_comment(comment_id=deeper.pk, state="pending")
    services.withdraw_comment(comment_id=reply.pk, state="pending")
    services.withdraw_comment(comment_id=top.pk, state="removed")
    # Nothing under "top" is shown any more, so it is gone too.
    assert counters()[0] == (1, 1)
    assert counters() == counters_from_scratch()

    services.restore_comment(comment_id=reply.pk)
    assert counters() == counters_from_scratch()
    assert counters()[0] == (2, 2)  # top is back as a placeholder holding reply
    services.restore_comment(comment_id=top.pk)
    services.restore_comment(comment_id=deeper.pk)

    assert counters() == before


def test_withdrawing_a_deleted_placeholder_reply_tree_keeps_counts(post):
    author = guest()
    top = post("Top")
    reply = post("Reply", parent=top, reader=author)
    post("Deeper", parent=reply)
    services.delete_comment(comment_id=reply.pk, reader=author)  # a placeholder now

    services.withdraw_comment(comment_id=top.pk, state="removed")
    services.restore_comment(comment_id=top.pk)

    assert counters() == counters_from_scratch()


def test_withdraw_twice_or_restore_a_published_comment_changes_nothing(conversation):
    top, reply, deeper, other = conversation
    services.withdraw_comment(comment_id=deeper.pk, state="pending")
    before = counters()

    services.withdraw_comment(comment_id=deeper.pk, state="spam")  # re-classified
    services.restore_comment(comment_id=other.pk)  # already published

    assert counters() == before
    assert Comment.objects.get(pk=deeper.pk).state == "spam"


def test_withdraw_refuses_unknown_states_and_comments(conversation):
    top, *_ = conversation
    before = counters()

    with pytest.raises(services.InvalidInput):
        services.withdraw_comment(comment_id=top.pk, state="published")
    with pytest.raises(services.NotFound):
        services.withdraw_comment(comment_id=999_999, state="spam")
    with pytest.raises(services.NotFound):
        services.restore_comment(comment_id=999_999)

    assert counters() == before
    assert Comment.objects.get(pk=top.pk).state == "published"


def test_hidden_comments_cannot_be_voted_on_or_replied_to(post, conversation):
    top, reply, deeper, other = conversation
    services.withdraw_comment(comment_id=reply.pk, state="pending")

    with pytest.raises(services.NotFound):
        services.cast_vote(comment_id=reply.pk, reader=guest(), value=1)
    with pytest.raises(services.InvalidInput):
        post("Answer", parent=reply)

    assert Comment.objects.get(pk=reply.pk).up == 0
    assert counters() == counters_from_scratch()


def test_more_replies_of_a_hidden_conversation_is_404(client, conversation):
    top, reply, deeper, other = conversation
    services.withdraw_comment(comment_id=deeper.pk, state="pending")
    services.withdraw_comment(comment_id=reply.pk, state="pending")
    services.withdraw_comment(comment_id=top.pk, state="pending")

    for comment in (top, reply, deeper):
        response = client.get(f"/discussion/comments/{comment.pk}/replies/")
        assert response.status_code == 404
        assert "Reply" not in response.content.decode()

    visible = client.get(f"/discussion/comments/{other.pk}/replies/")
    assert visible.status_code == 200 and "Another thread" in visible.content.decode()
