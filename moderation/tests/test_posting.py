"""Moderation on posting: modes, held and hidden comments, bans, trust, reports
and moderators' decisions, as readers and moderators meet them."""

from __future__ import annotations

import json
from collections import deque
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.test import Client, RequestFactory
from django.utils import timezone

from discussion import services as discussion
from discussion.models import Comment, Thread
from discussion.readers import READER_COOKIE, RECENT_COOKIE
from discussion.reading import shown_count
from discussion.tests.fixtures import guest, member
from discussion.tests.test_api import GOOD, comments_url, post_json
from discussion.tests.test_pages import form, post_url
from moderation import services
from moderation.models import Action, Ban, Report, Review, Standing
from subscriptions.models import Address, Event, Subscription

pytestmark = pytest.mark.django_db

ABUSE = "Keep writing about us, journalist: we know where you live."
# Held whatever the mode: a newcomer's link to a site nobody vouched for.
UNTRUSTED_LINK = "Read this first: https://cheap-pills.example/deal"


def api_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.defaults["HTTP_X_CSRFTOKEN"] = client.get("/api/v1/csrf").json()[
        "csrf_token"
    ]
    return client


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def public_views(client: Client, article) -> dict[str, str]:
    """Everything a reader can fetch about the article's discussion."""
    thread = Thread.objects.filter(article_id=article.pk).first()
    return {
        "page": client.get(article.url).content.decode(),
        "api": client.get(comments_url(article)).content.decode(),
        "poll": client.get(f"/discussion/articles/{article.pk}/poll/").content.decode()
        if thread
        else "",
        "more": client.get(
            f"/discussion/articles/{article.pk}/comments/more/"
        ).content.decode(),
    }


def thread_counts(article) -> tuple[int, int]:
    thread = Thread.objects.get(article_id=article.pk)
    return thread.comment_count, thread.top_level_count


@pytest.fixture
def moderator(db):
    user = get_user_model().objects.create_user(
        username="mona", email="mona@example.org", password="pw", is_staff=True
    )
    group, _ = Group.objects.get_or_create(name=services.MODERATORS_GROUP)
    user.groups.add(group)
    client = api_client()
    client.force_login(user)
    client.defaults["HTTP_X_CSRFTOKEN"] = client.get("/api/v1/csrf").json()[
        "csrf_token"
    ]
    client.user = user
    return client


def decide(client, comment, action, reason=""):
    return post_json(
        client,
        f"/api/v1/moderation/comments/{comment.pk}",
        {"action": action, "reason": reason},
    )


# --- modes ----------------------------------------------------------------------------
def test_in_pre_moderation_a_comment_waits_unseen_and_appears_once_approved(
    settings, article, moderator, django_capture_on_commit_callbacks
):
    settings.DISCUSSION_MODERATION = "pre"
    author, stranger = api_client(), Client()
    stranger.get(article.url)  # the page is cached before the comment comes
    Subscription.objects.create(  # someone follows the article
        address=Address.objects.create(
            email="follower@example.org", confirmed_at=timezone.now()
        ),
        topic=f"article:{article.pk}",
        confirmed_at=timezone.now(),
    )

    response = post_json(
        author, comments_url(article), {**GOOD, "body": "A held thought"}
    )

    assert response.status_code == 202
    assert response.json()["state"] == "pending"
    assert "read by a moderator" in response.json()["detail"]
    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING
    assert thread_counts(article) == (0, 0)
    for name, text in public_views(stranger, article).items():
        assert "A held thought" not in text, name
    assert json.loads(public_views(stranger, article)["poll"])["count"] == 0
    assert not Event.objects.filter(kind="comment.visible").exists()
    own = author.get(comments_url(article)).json()["comments"]
    assert [(c["id"], c["state"]) for c in own] == [(comment.pk, "pending")]
    review = Review.objects.get(comment=comment)
    assert (review.queue, review.reasons[-1]["code"]) == ("pending", "pre_moderation")

    with django_capture_on_commit_callbacks(execute=True):
        assert decide(moderator, comment, "approve").status_code == 200

    assert thread_counts(article) == (1, 1)
    for name in ("page", "api"):
        assert "A held thought" in public_views(stranger, article)[name], name
    assert Event.objects.filter(key=f"comment.visible:{comment.pk}").exists()
    assert Review.objects.get(comment=comment).queue == "approved"
    assert Action.objects.get().action == "approve"


