"""The moderators' desk in the admin: the queues, every action on them, and
their refusals (nothing changes when a moderator's request is refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from discussion import services as discussion
from discussion.models import Comment, Thread, Vote
from discussion.readers import Reader
from discussion.tests.fixtures import guest, member
from moderation import services
from moderation.models import Action, Ban, Review, Standing
from newsroom.models import ArticlePage
from subscriptions.models import Address

pytestmark = pytest.mark.django_db

DESK = "/admin/moderation/"
HELD = "Read this first: https://cheap-pills.example/deal"
SCRIPT = "<script>alert(1)</script>"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def signed_in(user) -> Client:
    """A browser-like client signed in as `user`, which enforces CSRF."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/admin/")
    client.user = user
    return client


def send(client: Client, url: str, data: dict | None = None, *, token=True):
    """A form POST as the desk's pages send it (with the CSRF token)."""
    data = dict(data or {})
    if token and "csrftoken" in client.cookies:
        data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, data)


@pytest.fixture
def moderator(db) -> Client:
    user = get_user_model().objects.create_user(
        username="mona", email="mona@example.org", password="pw"
    )
    user.groups.add(Group.objects.get(name=services.MODERATORS_GROUP))
    return signed_in(user)


@pytest.fixture
def editor(db) -> Client:
    """Signed in to the admin, but not a moderator."""
    user = get_user_model().objects.create_user(
        username="eddie", email="eddie@example.org", password="pw"
    )
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return signed_in(user)


@pytest.fixture
def held(post):
    """A comment the checks held (a newcomer's link to an unknown site)."""
    comment = post(HELD, name="Linker", email="linker@example.org")
    assert comment.state == Comment.State.PENDING
    return comment


def state_of(comment) -> tuple:
    """What a refused request must leave as it was."""
    comment.refresh_from_db()
    review = Review.objects.filter(comment=comment).first()
    return (
        comment.state,
        comment.body_source,
        comment.pinned_at,
        review and (review.queue, review.decision_reason, review.original_body),
        Action.objects.count(),
        Ban.objects.count(),
        list(Standing.objects.values_list("identity", "trusted")),
        Vote.objects.count(),
    )


# --- the group ------------------------------------------------------------------------
def test_the_moderators_group_can_use_the_admin_and_the_lists(db):
    group = Group.objects.get(name="Moderators")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"access_admin", "add_phrase", "change_linkdomain"} <= codenames


def test_the_menu_shows_the_desk_to_moderators_only(moderator, editor):
    # The sidebar comes as JSON for Wagtail's script to draw.
    assert "Comments to review" in moderator.get("/admin/").content.decode()
    assert "Comments to review" not in editor.get("/admin/").content.decode()


# --- the queues -----------------------------------------------------------------------
def test_the_pending_queue_lists_held_comments_with_their_reasons(
    moderator, held, post, article
):
    post("A published comment nobody doubts")

    page = soup(moderator.get(DESK))

    rows = page.select("[data-desk-row]")
    assert [row["id"] for row in rows] == [f"comment-{held.pk}"]
    row = rows[0]
    assert "cheap-pills.example/deal" in row.select_one(".desk-row__body").get_text()
    assert "Linker" in row.get_text()
    assert article.title in row.get_text()
    assert "newcomer_link" in row.get_text() or "link" in row.get_text()
    tabs = {
        a.get_text(" ", strip=True).rsplit(" ", 1)[0]: a.select_one(".desk-count").text
        for a in page.select(".desk-tabs a")
    }
    assert tabs == {
        "Pending": "1",
        "Reported": "0",
        "Spam": "0",
        "Approved": "0",
        "Rejected": "0",
    }
    current = page.select_one(".desk-tabs [aria-current=page]")
    assert current.get_text(strip=True).startswith("Pending")
    assert "j" in page.select_one("#desk-keys").get_text()


def test_the_keys_legend_follows_the_users_choice_of_shortcuts(moderator, held):
    from wagtail.users.models import UserProfile

    assert soup(moderator.get(DESK)).select_one("#desk-keys") is not None
    profile = UserProfile.get_for_user(moderator.user)
    profile.keyboard_shortcuts = False
    profile.save()

    page = soup(moderator.get(DESK))

    assert page.select_one("#desk-keys") is None
    assert page.select_one("script[data-no-shortcuts]") is not None


