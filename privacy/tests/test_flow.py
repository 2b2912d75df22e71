"""Asking for one's data by mail, downloading it and erasing it, end to end
through a real SMTP server; and nothing of anyone else shown or touched."""

from __future__ import annotations

import json

import pytest

from discussion.models import Comment, Thread, Vote
from moderation.models import Ban, Report, Review, Standing
from privacy.models import LinkRequest
from ratings.models import Rating
from subscriptions.models import Address, Subscription

from .conftest import ASHER, BELLA

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def snapshot() -> dict:
    """Everything stored that an erasure could touch, row by row."""
    return {
        "comments": list(Comment.objects.order_by("pk").values()),
        "threads": list(Thread.objects.order_by("pk").values()),
        "votes": list(Vote.objects.order_by("pk").values()),
        "ratings": list(Rating.objects.order_by("pk").values()),
        "addresses": list(Address.objects.order_by("pk").values()),
        "subscriptions": list(Subscription.objects.order_by("pk").values()),
        "reviews": list(Review.objects.order_by("pk").values()),
        "standings": list(Standing.objects.order_by("pk").values()),
        "reports": list(Report.objects.order_by("pk").values()),
        "bans": list(Ban.objects.order_by("pk").values()),
        "links": list(LinkRequest.objects.order_by("pk").values()),
    }


def bellas_rows() -> dict:
    """Bella's rows, which nothing Asher asks for may change (but the number of
    replies shown under her comments, which Asher's removed replies leave)."""
    fields = [
        f.attname
        for f in Comment._meta.concrete_fields
        if f.name not in ("reply_count", "descendant_count")
    ]
    return {
        "comments": list(
            Comment.objects.filter(reader_key=BELLA.key).order_by("pk").values(*fields)
        ),
        "votes": list(Vote.objects.filter(reader_key=BELLA.key).values()),
        "ratings": list(Rating.objects.filter(reader_key=BELLA.key).values()),
        "address": list(Address.objects.filter(email="bella@example.org").values()),
        "subscriptions": list(
            Subscription.objects.filter(address__email="bella@example.org").values()
        ),
        "standing": list(
            Standing.objects.filter(identity="e:bella@example.org").values()
        ),
        "reports": list(Report.objects.filter(reader_key=BELLA.key).values()),
        "review": list(
            Review.objects.filter(identity="e:bella@example.org").values(
                "comment_id", "queue", "evidence", "identity", "report_count"
            )
        ),
        "bans": list(Ban.objects.filter(value="bella@example.org").values()),
    }


def counted_from_rows() -> tuple:
    """The thread's and comments' counters as a reader would count them."""
    shown = set(Comment.objects.shown().values_list("pk", flat=True))
    rows = [
        (
            c.pk,
            Comment.objects.filter(parent=c, pk__in=shown).count(),
            Comment.objects.filter(root=c, pk__in=shown).count()
            if not c.root_id
            else 0,
        )
        for c in Comment.objects.order_by("pk")
    ]
    live = Comment.objects.filter(state="published", is_deleted=False).count()
    top = Comment.objects.filter(parent__isnull=True, pk__in=shown).count()
    return (live, top), rows


def counted_as_stored() -> tuple:
    thread = Thread.objects.get()
    rows = list(
        Comment.objects.order_by("pk").values_list(
            "pk", "reply_count", "descendant_count"
        )
    )
    return (thread.comment_count, thread.top_level_count), rows


# --- asking ---------------------------------------------------------------------------
def test_the_footer_links_to_the_privacy_page(client, home_page):
    page = client.get("/").content.decode()

    assert 'href="/privacy/"' in page
    assert "Your data and privacy" in page