def test_the_author_without_javascript_is_told_and_finds_it_on_the_page(
    settings, client, article
):
    settings.DISCUSSION_MODERATION = "pre"

    response = client.post(post_url(article), form(body="Waiting for a look"))

    assert response.status_code == 202
    assert "awaits moderation" in response.content.decode()
    assert "read by a moderator before it appears" in response.content.decode()
    page = soup(client.get(article.url))
    comment = Comment.objects.get()
    node = page.select_one(f"#comment-{comment.pk}")
    assert "Waiting for a look" in node.get_text()
    assert "Awaiting moderation" in node.select_one(".comment__held").get_text()
    assert node.select_one(".comment__reply") is None
    # Another browser sees nothing of it.
    assert "Waiting for a look" not in Client().get(article.url).content.decode()


def test_the_author_finds_a_held_comment_in_the_loaded_pages_and_replies_too(
    settings, client, article, post
):
    # given two published comments, pages of one comment, no reply shown before
    # "View all replies", and a reader whose comment and reply are held
    settings.DISCUSSION_PAGE_SIZE = 1
    settings.DISCUSSION_REPLIES_SHOWN = 0
    first = post("The first")
    post("The second")
    settings.DISCUSSION_MODERATION = "pre"
    client.post(post_url(article), form(body="My held reply", parent_id=first.pk))
    client.post(post_url(article), form(body="My held comment"))
    assert Comment.objects.filter(state=Comment.State.PENDING).count() == 2
    stranger = Client()
    more = f"/discussion/articles/{article.pk}/comments/more/?sort=newest"
    replies = f"/discussion/comments/{first.pk}/replies/"

    # when both load the next page of comments and all replies
    mine = [client.get(url).content.decode() for url in (more, replies)]
    theirs = [stranger.get(url).content.decode() for url in (more, replies)]

    # then the author sees their own, marked as waiting; nobody else does
    assert all(client.get(url).status_code == 200 for url in (more, replies))
    assert "My held comment" in mine[0] and "Awaiting moderation" in mine[0]
    assert "My held reply" in mine[1] and "Awaiting moderation" in mine[1]
    assert "The second" in theirs[0]
    assert not any("My held" in text for text in theirs)


def test_a_held_reply_is_counted_nowhere_until_approved(settings, article, post):
    parent = post("First")
    settings.DISCUSSION_MODERATION = "pre"
    reply = post("A reply", parent=parent)

    parent.refresh_from_db()
    assert (parent.reply_count, parent.descendant_count) == (0, 0)
    assert thread_counts(article) == (1, 1)

    discussion.restore_comment(comment_id=reply.pk)

    parent.refresh_from_db()
    assert (parent.reply_count, parent.descendant_count) == (1, 1)
    assert thread_counts(article) == (2, 1)


def test_newcomers_are_held_until_they_have_an_approved_comment(
    settings, article, moderator
):
    settings.DISCUSSION_MODERATION = "newcomers"
    user = get_user_model().objects.create_user(
        username="nadia",
        email="nadia@example.org",
        password="pw",
        email_verified_at=timezone.now(),
    )
    first = discussion.post_comment(
        article=article, reader=member(user), body="My first comment here"
    )
    assert first.state == Comment.State.PENDING

    decide(moderator, first, "approve")
    second = discussion.post_comment(
        article=article, reader=member(user), body="And a second one"
    )

    assert second.state == Comment.State.PUBLISHED
    assert Standing.objects.get(identity=f"u:{user.pk}").approved == 2