def test_newest_first_twenty_to_a_page(moderator, post, settings):
    settings.DISCUSSION_MODERATION = "pre"
    comments = [post(f"Held comment number {n}") for n in range(23)]

    first = soup(moderator.get(DESK))
    second = soup(moderator.get(DESK + "?p=2"))

    ids = [row["id"] for row in first.select("[data-desk-row]")]
    assert ids == [f"comment-{c.pk}" for c in reversed(comments)][:20]
    assert len(second.select("[data-desk-row]")) == 3


@pytest.mark.postgres
def test_the_desk_shows_reports_history_and_other_names_never_the_reporter(
    moderator, post, article
):
    comment = post("Is this the same person?", name="Sam", email="sam@example.org")
    post("Another name, same address", name="Samuel", email="SAM@example.org")
    Standing.objects.filter(identity="e:sam@example.org").update(rejected=2)
    for n, reason in enumerate(("spam", "spam", "abuse")):
        services.report(
            comment_id=comment.pk,
            reader=guest(900 + n),
            reason=reason,
            note=f"note {SCRIPT}" if n == 2 else "",
        )

    # Reported by three readers, it is hidden until a moderator decides.
    response = moderator.get(DESK + "queue/reported/")
    page = soup(response)

    row = page.select_one(f"#comment-{comment.pk}")
    text = " ".join(row.get_text(" ").split())
    assert "3 readers: Spam ×2, Abuse or hate ×1" in text
    assert "2 approved · 2 rejected · first seen" in text
    assert "Samuel" in row.select_one(".desk-name").get_text()
    assert "g:guest900" not in response.content.decode()
    assert SCRIPT not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_each_queue_lists_its_comments(moderator, held, post):
    rejected = post("To be rejected")
    services.decide(
        comment_id=rejected.pk, action="reject", moderator=moderator.user, reason=""
    )
    for queue, expected in (("pending", held), ("rejected", rejected)):
        page = soup(moderator.get(f"{DESK}queue/{queue}/"))
        assert [r["id"] for r in page.select("[data-desk-row]")] == [
            f"comment-{expected.pk}"
        ]
    assert moderator.get(f"{DESK}queue/nonsense/").status_code == 404


def test_a_name_with_markup_is_shown_as_text(moderator, settings, post):
    settings.DISCUSSION_MODERATION = "pre"
    comment = post("Hello <b>bold</b> and <img src=x onerror=alert(1)>")

    row = soup(moderator.get(DESK)).select_one(f"#comment-{comment.pk}")

    assert row.select("img, b") == []
    assert "<img src=x onerror=alert(1)>" in row.select_one(".desk-row__body").text