def test_the_answer_is_the_same_whatever_the_address(talk, submit, smtp_server):
    known = submit("post", "/privacy/", {"email": "asher@example.org"})
    unknown = submit("post", "/privacy/", {"email": "nobody@example.net"})

    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert b"Check your inbox" in known.content
    privacy_mail = [m for m in smtp_server.messages if "Your data" in m["Subject"]]
    assert [m["To"] for m in privacy_mail] == [
        "asher@example.org",
        "nobody@example.net",
    ]


def test_the_mail_goes_to_that_address_only_with_a_signed_link(
    talk, ask_for_link, smtp_server
):
    path = ask_for_link("ASHER@example.org")

    message = smtp_server.messages[-1]
    assert smtp_server.recipients[-1] == ["asher@example.org"]
    assert message["Subject"].startswith("Your data at ")
    assert path.startswith("/privacy/data/")
    assert message.get_body(preferencelist=("html",)) is not None


def test_one_link_per_address_in_the_quiet_hours(talk, submit, smtp_server):
    for email in ("asher@example.org", "Asher@Example.org", "asher@example.org"):
        response = submit("post", "/privacy/", {"email": email})
        assert response.status_code == 200
        assert b"Check your inbox" in response.content

    privacy_mail = [m for m in smtp_server.messages if "Your data" in m["Subject"]]
    assert len(privacy_mail) == 1
    assert LinkRequest.objects.count() == 1


def test_asking_too_often_from_one_connection_is_refused(
    talk, submit, smtp_server, settings
):
    settings.PRIVACY_REQUESTS_PER_HOUR_PER_IP = 2
    for n in range(2):
        submit("post", "/privacy/", {"email": f"reader{n}@example.org"})

    response = submit("post", "/privacy/", {"email": "reader9@example.org"})

    assert response.status_code == 429
    assert b"Too many requests" in response.content
    assert LinkRequest.objects.count() == 2
    assert not [m for m in smtp_server.recipients if m == ["reader9@example.org"]]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your e-mail address."),
        ("not an address", "Enter a valid e-mail address"),
        ("asher@", "Enter a valid e-mail address"),
        ("ásher@example.org", "Enter a valid e-mail address"),
        ("asher@example.org\r\nBcc: x@example.org", "Enter a valid e-mail address"),
        ("a" * 290 + "@example.org", "at most 254 characters"),
    ],
    ids=["empty", "words", "no-domain", "non-ascii", "header-injection", "300-chars"],
)
def test_a_malformed_address_gets_its_reason_and_nothing_is_sent(
    talk, submit, smtp_server, email, message
):
    before = snapshot()
    sent = len(smtp_server.messages)

    response = submit("post", "/privacy/", {"email": email})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert b'aria-invalid="true"' in response.content
    assert len(smtp_server.messages) == sent
    assert snapshot() == before


# --- the link -------------------------------------------------------------------------
def test_opening_the_link_shows_what_is_held_and_changes_nothing(
    talk, ask_for_link, client
):
    path = ask_for_link()
    before = snapshot()

    for _ in range(2):
        page = client.get(path)
        assert page.status_code == 200
    text = page.content.decode()

    assert "asher@example.org" in text
    assert "3 comments" in text
    assert "2 votes on comments" in text
    assert "1 star rating" in text
    assert "1 subscription" in text
    assert "Download everything we hold about you" in text
    assert "Make them anonymous" in text and "Remove them" in text
    assert "noindex" in text
    assert snapshot() == before


