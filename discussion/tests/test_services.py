"""The rules of a discussion, through the services every entry point uses."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from discussion import services
from discussion.models import Comment, Thread, Vote
from discussion.readers import Reader
from discussion.tests.fixtures import GUEST, guest, member

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Comment.objects.count(),
        Vote.objects.count(),
        list(Thread.objects.values_list("comment_count", "top_level_count", "version")),
    )


def test_guest_comment_is_stored_rendered_and_counted(article):
    reader = guest()

    comment = services.post_comment(
        article=article,
        reader=reader,
        body="  **Nice** information, see [this](https://www.reuters.com/world/)  ",
        website="https://asher.example.org",
        **GUEST,
    )

    assert Comment.objects.get() == comment
    assert comment.author_name == "Asher"
    assert comment.is_guest and comment.reader_key == reader.key
    assert (
        comment.body_source
        == "**Nice** information, see [this](https://www.reuters.com/world/)"
    )
    assert comment.body_html == (
        "<p><strong>Nice</strong> information, see "
        '<a href="https://www.reuters.com/world/" rel="nofollow ugc noopener">'
        "this</a></p>"
    )
    thread = Thread.objects.get(article_id=article.pk)
    assert (thread.comment_count, thread.top_level_count, thread.version) == (1, 1, 1)


def test_member_comment_uses_display_name_and_ignores_guest_fields(article):
    user = get_user_model().objects.create_user(
        "reader1", "r@example.org", "pw", display_name="Rita Reader"
    )

    comment = services.post_comment(
        article=article, reader=member(user), body="Hello", name="Admin", email="x"
    )

    assert comment.author_name == "Rita Reader"
    assert comment.guest_name == "" and comment.guest_email == ""
    assert not comment.is_staff_comment


def test_replies_nest_under_their_root_and_count(post):
    top = post("Top")
    reply = post("Reply", parent=top)
    deeper = post("Deeper", parent=reply)

    top.refresh_from_db()
    reply.refresh_from_db()
    assert (reply.root_id, reply.depth) == (top.pk, 1)
    assert (deeper.root_id, deeper.depth) == (top.pk, 2)
    assert (top.reply_count, top.descendant_count) == (1, 2)
    assert (reply.reply_count, reply.descendant_count) == (1, 0)
    thread = Thread.objects.get()
    assert (thread.comment_count, thread.top_level_count) == (3, 1)


def test_double_submitted_comment_is_stored_once(article):
    reader = guest()

    first = services.post_comment(
        article=article, reader=reader, body="Same words", **GUEST
    )
    second = services.post_comment(
        article=article, reader=reader, body="  same   WORDS ", **GUEST
    )

    assert first.pk == second.pk
    assert Comment.objects.count() == 1
    assert Thread.objects.get().comment_count == 1


@pytest.mark.parametrize("as_reply", [False, True])
@pytest.mark.parametrize("thread_remembered", [True, False])
def test_a_twin_found_only_by_the_database_is_not_counted_again(
    post, article, as_reply, thread_remembered
):
    # Another process stored the first copy: this one has no memory of the
    # recent post, and the check under the thread's lock must catch it (and undo
    # the counting it has already done on the thread row).
    reader = guest()
    parent = post("Top") if as_reply else None
    first = post("Same words", reader=reader, parent=parent)
    before = snapshot()
    thread_key = f"discussion:thread-of:{article.pk}"
    remembered = cache.get(thread_key)
    cache.clear()
    if thread_remembered:
        cache.set(thread_key, remembered, timeout=None)

    second = post("Same words", reader=reader, parent=parent)

    assert second.pk == first.pk
    assert snapshot() == before
    if parent:
        parent.refresh_from_db()
        assert (parent.reply_count, parent.descendant_count) == (1, 1)


def test_a_remembered_thread_of_another_article_is_not_trusted(
    post, article, make_article
):
    other = make_article("Another story")
    post("On the first article")
    first_thread = Thread.objects.get(article_id=article.pk)
    # A stale memory says the other article's thread is the first article's.
    cache.set(f"discussion:thread-of:{other.pk}", first_thread.pk, timeout=None)

    post("On the other article", on=other)

    first_thread.refresh_from_db()
    assert first_thread.comment_count == 1
    other_thread = Thread.objects.get(article_id=other.pk)
    assert other_thread.pk != first_thread.pk
    assert other_thread.comment_count == 1
    assert (
        Comment.objects.get(body_source="On the other article").thread == other_thread
    )


def test_a_resubmission_gets_the_stored_comment_even_at_the_rate_limit(
    post, settings, django_capture_on_commit_callbacks
):
    settings.DISCUSSION_POST_RATE = (1, 60)
    reader = guest()
    with django_capture_on_commit_callbacks(execute=True):
        first = post("Said once", reader=reader)
    before = snapshot()

    again = post("Said once", reader=reader)

    assert again.pk == first.pk
    assert snapshot() == before
    with pytest.raises(services.RateLimited):
        post("Something new", reader=reader)
    assert snapshot() == before


def test_same_words_from_two_readers_are_two_comments(article):
    services.post_comment(article=article, reader=guest(), body="Agreed", **GUEST)
    services.post_comment(article=article, reader=guest(), body="Agreed", **GUEST)

    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"body": ""}, {"body"}),
        ({"body": "   \n\t "}, {"body"}),
        ({"body": "x" * 5001}, {"body"}),
        ({"body": "nul \x00 here"}, {"body"}),
        ({"body": "bell \x07"}, {"body"}),
        ({"name": ""}, {"name"}),
        ({"name": "\u200b\u200b"}, {"name"}),
        ({"name": "n" * 51}, {"name"}),
        ({"name": "Admin"}, {"name"}),
        ({"name": "Аdmin"}, {"name"}),  # Cyrillic А
        ({"name": "mod\u200berator"}, {"name"}),
        ({"name": "Ada Quill"}, {"name"}),  # an author of the site
        ({"name": "ok\x00"}, {"name"}),
        ({"email": ""}, {"email"}),
        ({"email": "not-an-email"}, {"email"}),
        ({"website": "javascript:alert(1)"}, {"website"}),
        ({"website": "ftp://example.org"}, {"website"}),
        ({"email": "bad", "website": "nope"}, {"email", "website"}),
    ],
    ids=[
        "empty-body",
        "blank-body",
        "long-body",
        "nul-body",
        "control-body",
        "no-name",
        "zero-width-name",
        "long-name",
        "reserved-admin",
        "confusable-admin",
        "zero-width-moderator",
        "author-name",
        "nul-name",
        "no-email",
        "bad-email",
        "script-website",
        "ftp-website",
        "two-errors",
    ],
)
def test_bad_input_is_refused_with_field_messages_and_nothing_stored(
    article, author, fields, errors
):
    before = snapshot()
    values = {"body": "A fine comment", "name": "Asher", "email": "a@example.org"}
    values.update(fields)

    with pytest.raises(services.InvalidInput) as refusal:
        services.post_comment(article=article, reader=guest(), **values)

    assert set(refusal.value.errors) == errors
    assert all(refusal.value.errors.values())
    assert snapshot() == before


def test_body_of_exactly_the_limit_is_accepted(article, settings):
    comment = services.post_comment(
        article=article,
        reader=guest(),
        body="y" * settings.DISCUSSION_MAX_LENGTH,
        **GUEST,
    )

    assert len(comment.body_source) == settings.DISCUSSION_MAX_LENGTH


def test_parent_must_belong_to_the_same_article(make_article, post, article):
    elsewhere = post("On another article", on=make_article("Other"))
    before = snapshot()

    with pytest.raises(services.InvalidInput) as refusal:
        services.post_comment(
            article=article,
            reader=guest(),
            body="Reply",
            parent_id=elsewhere.pk,
            **GUEST,
        )

    assert "parent_id" in refusal.value.errors
    assert snapshot() == before


def test_missing_or_deleted_parent_is_refused(post, article):
    reader = guest()
    gone = post("To be deleted", reader=reader)
    services.delete_comment(comment_id=gone.pk, reader=reader)
    before = snapshot()

    for parent_id in (gone.pk, 999_999):
        with pytest.raises(services.InvalidInput):
            services.post_comment(
                article=article,
                reader=guest(),
                body="Reply",
                parent_id=parent_id,
                **GUEST,
            )

    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"comments_enabled": False}, "Comments are off"),
        ({"comments_closed": True}, "closed"),
    ],
)
def test_closed_or_disabled_discussions_refuse_comments(make_article, fields, message):
    article = make_article(**fields)
    before = snapshot()

    with pytest.raises(services.Closed) as refusal:
        services.post_comment(article=article, reader=guest(), body="Hi", **GUEST)

    assert message in str(refusal.value)
    assert snapshot() == before


def test_discussion_closes_by_itself_after_the_configured_days(make_article, settings):
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 30
    old = make_article(days_ago=31)
    fresh = make_article(days_ago=29)

    assert services.discussion_state(old) == "closed"
    assert services.discussion_state(fresh) == "open"
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 0
    assert services.discussion_state(old) == "open"


def test_posting_too_fast_is_rate_limited(article, settings):
    settings.DISCUSSION_POST_RATE = (2, 60)
    reader = guest()
    for n in range(2):
        services.post_comment(article=article, reader=reader, body=f"Post {n}", **GUEST)
    before = snapshot()

    with pytest.raises(services.RateLimited) as refusal:
        services.post_comment(article=article, reader=reader, body="Post 3", **GUEST)

    assert 1 <= refusal.value.retry_after <= 60
    assert refusal.value.status == 429
    assert snapshot() == before


def test_rate_limit_also_counts_per_ip_when_the_cookie_is_cleared(article, settings):
    settings.DISCUSSION_POST_RATE_PER_IP = (2, 60)
    for n in range(2):
        fresh_cookie = Reader(key=f"g:fresh{n}", ip_hash="same-ip")
        services.post_comment(
            article=article, reader=fresh_cookie, body=f"P{n}", **GUEST
        )

    with pytest.raises(services.RateLimited):
        services.post_comment(
            article=article,
            reader=Reader(key="g:fresh-again", ip_hash="same-ip"),
            body="P3",
            **GUEST,
        )
    assert Comment.objects.count() == 2


# --- edit and delete ---------------------------------------------------------------
def test_author_edits_within_the_window_and_gets_an_edited_mark(post):
    reader = guest()
    comment = post("Frist", reader=reader)

    edited = services.edit_comment(comment_id=comment.pk, reader=reader, body="First")

    assert edited.body_source == "First" and edited.body_html == "<p>First</p>"
    assert edited.edited_at is not None


def test_nobody_else_can_edit_or_delete(post):
    comment = post("Mine")
    before = snapshot()

    with pytest.raises(services.NotAllowed):
        services.edit_comment(comment_id=comment.pk, reader=guest(), body="Hijacked")
    with pytest.raises(services.NotAllowed):
        services.delete_comment(comment_id=comment.pk, reader=guest())

    comment.refresh_from_db()
    assert comment.body_source == "Mine" and not comment.is_deleted
    assert snapshot() == before


def test_edit_window_closes(post, settings):
    reader = guest()
    comment = post("Old words", reader=reader)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now()
        - timedelta(seconds=settings.DISCUSSION_EDIT_WINDOW + 1)
    )

    with pytest.raises(services.NotAllowed) as refusal:
        services.edit_comment(comment_id=comment.pk, reader=reader, body="New words")

    assert "first minutes" in str(refusal.value)
    comment.refresh_from_db()
    assert comment.body_source == "Old words"


def test_deleting_a_comment_without_replies_removes_it_from_counts(post):
    reader = guest()
    comment = post("Oops", reader=reader)

    services.delete_comment(comment_id=comment.pk, reader=reader)

    assert not Comment.objects.shown().exists()
    thread = Thread.objects.get()
    assert (thread.comment_count, thread.top_level_count) == (0, 0)


def test_deleted_comment_with_replies_stays_as_placeholder(post):
    reader = guest()
    top = post("Controversial", reader=reader)
    reply = post("I disagree", parent=top)

    services.delete_comment(comment_id=top.pk, reader=reader)

    top.refresh_from_db()
    assert top.is_deleted and top.body_html == "" and top.body_source == ""
    assert list(Comment.objects.shown().order_by("pk")) == [top, reply]
    thread = Thread.objects.get()
    assert (thread.comment_count, thread.top_level_count) == (1, 1)


def test_placeholder_goes_when_its_last_reply_is_deleted(post):
    top_reader, reply_reader = guest(), guest()
    top = post("Parent", reader=top_reader)
    reply = post("Only reply", reader=reply_reader, parent=top)
    services.delete_comment(comment_id=top.pk, reader=top_reader)

    services.delete_comment(comment_id=reply.pk, reader=reply_reader)

    assert not Comment.objects.shown().exists()
    thread = Thread.objects.get()
    assert (thread.comment_count, thread.top_level_count) == (0, 0)


# --- votes ---------------------------------------------------------------------------
def test_vote_up_again_removes_it_and_down_flips_it(post):
    comment = post()
    voter = guest()

    up = services.cast_vote(comment_id=comment.pk, reader=voter, value=1, toggle=True)
    again = services.cast_vote(
        comment_id=comment.pk, reader=voter, value=1, toggle=True
    )
    down = services.cast_vote(
        comment_id=comment.pk, reader=voter, value=-1, toggle=True
    )
    flip = services.cast_vote(comment_id=comment.pk, reader=voter, value=1, toggle=True)

    assert (up.up, up.down, up.score) == (1, 0, 1)
    assert (again.up, again.down, again.score) == (0, 0, 0)
    assert (down.up, down.down, down.score) == (0, 1, -1)
    assert (flip.up, flip.down, flip.score) == (1, 0, 1)
    assert Vote.objects.get().value == 1


def test_absolute_vote_values_for_the_api(post):
    comment = post()
    voter = guest()

    services.cast_vote(comment_id=comment.pk, reader=voter, value=1)
    same = services.cast_vote(comment_id=comment.pk, reader=voter, value=1)
    cleared = services.cast_vote(comment_id=comment.pk, reader=voter, value=0)

    assert (same.up, same.score) == (1, 1)
    assert (cleared.up, cleared.down, cleared.score) == (0, 0, 0)
    assert not Vote.objects.exists()


def test_one_vote_per_reader_many_readers_add_up(post):
    comment = post()

    for n in range(5):
        services.cast_vote(
            comment_id=comment.pk, reader=guest(), value=1 if n < 3 else -1
        )

    comment.refresh_from_db()
    assert (comment.up, comment.down, comment.score) == (3, 2, 1)


def test_no_voting_on_own_comment(post):
    reader = guest()
    comment = post(reader=reader)

    with pytest.raises(services.NotAllowed):
        services.cast_vote(comment_id=comment.pk, reader=reader, value=1)

    comment.refresh_from_db()
    assert (comment.up, Vote.objects.count()) == (0, 0)


@pytest.mark.parametrize("value", [2, -2, 5])
def test_vote_value_must_be_one_of_three(post, value):
    comment = post()

    with pytest.raises(services.InvalidInput):
        services.cast_vote(comment_id=comment.pk, reader=guest(), value=value)

    assert not Vote.objects.exists()


def test_voting_on_deleted_or_missing_comment_is_404(post):
    reader = guest()
    comment = post(reader=reader)
    services.delete_comment(comment_id=comment.pk, reader=reader)

    for comment_id in (comment.pk, 999_999):
        with pytest.raises(services.NotFound):
            services.cast_vote(comment_id=comment_id, reader=guest(), value=1)
    assert not Vote.objects.exists()


def test_a_comment_deleted_while_a_vote_waits_is_not_voted_on(post, monkeypatch):
    # given a vote that passed the first look, and a delete committed meanwhile
    author = guest()
    comment = post("Soon gone", reader=author)
    count_the_vote = services._check_rate

    def delete_meanwhile(action, reader):
        count_the_vote(action, reader)
        services.delete_comment(comment_id=comment.pk, reader=author)

    monkeypatch.setattr(services, "_check_rate", delete_meanwhile)
    # when
    with pytest.raises(services.NotFound):
        services.cast_vote(comment_id=comment.pk, reader=guest(), value=1)
    # then: asked again under the lock, nothing was counted
    assert not Vote.objects.exists()
    comment.refresh_from_db()
    assert (comment.up, comment.down, comment.score) == (0, 0, 0)


def test_vote_returns_the_counts_it_made(post):
    comment = post()
    services.cast_vote(comment_id=comment.pk, reader=guest(), value=1)

    after = services.cast_vote(comment_id=comment.pk, reader=guest(), value=-1)

    stored = Comment.objects.get(pk=comment.pk)
    assert (
        (after.up, after.down, after.score)
        == (stored.up, stored.down, 0)
        == (
            1,
            1,
            0,
        )
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("<script>alert(1)</script>", "Names cannot contain < or >."),
        ("Ann <b>", "Names cannot contain < or >."),
        ("x > y", "Names cannot contain < or >."),
    ],
    ids=["script", "tag", "arrow"],
)
def test_names_made_of_markup_are_refused(article, name, message):
    before = snapshot()

    with pytest.raises(services.InvalidInput) as refusal:
        services.post_comment(
            article=article, reader=guest(), body="Hi", name=name, email="a@b.org"
        )

    assert refusal.value.errors == {"name": message}
    assert snapshot() == before


def test_website_may_be_http_or_https_and_the_message_says_so(article):
    comment = services.post_comment(
        article=article, reader=guest(), body="Hi", website="http://a.example", **GUEST
    )
    assert comment.guest_website == "http://a.example"

    with pytest.raises(services.InvalidInput) as refusal:
        services.post_comment(
            article=article, reader=guest(), body="Yo", website="a.example", **GUEST
        )
    assert refusal.value.errors["website"] == (
        "Enter a full web address starting with http:// or https://."
    )