@pytest.mark.postgres
def test_the_queue_is_read_in_as_many_queries_for_twenty_rows_as_for_two(
    moderator, settings, post
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DISCUSSION_MODERATION = "pre"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            moderator.get(DESK)
        return len(captured)

    for n in range(2):
        post(f"Held number {n}", name=f"Name {n}", email=f"n{n}@example.org")
    moderator.get(DESK)  # the caches of the article and the site warmed
    few = queries()
    for n in range(2, 20):
        post(f"Held number {n}", name=f"Name {n}", email=f"n{n}@example.org")
    many = queries()

    assert len(soup(moderator.get(DESK)).select("[data-desk-row]")) == 20
    assert many == few <= 32


# --- decisions ------------------------------------------------------------------------
def test_approve_publishes_it_and_logs_who_did(moderator, held, article):
    response = send(
        moderator,
        "/admin/moderation/decide/",
        {"comment": held.pk, "action": "approve", "next": DESK},
    )

    assert response.status_code == 302 and response["Location"] == DESK
    held.refresh_from_db()
    assert held.state == Comment.State.PUBLISHED
    assert Thread.objects.get(article_id=article.pk).comment_count == 1
    entry = Action.objects.get()
    assert (entry.action, entry.moderator_name) == ("approve", "mona")
    assert f"Comment {held.pk} approved." in moderator.get(DESK).content.decode()


@pytest.mark.parametrize(
    "form, stored",
    [
        ({"reason_choice": "Threat of violence"}, "Threat of violence"),
        ({"reason": "  Doxxing\u202e a neighbour\u200b "}, "Doxxing a neighbour"),
        (
            {"reason_choice": "Off topic", "reason": "Written wins"},
            "Written wins",
        ),
    ],
    ids=["picked", "written-with-control-characters", "written-over-picked"],
)
def test_reject_with_a_reason(moderator, held, form, stored):
    response = send(
        moderator,
        "/admin/moderation/decide/",
        {"comment": held.pk, "action": "reject", **form},
    )

    assert response.status_code == 302
    held.refresh_from_db()
    assert held.state == Comment.State.REMOVED
    review = Review.objects.get(comment=held)
    assert (review.queue, review.decision_reason) == ("rejected", stored)
    assert Action.objects.get().reason == stored
    standing = Standing.objects.get(identity="e:linker@example.org")
    assert (standing.approved, standing.rejected) == (0, 1)


def test_a_reason_with_script_is_stored_as_text_and_shown_escaped(moderator, held):
    send(
        moderator,
        "/admin/moderation/decide/",
        {"comment": held.pk, "action": "reject", "reason": SCRIPT},
    )

    assert Review.objects.get(comment=held).decision_reason == SCRIPT
    for url in (DESK + "queue/rejected/", "/admin/moderation/log/"):
        body = moderator.get(url).content.decode()
        assert SCRIPT not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_spam_takes_it_away_as_spam(moderator, post):
    comment = post("Buy followers cheap")

    send(
        moderator,
        "/admin/moderation/decide/",
        {"comment": comment.pk, "action": "spam"},
    )

    comment.refresh_from_db()
    assert comment.state == Comment.State.SPAM
    assert Review.objects.get(comment=comment).queue == "spam"


def test_pin_and_unpin(moderator, post):
    comment = post("Worth reading first")

    send(
        moderator, "/admin/moderation/decide/", {"comment": comment.pk, "action": "pin"}
    )
    comment.refresh_from_db()
    assert comment.pinned_at is not None
    send(
        moderator,
        "/admin/moderation/decide/",
        {"comment": comment.pk, "action": "unpin"},
    )
    comment.refresh_from_db()
    assert comment.pinned_at is None
    assert list(Action.objects.order_by("at").values_list("action", flat=True)) == [
        "pin",
        "unpin",
    ]


@pytest.mark.postgres
def test_bulk_approves_every_selected_comment(moderator, settings, post):
    settings.DISCUSSION_MODERATION = "pre"
    a, b, c = post("One"), post("Two"), post("Three")

    response = send(
        moderator,
        "/admin/moderation/bulk/",
        {"comment": [a.pk, b.pk], "action": "approve", "next": DESK},
    )

    assert response.status_code == 302
    states = dict(Comment.objects.values_list("pk", "state"))
    assert states == {a.pk: "published", b.pk: "published", c.pk: "pending"}
    assert Action.objects.filter(action="approve").count() == 2


def test_bulk_reject_with_a_reason(moderator, settings, post):
    settings.DISCUSSION_MODERATION = "pre"
    a, b = post("One"), post("Two")

    send(
        moderator,
        "/admin/moderation/bulk/",
        {"comment": [a.pk, b.pk], "action": "reject", "reason_choice": "Off topic"},
    )

    assert set(Review.objects.values_list("queue", "decision_reason")) == {
        ("rejected", "Off topic")
    }


# --- refusals -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, form, status, message",
    [
        ("decide", {"comment": "999999", "action": "approve"}, 404, "does not exist"),
        ("decide", {"comment": "abc", "action": "approve"}, 400, "Choose a comment"),
        ("decide", {"comment": "\u00b2", "action": "approve"}, 400, "Choose a comment"),
        ("decide", {"comment": "\u0667", "action": "approve"}, 400, "Choose a comment"),
        ("decide", {"comment": "9" * 20, "action": "approve"}, 400, "Choose a comment"),
        ("decide", {"action": "reject"}, 400, "Choose a comment"),
        ("decide", {"comment": "{held}", "action": "explode"}, 400, "Choose approve"),
        (
            "decide",
            {"comment": "{held}", "action": "reject", "reason": "x" * 501},
            400,
            "under 500",
        ),
        (
            "decide",
            {"comment": "{held}", "action": "reject", "reason_choice": "Made up"},
            400,
            "from the list",
        ),
        ("decide", {"comment": "{held}", "action": "pin"}, 404, "does not exist"),
        (
            "bulk",
            {"comment": ["{held}", "999999"], "action": "approve"},
            404,
            "No comment 999999",
        ),
        ("bulk", {"comment": ["{held}"], "action": "pin"}, 400, "Choose approve"),
        ("bulk", {"action": "approve"}, 400, "Select the comments"),
        (
            "bans/add",
            {"kind": "email", "value": "not an address", "duration": "7d"},
            400,
            "Enter an e-mail address",
        ),
        (
            "bans/add",
            {"kind": "email", "value": "a@b.c\u202e@x", "duration": "7d"},
            400,
            "Invisible characters",
        ),
        (
            "bans/add",
            {"kind": "email", "value": "a@exa\u200bmple.org", "duration": "7d"},
            400,
            "Invisible characters",
        ),
        (
            "bans/add",
            {"kind": "email", "value": "a b@example.org", "duration": "7d"},
            400,
            "Enter an e-mail address",
        ),
        (
            "bans/add",
            {"kind": "ip", "value": "300.1.1.1", "duration": "7d"},
            400,
            "Enter an IP address",
        ),
        (
            "bans/add",
            {"kind": "ip", "value": "fe80::1%eth0", "duration": "7d"},
            400,
            "Enter an IP address",
        ),
        (
            "bans/add",
            {"kind": "account", "value": "\u00b2", "duration": "7d"},
            400,
            "no account",
        ),
        (
            "bans/add",
            {"kind": "account", "value": "nobody-here", "duration": "7d"},
            400,
            "no account",
        ),
        (
            "bans/add",
            {"kind": "email", "value": "x@example.org", "duration": "a week"},
            400,
            "Choose a day",
        ),
        (
            "bans/add",
            {"kind": "everything", "value": "x@example.org", "duration": "7d"},
            400,
            "Ban an account",
        ),
        (
            "bans/add",
            {"comment": "{held}", "kind": "account", "duration": "7d"},
            400,
            "A guest wrote this",
        ),
        ("bans/lift", {"ban": "999999"}, 404, "does not exist"),
        ("trust", {"identity": "nobody", "trusted": "1"}, 400, "not a commenter"),
        (
            "trust",
            {"identity": "e:nobody-ever@example.org", "trusted": "1"},
            400,
            "not a commenter",
        ),
        ("discussion", {"article": "999999", "closed": "1"}, 404, "does not exist"),
        ("discussion", {"closed": "1"}, 400, "Choose an article"),
        ("votes/void", {}, 400, "Choose a reader"),
        ("votes/void", {"reader": "x" * 65}, 400, "not a reader"),
    ],
    ids=[
        "unknown-comment",
        "comment-not-a-number",
        "comment-a-superscript-digit",
        "comment-an-arabic-indic-digit",
        "comment-beyond-64-bits",
        "no-comment",
        "unknown-action",
        "reason-too-long",
        "reason-not-on-the-list",
        "pin-a-held-comment",
        "bulk-with-an-unknown-comment",
        "bulk-pin",
        "bulk-nothing-selected",
        "ban-malformed-email",
        "ban-email-with-rtl-override",
        "ban-email-with-a-zero-width-space",
        "ban-email-with-a-space",
        "ban-bad-ip",
        "ban-ip-with-a-zone",
        "ban-account-a-superscript-digit",
        "ban-unknown-account",
        "ban-unknown-duration",
        "ban-unknown-kind",
        "ban-account-of-a-guest",
        "lift-unknown-ban",
        "trust-unknown-identity",
        "trust-an-address-nobody-commented-from",
        "close-unknown-article",
        "close-no-article",
        "void-no-reader",
        "void-malformed-reader",
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_changes(
    moderator, held, url, form, status, message
):
    form = {
        key: (
            [v.format(held=held.pk) for v in value]
            if isinstance(value, list)
            else value.format(held=held.pk)
        )
        for key, value in form.items()
    }
    before = state_of(held)

    response = send(moderator, f"/admin/moderation/{url}/", form)

    assert response.status_code == status
    assert message in soup(response).select_one("[role=alert]").get_text()
    assert state_of(held) == before


ACTIONS = [
    ("decide", {"comment": "{held}", "action": "approve"}),
    ("decide", {"comment": "{held}", "action": "reject", "reason": "no"}),
    ("bulk", {"comment": "{held}", "action": "spam"}),
    ("bans/add", {"comment": "{held}", "kind": "email", "duration": "forever"}),
    ("bans/lift", {"ban": "{ban}"}),
    ("trust", {"identity": "e:linker@example.org", "trusted": "1"}),
    ("discussion", {"article": "{article}", "closed": "1"}),
    ("votes/void", {"reader": "g:voter"}),
    ("comments/{held}/edit", {"body": "Changed by someone"}),
]
ACTION_IDS = [
    "approve",
    "reject",
    "bulk",
    "ban",
    "lift-ban",
    "trust",
    "close-discussion",
    "void-votes",
    "edit",
]


@pytest.fixture
def targets(held, article, post):
    """Something for every action to change: a held comment, a ban, a vote."""
    ban = Ban.objects.create(kind=Ban.Kind.EMAIL, value="old@example.org")
    other = post("Votable")
    discussion.cast_vote(
        comment_id=other.pk, reader=Reader(key="g:voter", ip_hash="ip-v"), value=1
    )
    return {"held": held.pk, "ban": ban.pk, "article": article.pk}


def _fill(url: str, form: dict, targets: dict) -> tuple[str, dict]:
    return url.format(**targets), {k: v.format(**targets) for k, v in form.items()}


def everything(held, article) -> tuple:
    article.refresh_from_db()
    return (
        *state_of(held),
        list(Ban.objects.values_list("pk", "lifted_at")),
        article.comments_closed,
    )


@pytest.mark.parametrize("url, form", ACTIONS, ids=ACTION_IDS)
def test_someone_not_a_moderator_is_refused_403_and_nothing_changes(
    editor, targets, held, article, url, form
):
    url, form = _fill(url, form, targets)
    before = everything(held, article)

    response = send(editor, f"/admin/moderation/{url}/", form)

    assert response.status_code == 403
    assert "Only moderators" in response.content.decode()
    assert everything(held, article) == before


@pytest.mark.parametrize("url, form", ACTIONS, ids=ACTION_IDS)
def test_a_visitor_is_sent_to_sign_in_and_nothing_changes(
    targets, held, article, url, form
):
    url, form = _fill(url, form, targets)
    before = everything(held, article)

    response = Client().post(f"/admin/moderation/{url}/", form)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert everything(held, article) == before


@pytest.mark.parametrize("url, form", ACTIONS, ids=ACTION_IDS)
def test_a_post_without_the_csrf_token_is_refused_and_nothing_changes(
    moderator, targets, held, article, url, form
):
    url, form = _fill(url, form, targets)
    before = everything(held, article)

    response = send(moderator, f"/admin/moderation/{url}/", form, token=False)

    assert response.status_code == 403
    assert everything(held, article) == before


@pytest.mark.parametrize(
    "url",
    [
        "/admin/moderation/",
        "/admin/moderation/queue/spam/",
        "/admin/moderation/bans/",
        "/admin/moderation/votes/",
        "/admin/moderation/log/",
    ],
)
def test_the_desk_pages_are_for_moderators_only(editor, moderator, url):
    assert editor.get(url).status_code == 403
    assert moderator.get(url).status_code == 200


def test_actions_answer_only_posts(moderator, held):
    assert (
        moderator.get(f"/admin/moderation/decide/?comment={held.pk}").status_code == 405
    )
    held.refresh_from_db()
    assert held.state == Comment.State.PENDING


def test_next_leads_back_only_within_the_site(moderator, held):
    response = send(
        moderator,
        "/admin/moderation/decide/",
        {"comment": held.pk, "action": "approve", "next": "https://evil.example/"},
    )
    assert response["Location"] == DESK


# --- bans -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, expected",
    [("email", "linker@example.org"), ("ip", "{ip}")],
    ids=["by-email", "by-ip"],
)
def test_ban_the_author_of_a_comment(moderator, held, kind, expected):
    response = send(
        moderator,
        "/admin/moderation/bans/add/",
        {
            "comment": held.pk,
            "kind": kind,
            "duration": "7d",
            "reason": "Spam links",
            "next": DESK,
        },
    )

    assert response.status_code == 302
    ban = Ban.objects.get()
    assert (ban.kind, ban.value, ban.shadow) == (
        kind,
        expected.format(ip=held.ip_hash),
        False,
    )
    assert timedelta(days=6, hours=23) < ban.until - timezone.now() <= timedelta(days=7)
    assert (ban.created_by.username, ban.reason) == ("mona", "Spam links")
    entry = Action.objects.get()
    assert (entry.action, entry.comment_id) == ("ban", held.pk)
    assert "for 7 days" in entry.target


def test_a_ban_can_reject_the_authors_comments_waiting_for_a_moderator(
    moderator, held, post
):
    # given two more of the author's comments waiting (one in other case), and
    # another reader's
    again = post(
        "Second try: https://cheap-pills.example/again",
        name="Linker",
        email="Linker@Example.org",
    )
    published = post("An ordinary remark.", name="Linker", email="linker@example.org")
    other = post(
        "Mine: https://cheap-pills.example/mine", name="Other", email="o@example.org"
    )
    assert {again.state, other.state} == {Comment.State.PENDING}

    # when the author is banned by e-mail, rejecting what waits
    response = send(
        moderator,
        "/admin/moderation/bans/add/",
        {
            "comment": held.pk,
            "kind": "email",
            "duration": "30d",
            "reason": "Pill spam",
            "reject_waiting": "on",
            "next": DESK,
        },
    )

    # then their two waiting comments are rejected with the ban's reason, nothing else
    assert response.status_code == 302
    states = {c.pk: c.state for c in Comment.objects.filter(pk__in=[held.pk, again.pk])}
    assert set(states.values()) == {Comment.State.REMOVED}
    reviews = Review.objects.filter(comment__in=[held, again])
    assert {(r.queue, r.decision_reason) for r in reviews} == {
        ("rejected", "Pill spam")
    }
    for untouched in (published, other):
        before = untouched.state
        untouched.refresh_from_db()
        assert untouched.state == before
    assert list(Action.objects.order_by("pk").values_list("action", flat=True)) == [
        "ban",
        "reject",
        "reject",
    ]
    page = moderator.get(DESK)
    assert "rejected 2 comments waiting for a moderator" in page.content.decode()


def test_a_banned_author_can_comment_no_more(moderator, held, post):
    send(
        moderator,
        "/admin/moderation/bans/add/",
        {"comment": held.pk, "kind": "email", "duration": "forever"},
    )
    # Its commit would tell every process to read the bans again; a test's
    # changes never commit.
    services.forget_bans()

    with pytest.raises(discussion.Refused):
        post("Back again", name="Linker", email="linker@example.org")
    assert Ban.objects.get().until is None


def test_ban_an_account(moderator, article, django_user_model):
    user = django_user_model.objects.create_user(
        username="troll", email="troll@example.org", password="pw"
    )
    comment = discussion.post_comment(
        article=article, reader=member(user), body="Members can be banned too"
    )

    send(
        moderator,
        "/admin/moderation/bans/add/",
        {"comment": comment.pk, "kind": "account", "duration": "1d", "shadow": "on"},
    )

    ban = Ban.objects.get()
    assert (ban.kind, ban.value, ban.shadow) == ("account", str(user.pk), True)
    assert Action.objects.get().action == "shadow_ban"


@pytest.mark.parametrize(
    "kind, value, stored",
    [
        ("email", " Someone@Example.ORG ", "someone@example.org"),
        ("ip", "203.0.113.9", None),
        ("ip", "::ffff:203.0.113.9", None),
        ("ip", "A" * 32, "a" * 32),
    ],
    ids=["email", "ip-address-hashed", "ipv4-in-ipv6-hashed-as-ipv4", "ip-hash"],
)
def test_ban_a_value_typed_in(moderator, kind, value, stored):
    from accounts.network import ip_hash

    send(
        moderator,
        "/admin/moderation/bans/add/",
        {"kind": kind, "value": value, "duration": "30d"},
    )

    assert Ban.objects.get().value == (stored or ip_hash("203.0.113.9"))


def test_a_new_ban_replaces_the_one_in_force(moderator):
    for duration in ("1d", "forever"):
        send(
            moderator,
            "/admin/moderation/bans/add/",
            {"kind": "email", "value": "x@example.org", "duration": duration},
        )

    assert [b.until for b in services.active_bans()] == [None]
    assert Ban.objects.count() == 2


def test_the_ban_list_shows_bans_in_force_and_lifts_them(moderator):
    lifted = Ban.objects.create(
        kind="email", value="gone@example.org", lifted_at=timezone.now()
    )
    expired = Ban.objects.create(
        kind="email",
        value="past@example.org",
        until=timezone.now() - timedelta(hours=1),
    )
    ban = Ban.objects.create(kind="email", value="now@example.org", reason=SCRIPT)

    page = moderator.get("/admin/moderation/bans/")

    text = soup(page).select_one("table").get_text()
    assert "now@example.org" in text
    assert lifted.value not in text and expired.value not in text
    assert SCRIPT not in page.content.decode()

    response = send(moderator, "/admin/moderation/bans/lift/", {"ban": ban.pk})

    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.lifted_at is not None
    assert Action.objects.get().action == "lift_ban"
    again = send(moderator, "/admin/moderation/bans/lift/", {"ban": ban.pk})
    assert again.status_code == 400
    assert Action.objects.count() == 1


# --- the author, the comment, the article ---------------------------------------------
def test_trust_and_stop_trusting_an_author(moderator, held):
    identity = "e:linker@example.org"

    send(moderator, "/admin/moderation/trust/", {"identity": identity, "trusted": "1"})
    assert Standing.objects.get(identity=identity).trusted
    page = soup(moderator.get(DESK))
    assert "Stop trusting" in page.select_one(f"#comment-{held.pk}").get_text()

    send(moderator, "/admin/moderation/trust/", {"identity": identity, "trusted": "0"})
    assert not Standing.objects.get(identity=identity).trusted
    assert list(Action.objects.order_by("at").values_list("action", flat=True)) == [
        "trust",
        "untrust",
    ]


@pytest.mark.parametrize(
    "confirmed, state",
    [(True, Comment.State.PUBLISHED), (False, Comment.State.PENDING)],
    ids=["address-confirmed", "address-anyone-could-type"],
)
def test_a_trusted_author_is_not_held_once_their_address_is_theirs(
    moderator, held, post, confirmed, state
):
    """Anyone can type a trusted guest's address: until its owner has confirmed
    it, the trust is not theirs to use."""
    if confirmed:
        Address.objects.create(email="linker@example.org", confirmed_at=timezone.now())
    send(
        moderator,
        "/admin/moderation/trust/",
        {"identity": "e:linker@example.org", "trusted": "1"},
    )

    comment = post(HELD + " again", name="Linker", email="linker@example.org")

    assert comment.state == state


def test_edit_a_comment_keeping_the_original(moderator, post, article, client):
    comment = post("You are all idiots, but the budget is wrong.")
    url = f"/admin/moderation/comments/{comment.pk}/edit/"
    form = soup(moderator.get(url)).select_one("textarea")
    assert form.get_text() == comment.body_source

    response = send(
        moderator,
        url,
        {"body": "[…] the budget is wrong.", "reason": "Insult", "next": DESK},
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_source == "[…] the budget is wrong."
    assert "idiots" not in client.get(article.url).content.decode()
    review = Review.objects.get(comment=comment)
    assert review.original_body == "You are all idiots, but the budget is wrong."
    assert (Action.objects.get().action, Action.objects.get().reason) == (
        "edit",
        "Insult",
    )
    # A second edit keeps the author's words, not the moderator's first edit.
    send(moderator, url, {"body": "The budget is wrong."})
    review.refresh_from_db()
    assert review.original_body == "You are all idiots, but the budget is wrong."
    page = soup(moderator.get(f"{DESK}queue/{review.queue}/"))
    row = page.select_one(f"#comment-{comment.pk}")
    assert "idiots" in row.select_one(".desk-original").get_text()


@pytest.mark.parametrize(
    "body, message",
    [("   ", "Write something"), ("x" * 6000, "at most"), ("bad\x00", "control")],
    ids=["empty", "too-long", "control-characters"],
)
def test_an_edit_that_cannot_be_kept_changes_nothing(moderator, post, body, message):
    comment = post("The words as written")
    before = state_of(comment)

    response = send(
        moderator, f"/admin/moderation/comments/{comment.pk}/edit/", {"body": body}
    )

    assert response.status_code == 400
    assert message in soup(response).select_one("[role=alert]").get_text()
    assert state_of(comment) == before


def test_editing_an_unknown_comment_is_404(moderator):
    assert moderator.get("/admin/moderation/comments/999999/edit/").status_code == 404


@pytest.mark.postgres
def test_close_and_reopen_a_discussion_which_a_publication_keeps(
    moderator, article, post, client
):
    comment = post("Before it closed")

    send(
        moderator,
        "/admin/moderation/discussion/",
        {"article": article.pk, "closed": "1", "reason": "Flooded"},
    )

    article.refresh_from_db()
    assert article.comments_closed
    with pytest.raises(discussion.Closed):
        post("After it closed")
    assert "Before it closed" in client.get(article.url).content.decode()
    # The editors publish the article again: it stays closed.
    article.latest_revision.publish()
    assert ArticlePage.objects.get(pk=article.pk).comments_closed
    page = soup(moderator.get(DESK + "queue/approved/"))
    assert page.select_one(f"#comment-{comment.pk}") is None  # never reviewed

    send(
        moderator,
        "/admin/moderation/discussion/",
        {"article": article.pk, "closed": "0"},
    )

    article.refresh_from_db()
    assert not article.comments_closed
    assert post("Open again").state == Comment.State.PUBLISHED
    assert list(Action.objects.order_by("at").values_list("action", "reason")) == [
        ("close_discussion", "Flooded"),
        ("reopen_discussion", ""),
    ]


def test_a_closed_discussion_stays_closed_when_a_newer_draft_is_published(
    moderator, article
):
    article.title = "A new headline, saved as a draft"
    draft = article.save_revision()
    assert draft.pk != article.live_revision_id

    send(
        moderator,
        "/admin/moderation/discussion/",
        {"article": article.pk, "closed": "1"},
    )
    draft.refresh_from_db()
    draft.publish()

    published = ArticlePage.objects.get(pk=article.pk)
    assert published.title == "A new headline, saved as a draft"
    assert published.comments_closed


# --- vote stuffing --------------------------------------------------------------------
@pytest.mark.postgres
def test_vote_stuffing_lists_bursts_and_new_readers_and_voids_votes(
    moderator, post, settings
):
    settings.MODERATION_VOTE_BURST = 3
    settings.MODERATION_NEW_READER_MINUTES = 10
    stuffed = post("Please vote me up")
    honest = post("An honest comment")
    for n in range(4):  # four cookies, one address
        discussion.cast_vote(
            comment_id=stuffed.pk,
            reader=Reader(key=f"g:stuffer{n}", ip_hash="same-ip"),
            value=1,
        )
    old = Reader(key="g:regular", ip_hash="ip-regular")
    discussion.cast_vote(comment_id=honest.pk, reader=old, value=1)
    Vote.objects.filter(reader_key="g:regular").update(
        created_at=timezone.now() - timedelta(days=30)
    )
    discussion.cast_vote(comment_id=stuffed.pk, reader=old, value=-1)

    page = soup(moderator.get("/admin/moderation/votes/"))

    tables = page.select("table")
    assert "4 (4 up, 0 down)" in tables[0].get_text()
    new_readers = tables[1].get_text()
    assert "g:stuffer0" in new_readers and "g:regular" not in new_readers

    keys = [i["value"] for i in tables[0].select("input[name=reader]")]
    response = send(moderator, "/admin/moderation/votes/void/", {"reader": keys})

    assert response.status_code == 302
    stuffed.refresh_from_db()
    assert (stuffed.up, stuffed.down, stuffed.score) == (0, 1, -1)
    assert Vote.objects.filter(reader_key__startswith="g:stuffer").count() == 0
    assert Action.objects.filter(action="void_votes").count() == 4


# --- the audit log --------------------------------------------------------------------
def test_the_audit_log_says_who_did_what_when_and_why(moderator, held):
    services.decide(
        comment_id=held.pk, action="reject", moderator=moderator.user, reason="Spam"
    )

    page = soup(moderator.get("/admin/moderation/log/"))

    row = page.select_one("tbody tr")
    cells = [" ".join(td.get_text().split()) for td in row.select("td")]
    assert cells[1:] == ["mona", f"Rejected: comment {held.pk}", "Spam"]
    assert page.select("form") == [] or not page.select("form[action*=log]")