def test_a_guest_stays_a_newcomer_until_their_address_is_confirmed(
    settings, article, post
):
    settings.DISCUSSION_MODERATION = "newcomers"
    Standing.objects.create(identity="e:asher@example.org", approved=5)

    unconfirmed = post("Someone typing Asher's address")
    Address.objects.create(email="asher@example.org", confirmed_at=timezone.now())
    confirmed = post("Asher, who proved the address is theirs")

    assert unconfirmed.state == Comment.State.PENDING
    assert confirmed.state == Comment.State.PUBLISHED


def test_in_post_mode_the_checks_hold_what_they_doubt(article, post):
    held = post(UNTRUSTED_LINK)
    plain = post("A fair point about the council's budget.")

    assert (held.state, plain.state) == ("pending", "published")
    review = Review.objects.get(comment=held)
    assert review.queue == "pending"
    assert "link" in " ".join(r["code"] for r in review.reasons)
    assert not Review.objects.filter(comment=plain).exists()


# --- refusals -------------------------------------------------------------------------
def test_a_refused_comment_is_a_400_with_a_reason_and_nothing_is_stored(api, article):
    response = post_json(api, comments_url(article), {**GOOD, "body": ABUSE})

    assert response.status_code == 400
    message = response.json()["errors"]["body"]
    assert "where you live" not in message.lower() and len(message) > 20
    assert not Comment.objects.exists()
    assert not Review.objects.exists()


def test_an_edit_into_abuse_is_refused_and_into_doubt_is_held(api, article):
    created = post_json(api, comments_url(article), GOOD).json()
    url = f"/api/v1/comments/{created['id']}"

    refused = api.patch(
        url, json.dumps({"body": ABUSE}), content_type="application/json"
    )
    comment = Comment.objects.get()
    assert refused.status_code == 400
    assert comment.body_source == GOOD["body"]
    assert comment.state == Comment.State.PUBLISHED

    held = api.patch(
        url, json.dumps({"body": UNTRUSTED_LINK}), content_type="application/json"
    )
    comment.refresh_from_db()
    assert held.status_code == 200
    assert comment.state == Comment.State.PENDING
    assert thread_counts(article) == (0, 0)
    assert UNTRUSTED_LINK.split()[-1] not in Client().get(article.url).content.decode()


@pytest.mark.parametrize(
    "kind, value",
    [
        ("email", "asher@example.org"),
        ("ip", "ip-banned"),
    ],
    ids=["by-email", "by-ip"],
)
def test_a_banned_reader_is_refused_and_nothing_is_stored(article, kind, value):
    Ban.objects.create(kind=kind, value=value, reason="Threats")
    reader = discussion.Reader(key="g:banned", ip_hash="ip-banned")

    with pytest.raises(discussion.Refused) as refused:
        discussion.post_comment(
            article=article,
            reader=reader,
            body="Let me in",
            **{"name": "Asher", "email": "Asher@Example.org"},
        )

    assert refused.value.errors["body"] == services.BANNED_MESSAGE
    assert not Comment.objects.exists()


def test_an_expired_or_lifted_ban_no_longer_applies(article, post):
    Ban.objects.create(
        kind="email",
        value="asher@example.org",
        until=timezone.now() - timedelta(minutes=1),
    )
    Ban.objects.create(
        kind="email", value="asher@example.org", lifted_at=timezone.now()
    )

    assert post("Back again").state == Comment.State.PUBLISHED


def test_a_shadow_banned_reader_sees_their_comment_published_and_nobody_else_does(
    article,
):
    Ban.objects.create(kind="email", value="asher@example.org", shadow=True)
    author, stranger = api_client(), Client()

    response = post_json(author, comments_url(article), {**GOOD, "body": "Hear me"})

    assert response.status_code == 201
    assert response.json()["state"] == "published"
    comment = Comment.objects.get()
    assert comment.state == Comment.State.HIDDEN
    own = author.get(comments_url(article)).json()["comments"]
    assert [(c["id"], c["state"]) for c in own] == [(comment.pk, "published")]
    for name, text in public_views(stranger, article).items():
        assert "Hear me" not in text, name
    assert thread_counts(article) == (0, 0)
    assert Review.objects.get(comment=comment).hidden
    assert not Event.objects.filter(kind="comment.visible").exists()