def test_the_download_holds_exactly_that_readers_data(talk, ask_for_link, client):
    path = ask_for_link()

    response = client.post(path + "export/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "asher@example.org"
    assert data["account"] is None
    assert [c["id"] for c in data["comments"]] == [
        talk.asher_top.pk,
        talk.asher_alone.pk,
        talk.asher_reply.pk,
    ]
    first = data["comments"][0]
    assert first["body"] == "Marmalade sky over the harbour"
    assert first["name"] == "Asher Quill"
    assert first["website"] == "https://a.example"
    assert first["article"]["title"] == talk.article.title
    assert first["state"] == "published" and first["created_at"]
    assert data["comments"][2]["in_reply_to"] == talk.bella_top.pk
    assert data["votes"] == {"up": 1, "down": 1, "with_ip_hash": 2}
    assert [r["stars"] for r in data["ratings"]] == [4]
    assert [s["frequency"] for s in data["subscriptions"]["subscriptions"]] == [
        "instant"
    ]
    moderation = data["moderation"]
    assert moderation["standing"][0]["approved"] == 3
    assert [d["comment"] for d in moderation["decisions"]] == [talk.asher_alone.pk]
    assert moderation["decisions"][0]["decision_reason"] == "Sharp but fair"
    assert moderation["decisions"][0]["reasons"] == ["Strong words"]
    assert [(r["note"], r["address_hash"]) for r in moderation["reports_made"]] == [
        ("Asher's note", "asherip")
    ]
    assert [b["reason"] for b in moderation["bans"]] == ["Spam"]
    # Nothing of Bella's: not her words, name, address, keys, notes, nor that
    # she reported Asher.
    text = response.content.decode()
    for hers in (
        "Bella",
        "bella@example.org",
        BELLA.key,
        "bellaip",
        "Cobblestones",
        "Tangerine",
        "Bella's note",
        "Rude",
        "report_count",
        "decided_by",
    ):
        assert hers not in text


def test_the_download_changes_nothing(talk, ask_for_link, client):
    path = ask_for_link()
    before = snapshot()

    client.post(path + "export/")
    client.post(path + "export/")

    assert snapshot() == before


# --- erasing --------------------------------------------------------------------------
def test_erasing_asks_once_more_and_the_question_changes_nothing(
    talk, ask_for_link, submit
):
    path = ask_for_link()
    before = snapshot()

    response = submit("post", path + "erase/", {"mode": "remove"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Erase your data?" in text
    assert "3 comments are removed, words and all" in text
    assert 'name="confirm" value="yes"' in text
    assert snapshot() == before


def test_anonymising_keeps_the_words_under_former_reader(
    talk, ask_for_link, submit, client
):
    article_page = talk.article.url
    assert "Asher Quill" in client.get(article_page).content.decode()  # now cached
    path = ask_for_link()
    counts = counted_as_stored()
    bella = bellas_rows()

    response = submit("post", path + "erase/", {"mode": "anonymise", "confirm": "yes"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Your data is erased" in text
    assert "3 comments made anonymous" in text
    page = client.get(article_page).content.decode()
    assert "Asher Quill" not in page
    assert "a.example" not in page
    assert "Marmalade sky over the harbour" in page
    assert "Former reader" in page
    mine = Comment.objects.filter(
        pk__in=[talk.asher_top.pk, talk.asher_alone.pk, talk.asher_reply.pk]
    )
    for comment in mine:
        assert comment.guest_name == "Former reader"
        assert (comment.guest_email, comment.guest_website, comment.ip_hash) == (
            "",
            "",
            "",
        )
        assert comment.reader_key.startswith("x:")
        assert comment.body_source
    assert counted_as_stored() == counts == counted_from_rows()
    assert not Vote.objects.filter(reader_key=ASHER.key).exclude(ip_hash="")
    assert Vote.objects.filter(reader_key=ASHER.key).count() == 2  # still counted
    assert Rating.objects.get(reader_key=ASHER.key).ip_hash == ""
    assert not Address.objects.filter(email="asher@example.org").exists()
    assert not Standing.objects.filter(identity="e:asher@example.org").exists()
    review = Review.objects.get(comment=talk.asher_alone)
    assert (review.evidence, review.queue) == ({}, "approved")
    assert review.identity.startswith("x:")
    assert Report.objects.get(comment=talk.bella_top).note == ""
    assert Report.objects.get(comment=talk.bella_top).reader_key.startswith("x:")
    assert Ban.objects.filter(value="asher@example.org").exists()  # bans stay
    assert bellas_rows() == bella


def test_removing_takes_the_words_and_keeps_others_replies_in_place(
    talk, ask_for_link, submit, client
):
    article_page = talk.article.url
    client.get(article_page)  # cached
    path = ask_for_link()
    bella = bellas_rows()
    comments_before = Thread.objects.get().comment_count

    response = submit("post", path + "erase/", {"mode": "remove", "confirm": "yes"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "3 comments removed; 1 left as “Comment deleted”" in text
    page = client.get(article_page).content.decode()
    for gone in (
        "Asher Quill",
        "Marmalade sky",
        "Lighthouse keepers",
        "Quietly cataloguing",
    ):
        assert gone not in page
    assert "Comment deleted" in page
    assert "Tangerine dreams, I agree" in page  # Bella's reply keeps its place
    assert "Cobblestones remember every cart" in page
    thread = Thread.objects.get()
    assert thread.comment_count == comments_before - 3
    assert counted_as_stored() == counted_from_rows()
    top = Comment.objects.get(pk=talk.asher_top.pk)
    assert top.is_deleted and top.reply_count == 1
    assert (top.body_source, top.body_html, top.guest_name, top.guest_email) == (
        "",
        "",
        "",
        "",
    )
    assert Comment.objects.get(pk=talk.bella_top.pk).reply_count == 0
    assert bellas_rows() == bella


def test_a_used_link_is_refused_and_changes_nothing(talk, ask_for_link, submit, client):
    path = ask_for_link()
    submit("post", path + "erase/", {"mode": "anonymise", "confirm": "yes"})
    before = snapshot()

    for response in (
        client.get(path),
        client.post(path + "export/"),
        submit("post", path + "erase/", {"mode": "remove", "confirm": "yes"}),
    ):
        assert response.status_code == 409
        assert b"already been used" in response.content
    assert snapshot() == before


def test_an_expired_link_is_refused_and_changes_nothing(
    talk, ask_for_link, submit, client, settings
):
    path = ask_for_link()
    settings.PRIVACY_LINK_MAX_AGE = -1
    before = snapshot()

    for response in (
        client.get(path),
        client.post(path + "export/"),
        submit("post", path + "erase/", {"mode": "remove", "confirm": "yes"}),
    ):
        assert response.status_code == 410
        assert b"This link has expired" in response.content
    assert snapshot() == before


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: t.split(":")[0],
        lambda t: __import__("django.core.signing").core.signing.dumps(
            ["asher@example.org", "0" * 32], salt="tribune.privacy.link"
        ),
        lambda t: __import__("django.core.signing").core.signing.dumps(
            ["asher@example.org", "x"], salt="tribune.subscriptions.manage"
        ),
        lambda t: "not-a-token",
    ],
    ids=["signature", "cut-short", "never-sent", "other-purpose", "garbage"],
)
def test_a_forged_link_is_refused_and_changes_nothing(
    talk, ask_for_link, submit, client, tamper
):
    token = ask_for_link().split("/")[3]
    bad = f"/privacy/data/{tamper(token)}/"
    before = snapshot()

    for response in (
        client.get(bad),
        client.post(bad + "export/"),
        submit("post", bad + "erase/", {"mode": "remove", "confirm": "yes"}),
    ):
        assert response.status_code == 400
        assert "This link doesn’t work" in response.content.decode()
    assert snapshot() == before


def test_a_link_for_one_address_cannot_be_turned_to_another(talk, ask_for_link, client):
    from django.core import signing

    token = ask_for_link().split("/")[3]
    email, nonce = signing.loads(token, salt="tribune.privacy.link")
    forged = signing.dumps(["bella@example.org", nonce], salt="other")

    assert client.get(f"/privacy/data/{forged}/").status_code == 400


@pytest.mark.parametrize("mode", ["", "delete-everything", "anonymise "])
def test_an_unknown_choice_is_refused_and_changes_nothing(
    talk, ask_for_link, submit, mode
):
    path = ask_for_link()
    before = snapshot()

    response = submit("post", path + "erase/", {"mode": mode, "confirm": "yes"})

    assert response.status_code == 400
    assert "Choose what should happen to your comments." in response.content.decode()
    assert snapshot() == before


def test_get_never_erases(talk, ask_for_link, client):
    path = ask_for_link()
    before = snapshot()

    assert client.get(path + "erase/?mode=remove&confirm=yes").status_code == 405
    assert client.get(path + "export/").status_code == 405
    assert snapshot() == before


# --- members --------------------------------------------------------------------------
def test_a_member_gets_their_account_and_comments_and_the_account_closes(
    article, ask_for_link, submit, client, django_capture_on_commit_callbacks
):
    from accounts.models import User
    from accounts.tests.fixtures import make_user
    from discussion import services as discussion
    from discussion.tests.fixtures import member

    ada = make_user("ada@example.org", display_name="Ada Reader")
    with django_capture_on_commit_callbacks(execute=True):
        mine = discussion.post_comment(
            article=article, reader=member(ada), body="Signed in and saying so"
        )
        theirs = discussion.post_comment(
            article=article,
            reader=BELLA,
            body="A reply from a guest",
            parent_id=mine.pk,
            name="Bella Moss",
            email="bella@example.org",
        )
    path = ask_for_link("ada@example.org")

    data = json.loads(client.post(path + "export/").content)
    assert data["account"]["display_name"] == "Ada Reader"
    assert "password" not in json.dumps(data)
    assert [c["id"] for c in data["comments"]] == [mine.pk]
    assert data["comments"][0]["as_member"] is True

    response = submit("post", path + "erase/", {"mode": "anonymise", "confirm": "yes"})

    assert "Your account closed." in response.content.decode()
    assert not User.objects.filter(email="ada@example.org").exists()
    mine.refresh_from_db()
    assert (mine.user_id, mine.author_name) == (None, "Former reader")
    assert mine.body_source == "Signed in and saying so"
    theirs.refresh_from_db()
    assert theirs.guest_name == "Bella Moss"
    page = client.get(article.url).content.decode()
    assert "Ada Reader" not in page and "Former reader" in page


def test_a_staff_account_is_not_closed_by_a_mailed_link(article, ask_for_link, submit):
    from accounts.models import User
    from accounts.tests.fixtures import make_user

    make_user("editor@example.org", display_name="Eddie Tor", is_staff=True)
    path = ask_for_link("editor@example.org")

    response = submit("post", path + "erase/", {"mode": "remove", "confirm": "yes"})

    assert "Your account kept" in response.content.decode()
    assert User.objects.filter(email="editor@example.org").exists()


def test_a_signed_in_member_goes_straight_to_their_data(client, article):
    from accounts.tests.fixtures import PASSWORD, make_user

    make_user("ada@example.org", display_name="Ada Reader")
    assert client.login(username="ada", password=PASSWORD)
    assert "Download or erase your data" in client.get("/accounts/").content.decode()

    response = client.post("/privacy/mine/", follow=True)

    assert response.status_code == 200
    assert "For <strong>ada@example.org</strong>" in response.content.decode()
    assert "Make them anonymous" in response.content.decode()


def test_the_shortcut_needs_a_signed_in_member_with_a_proved_address(client, db):
    from accounts.tests.fixtures import PASSWORD, make_user

    assert client.post("/privacy/mine/").status_code == 302  # to sign in
    assert client.get("/privacy/mine/").status_code == 302
    make_user("ben@example.org", username="ben", verified=False)
    client.login(username="ben", password=PASSWORD)

    response = client.post("/privacy/mine/")

    assert response.status_code == 403
    assert "ask by e-mail instead" in response.content.decode()
    assert not LinkRequest.objects.exists()