def test_a_shadow_banned_reader_can_answer_their_own_comment_and_nobody_sees_it(
    article,
):
    Ban.objects.create(kind="email", value="asher@example.org", shadow=True)
    author, stranger = api_client(), api_client()
    first = post_json(author, comments_url(article), {**GOOD, "body": "Hear me"})

    answer = {**GOOD, "body": "And another thing", "parent_id": first.json()["id"]}
    reply = post_json(author, comments_url(article), answer)
    # someone else may not answer what they cannot see
    other = {**answer, "name": "Beth", "email": "beth@example.org"}
    refused = post_json(stranger, comments_url(article), other)

    assert reply.status_code == 201
    assert reply.json()["state"] == "published"
    assert refused.status_code == 400
    assert "parent_id" in refused.json()["errors"]
    assert list(Comment.objects.values_list("body_source", "state", "depth")) == [
        ("Hear me", "hidden", 0),
        ("And another thing", "hidden", 1),
    ]
    assert thread_counts(article) == (0, 0)
    for name, text in public_views(Client(), article).items():
        assert "another thing" not in text, name
    # and what they see counts what they see, as it would if it were published
    own = author.get(comments_url(article)).json()
    assert own["count"] == 2
    assert [c["reply_count"] for c in own["comments"]] == [1]
    author.cookies[RECENT_COOKIE] = "1"  # as the page's form sets it after posting
    page = soup(author.get(article.url))
    assert page.select_one("#comments-heading").get_text() == "2 Comments"
    public = Client().get(comments_url(article)).json()
    assert (public["count"], public["comments"]) == (0, [])


def counts_seen(client: Client, article) -> dict[str, object]:
    """The comment counts a reader is shown outside the discussion section."""
    page = soup(client.get(article.url))
    byline = page.select_one(".byline__comments")
    (json_ld,) = [
        data
        for tag in page.select('script[type="application/ld+json"]')
        if (data := json.loads(tag.string)).get("@type") == "NewsArticle"
    ]
    listing = soup(client.get(article.get_parent().url))
    teaser = listing.select_one(f'.byline__comments[href^="{article.url}"]')
    return {
        "byline": byline.get_text() if byline else None,
        "json-ld": json_ld["commentCount"],
        "poll": client.get(f"/discussion/articles/{article.pk}/poll/").json()["count"],
        "teaser": teaser.get_text() if teaser else None,
    }


def test_a_shadow_banned_reader_is_shown_counts_that_include_their_own_comments(
    article, django_assert_num_queries
):
    post_json(
        api_client(),
        comments_url(article),
        {**GOOD, "name": "Beth", "email": "beth@example.org", "body": "Seen by all"},
    )
    Ban.objects.create(kind="email", value="asher@example.org", shadow=True)
    services.forget_bans()  # a ban made after the first comment
    author, stranger = api_client(), Client()
    post_json(author, comments_url(article), {**GOOD, "body": "Hear me"})
    post_json(author, comments_url(article), {**GOOD, "body": "Hear me again"})
    author.cookies[RECENT_COOKIE] = "1"  # as the page's form sets it after posting

    assert counts_seen(author, article) == {
        "byline": "3 comments",
        "json-ld": 3,
        "poll": 3,
        "teaser": "3 comments",
    }
    assert counts_seen(stranger, article) == {
        "byline": "1 comment",
        "json-ld": 1,
        "poll": 1,
        "teaser": "1 comment",
    }
    assert thread_counts(article) == (1, 1)
    # a listing of many articles asks once for the reader's hidden comments
    thread = Thread.objects.get(article_id=article.pk)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.COOKIES = {
        RECENT_COOKIE: "1",
        READER_COOKIE: author.cookies[READER_COOKIE].value,
    }
    with django_assert_num_queries(1):
        assert [shown_count(request, thread) for _ in range(5)] == [3] * 5


def test_recent_bodies_are_read_once_then_only_the_new_ones(
    settings, monkeypatch, post, django_assert_num_queries
):
    settings.MODERATION_RECENT_MEMO_SECONDS = 60
    monkeypatch.setattr(services, "_recent", services._Recent(rows=deque()))
    first, second = post("First words"), post("Second words")
    assert services.recent_bodies() == ["Second words", "First words"]

    third = post("Third words")
    with django_assert_num_queries(1):  # only what is newer than the last seen
        newest = services.recent_bodies(exclude=third.pk)
    with django_assert_num_queries(1):
        latest_two = services.recent_bodies(limit=2)

    assert newest == ["Second words", "First words"]
    assert latest_two == ["Third words", "Second words"]
    assert {first.pk, second.pk, third.pk} == set(
        Comment.objects.values_list("pk", flat=True)
    )


def test_a_trusted_reader_skips_the_holds_but_not_the_refusals(settings, article, post):
    settings.DISCUSSION_MODERATION = "pre"
    Standing.objects.create(identity="e:asher@example.org", trusted=True)
    Address.objects.create(email="asher@example.org", confirmed_at=timezone.now())

    published = post(UNTRUSTED_LINK)
    with pytest.raises(discussion.Refused):
        post(ABUSE)

    assert published.state == Comment.State.PUBLISHED
    assert Review.objects.get(comment=published).queue == "reported"  # flagged
    assert Comment.objects.count() == 1


# --- moderators -----------------------------------------------------------------------
def test_only_moderators_may_decide_and_a_refusal_changes_nothing(article, post):
    comment = post("Somebody's words")
    reader = api_client()
    staff = api_client()
    staff_user = get_user_model().objects.create_user(
        username="ed", password="pw", is_staff=True
    )
    staff.force_login(staff_user)
    staff.defaults["HTTP_X_CSRFTOKEN"] = staff.get("/api/v1/csrf").json()["csrf_token"]

    for client in (reader, staff):
        assert decide(client, comment, "reject").status_code == 403

    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED
    assert not Action.objects.exists() and not Review.objects.exists()


def test_a_rejection_keeps_its_reason_cleaned_and_counts_against_the_author(
    article, post, moderator
):
    comment = post("Off-topic advertising")

    response = decide(
        moderator, comment, "reject", "Advertising\u202e <script>alert(1)</script>"
    )

    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.state == Comment.State.REMOVED
    assert thread_counts(article) == (0, 0)
    review = Review.objects.get(comment=comment)
    assert review.decision_reason == "Advertising <script>alert(1)</script>"
    assert review.decided_by == moderator.user
    assert Standing.objects.get(identity="e:asher@example.org").rejected == 1
    log = Action.objects.get()
    assert (log.action, log.moderator, log.reason) == (
        "reject",
        moderator.user,
        review.decision_reason,
    )


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"action": "delete"}, 422),
        ({"action": "reject", "reason": "x" * 501}, 400),
        ({"action": "reject", "extra": 1}, 422),
    ],
    ids=["unknown-action", "long-reason", "unknown-field"],
)
def test_bad_decisions_are_a_4xx_and_change_nothing(
    article, post, moderator, payload, status
):
    comment = post("Words")

    response = post_json(
        moderator, f"/api/v1/moderation/comments/{comment.pk}", payload
    )

    assert response.status_code == status
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED
    assert not Action.objects.exists()


def test_a_decision_on_a_missing_comment_is_a_404(moderator, db):
    assert decide(moderator, Comment(pk=999), "approve").status_code == 404
    assert not Action.objects.exists()


def test_a_pinned_comment_opens_the_first_page_only(
    settings, article, post, moderator, django_capture_on_commit_callbacks
):
    settings.DISCUSSION_PAGE_SIZE = 2
    comments = [post(f"Comment number {n}") for n in range(5)]
    decide(moderator, comments[3], "pin")

    first = Client().get(comments_url(article), {"limit": 2}).json()
    ids = [c["id"] for c in first["comments"]]
    rest = (
        Client()
        .get(comments_url(article), {"limit": 10, "cursor": first["next"]})
        .json()
    )

    assert ids == [comments[3].pk, comments[0].pk, comments[1].pk]
    assert [c["id"] for c in rest["comments"]] == [
        comments[2].pk,
        comments[4].pk,
    ]
    page = soup(Client().get(article.url))
    assert page.select_one(".comments > li").get("id") == f"comment-{comments[3].pk}"
    assert "Pinned" in page.select_one(".comments > li .comment__pinned").get_text()

    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator, comments[3], "unpin")
    again = Client().get(comments_url(article), {"limit": 2}).json()
    assert [c["id"] for c in again["comments"]] == [comments[0].pk, comments[1].pk]


# --- readers' reports -----------------------------------------------------------------
def report(client, comment, reason="abuse", note="", **extra):
    return post_json(
        client,
        f"/api/v1/comments/{comment.pk}/report",
        {"reason": reason, "note": note},
        **extra,
    )


def test_enough_readers_reporting_a_comment_hide_it_until_a_moderator_decides(
    settings, article, post, moderator
):
    settings.MODERATION_REPORT_THRESHOLD = 2
    comment = post("A comment some readers dislike")
    first, second = api_client(), api_client()

    assert report(first, comment).status_code == 200
    assert report(first, comment, "spam").status_code == 200  # again: no change
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED
    assert Report.objects.count() == 1
    assert Review.objects.get(comment=comment).queue == "reported"

    elsewhere = {"REMOTE_ADDR": "198.51.100.7"}
    assert report(second, comment, "other", "Off topic", **elsewhere).status_code == 200

    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING
    assert thread_counts(article) == (0, 0)
    assert "some readers dislike" not in Client().get(article.url).content.decode()
    assert Review.objects.get(comment=comment).report_count == 2

    decide(moderator, comment, "approve")
    assert report(api_client(), comment).status_code == 200
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED  # a moderator vouched for it


def test_one_machine_dropping_its_cookie_reports_as_one_reader(settings, article, post):
    settings.MODERATION_REPORT_THRESHOLD = 2
    comment = post("A comment one reader dislikes a lot")
    client = api_client()

    for _ in range(3):
        assert report(client, comment).status_code == 200
        client.cookies.pop(READER_COOKIE, None)

    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED
    assert Review.objects.get(comment=comment).report_count == 1
    # and a reader elsewhere makes two
    assert report(api_client(), comment, REMOTE_ADDR="198.51.100.7").status_code == 200
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING


def test_a_note_too_long_is_named_as_the_note(article, post):
    comment = post("Some words")

    response = report(api_client(), comment, "other", "n" * 501)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"note"}
    assert not Report.objects.exists()


def test_a_pinned_comment_hidden_since_can_be_unpinned(
    settings, article, post, moderator
):
    settings.MODERATION_REPORT_THRESHOLD = 1
    comment = post("Pinned, then reported")
    decide(moderator, comment, "pin")
    report(api_client(), comment)
    comment.refresh_from_db()
    assert comment.state == Comment.State.PENDING

    assert decide(moderator, comment, "unpin").status_code == 200

    comment.refresh_from_db()
    assert comment.pinned_at is None
    assert Thread.objects.get(article_id=article.pk).pinned_count == 0


def test_reports_never_reveal_the_reporter(article, post):
    comment = post("Words")
    report(api_client(), comment, "abuse", "Nasty")

    page = Client().get(article.url).content.decode()
    api = Client().get(comments_url(article)).content.decode()

    assert "Nasty" not in page and "Nasty" not in api
    assert "report" not in json.loads(api)["comments"][0]


@pytest.mark.parametrize(
    "target, payload, status",
    [
        ("held", {"reason": "abuse"}, 404),
        ("deleted", {"reason": "abuse"}, 404),
        ("missing", {"reason": "abuse"}, 404),
        ("own", {"reason": "abuse"}, 403),
        ("fine", {"reason": "boring"}, 422),
        ("fine", {"reason": "other"}, 400),
        ("fine", {"reason": "abuse", "note": "n" * 501}, 400),
    ],
    ids=["held", "deleted", "missing", "own", "bad-reason", "other-no-note", "long"],
)
def test_bad_reports_are_a_4xx_and_store_nothing(
    settings, article, post, target, payload, status
):
    client = api_client()
    fine = post("Fine words")
    own = post_json(client, comments_url(article), {**GOOD, "body": "Mine"}).json()
    settings.DISCUSSION_MODERATION = "pre"
    held = post("Held words")
    gone = post("Deleted words")
    gone.is_deleted = True
    gone.save()
    ids = {"held": held.pk, "deleted": gone.pk, "missing": 999_999, "own": own["id"]}
    url = f"/api/v1/comments/{ids.get(target, fine.pk)}/report"

    response = post_json(client, url, payload)

    assert response.status_code == status
    assert not Report.objects.exists()


def test_a_report_without_javascript_uses_the_report_page(client, article, post):
    comment = post("Words to report")
    page = soup(client.get(article.url))
    link = page.select_one(f"#comment-{comment.pk} .comment__report")

    form_page = client.get(link["href"])
    sent = client.post(link["href"], {"reason": "spam", "note": ""})

    assert form_page.status_code == 200
    assert "What is wrong with it?" in form_page.content.decode()
    assert sent.status_code == 200
    assert Report.objects.get().reason == "spam"


def test_a_report_from_another_site_is_refused(client, article, post):
    comment = post("Words")

    response = client.post(
        f"/moderation/report/{comment.pk}/",
        {"reason": "spam"},
        HTTP_ORIGIN="https://evil.example",
    )

    assert response.status_code == 403
    assert not Report.objects.exists()


# --- votes ---------------------------------------------------------------------------
def test_voiding_a_readers_votes_recounts_exactly_keeping_imported_counts(
    article, post
):
    comments = [post(f"Comment {n}") for n in range(3)]
    Comment.objects.filter(pk=comments[0].pk).update(
        imported_up=4, imported_down=1, up=4, down=1, score=3
    )
    stuffer, fair = guest(), guest()
    for comment in comments:
        discussion.cast_vote(comment_id=comment.pk, reader=stuffer, value=1)
    discussion.cast_vote(comment_id=comments[0].pk, reader=fair, value=-1)

    removed = discussion.void_votes(reader_key=stuffer.key)

    assert removed == 3
    counts = [
        Comment.objects.values_list("up", "down", "score").get(pk=c.pk)
        for c in comments
    ]
    assert counts == [(4, 2, 2), (0, 0, 0), (0, 0, 0)]


def test_a_shadow_banned_reader_can_still_edit_what_they_see_as_published(article):
    Ban.objects.create(kind="email", value="asher@example.org", shadow=True)
    author = api_client()
    created = post_json(author, comments_url(article), {**GOOD, "body": "Hear me"})

    edited = author.patch(
        f"/api/v1/comments/{created.json()['id']}",
        json.dumps({"body": "Hear me out"}),
        content_type="application/json",
    )

    assert edited.status_code == 200
    assert edited.json()["state"] == "published"
    comment = Comment.objects.get()
    assert (comment.body_source, comment.state) == ("Hear me out", "hidden")
    assert "Hear me" not in Client().get(comments_url(article)).content.decode()
