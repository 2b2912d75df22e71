"""Comment notifications end to end, through a real SMTP server: consent first,
then one mail per comment per reader, threaded, and stopped in one click."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from accounts.tests.fixtures import body, links
from discussion import services as discussion
from discussion.tests.fixtures import guest, member
from subscriptions import outbox
from subscriptions.models import Address, Delivery, Event, Subscription

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return urlsplit(url).path


def header(message, name: str) -> str | None:
    """A header's value as a mail program shows it: unfolded, trimmed."""
    value = message[name]
    return None if value is None else " ".join(str(value).split())


def link_to(message, kind: str) -> str:
    """The first link in a message's text that leads to /subscriptions/<kind>/."""
    return next(
        path_of(url) for url in links(body(message)) if f"/subscriptions/{kind}/" in url
    )


@pytest.fixture
def comment_on(article, committed):
    """Posts a comment on the article as a committed request would."""

    def post(text="A fine point.", *, reader=None, parent=None, **fields):
        if reader is None or reader.user is None:
            fields = {"name": "Asher", "email": "asher@example.org", **fields}
        return committed(
            discussion.post_comment,
            article=article,
            reader=reader or guest(),
            body=text,
            parent_id=parent.pk if parent else None,
            **fields,
        )

    return post


def confirm_by_mail(client, message) -> None:
    """Follows the confirmation link in `message` and presses its button."""
    url = link_to(message, "confirm")
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 200


def test_a_guest_following_an_article_gets_one_confirmation_then_each_comment(
    smtp_server, comment_on, client, article
):
    comment_on(notify="all", email="Carol@Example.org", name="Carol")

    assert [m["To"] for m in smtp_server.messages] == ["Carol@example.org".lower()]
    confirmation = smtp_server.messages[0]
    assert header(confirmation, "Subject") == "Confirm your subscription to Global News"
    assert "new comments on “Open for discussion”" in body(confirmation)
    assert header(confirmation, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"

    # Until the link is followed, nothing else is sent to the address.
    comment_on("Before confirming.", name="Dan", email="dan@example.org")
    assert len(smtp_server.messages) == 1
    assert not Delivery.objects.filter(event__kind="comment.visible").exists()

    # Opening the link changes nothing; the button does.
    url = link_to(confirmation, "confirm")
    page = client.get(url)
    assert page.status_code == 200
    assert b"Yes, send me these e-mails" in page.content
    assert Address.objects.get(email="carol@example.org").confirmed_at is None
    assert client.post(url).status_code == 200
    assert Address.objects.get(email="carol@example.org").confirmed_at is not None

    reply = comment_on("After confirming.", name="Eve", email="eve@example.org")

    assert len(smtp_server.messages) == 2
    mail = smtp_server.messages[1]
    assert header(mail, "To") == "carol@example.org"
    assert header(mail, "Subject") == "New comment on “Open for discussion”"
    assert "After confirming." in body(mail)
    assert "After confirming." in body(mail, "html")
    assert header(mail, "Message-ID").startswith("<delivery.")
    assert header(mail, "References") == f"<article.{article.pk}@testserver>"
    assert header(mail, "In-Reply-To") == f"<article.{article.pk}@testserver>"
    unsubscribe = header(mail, "List-Unsubscribe")
    assert unsubscribe.startswith("<http://testserver/subscriptions/unsubscribe/")
    assert header(mail, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert f"?thread={reply.pk}#comment-{reply.pk}" in body(mail)
    delivery = Delivery.objects.get(
        address__email="carol@example.org", event__kind="comment.visible"
    )
    assert delivery.message_id == header(mail, "Message-ID")


def test_a_verified_member_hears_of_replies_by_default_threaded_under_their_comment(
    smtp_server, comment_on, reader, article
):
    own = comment_on("My view.", reader=member(reader))
    assert smtp_server.messages == []  # no confirmation: the address is verified

    reply = comment_on("I disagree.", parent=own, name="Finn", email="finn@ex.org")

    (mail,) = smtp_server.messages
    assert header(mail, "To") == "ada@example.org"
    assert (
        header(mail, "Subject")
        == "Finn replied to your comment on “Open for discussion”"
    )
    assert header(mail, "In-Reply-To") == f"<comment.{own.pk}@testserver>"
    assert header(mail, "References") == (
        f"<article.{article.pk}@testserver> <comment.{own.pk}@testserver>"
    )
    assert "I disagree." in body(mail)
    assert reply.pk


def test_nobody_hears_of_their_own_comment_and_each_reader_gets_one_mail(
    smtp_server, comment_on, reader
):
    # Ada follows the whole article and gets replies: two subscriptions match.
    own = comment_on("First.", reader=member(reader), notify="all")
    comment_on("Also mine.", reader=member(reader))
    assert smtp_server.messages == []

    comment_on("A reply.", parent=own, name="Gus", email="gus@example.org")

    assert [m["To"] for m in smtp_server.messages] == ["ada@example.org"]
    assert Delivery.objects.filter(address__email="ada@example.org").count() == 1


def test_a_member_who_says_none_gets_nothing(smtp_server, comment_on, reader):
    own = comment_on("Quiet please.", reader=member(reader), notify="none")
    comment_on("A reply.", parent=own)

    assert smtp_server.messages == []
    assert not Subscription.objects.exists()


def test_one_click_unsubscribe_stops_the_mail_with_no_other_step(
    smtp_server, comment_on, reader, client
):
    comment_on("Mine.", reader=member(reader), notify="all")
    comment_on("Another.")
    (mail,) = smtp_server.messages
    url = path_of(header(mail, "List-Unsubscribe").strip("<>"))

    # A mail scanner opening the link changes nothing.
    assert client.get(url).status_code == 200
    assert Subscription.objects.active().count() == 2
    # A POST without RFC 8058's body changes nothing either.
    assert client.post(url, {"List-Unsubscribe": "Yes"}).status_code == 400
    assert client.post(url).status_code == 400
    assert Subscription.objects.active().count() == 2

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Subscription.objects.active().get().topic == "replies"
    comment_on("Yet another.")
    assert len(smtp_server.messages) == 1
    # Again: still stopped, and said so.
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_a_comment_withdrawn_before_sending_is_not_sent_and_restored_once(
    smtp_server, comment_on, reader, committed, settings
):
    comment_on("Mine.", reader=member(reader), notify="all")
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    other = comment_on("Withdrawn soon.")
    committed(discussion.withdraw_comment, comment_id=other.pk, state="removed")
    outbox.run()
    assert smtp_server.messages == []
    assert Event.objects.get(key=f"comment.visible:{other.pk}").state == "skipped"

    committed(discussion.restore_comment, comment_id=other.pk)
    outbox.run()
    committed(discussion.withdraw_comment, comment_id=other.pk, state="removed")
    committed(discussion.restore_comment, comment_id=other.pk)
    outbox.run()

    assert [body(m).count("Withdrawn soon.") for m in smtp_server.messages] == [1]


def test_a_comment_removed_after_fan_out_is_cancelled(
    smtp_server, comment_on, reader, committed, settings
):
    comment_on("Mine.", reader=member(reader), notify="all")
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    other = comment_on("Spam, really.")
    outbox.fan_out()
    committed(discussion.withdraw_comment, comment_id=other.pk, state="spam")

    outbox.run()

    assert smtp_server.messages == []
    assert Delivery.objects.get().state == "cancelled"


def test_while_smtp_is_down_mail_waits_and_retries_then_leaves_once(
    smtp_server, comment_on, reader, settings
):
    comment_on("Mine.", reader=member(reader), notify="all")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 9  # nothing listens there
    before = timezone.now()
    comment_on("During the outage.")

    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("pending", 1)
    assert delivery.last_error
    assert delivery.next_attempt_at <= before + timedelta(seconds=31)
    assert outbox.run() == 0  # not due yet: nothing tried
    assert Delivery.objects.get().attempts == 1

    settings.EMAIL_PORT = port
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert outbox.run() == 1
    assert outbox.run() == 0

    assert len(smtp_server.messages) == 1
    assert Delivery.objects.get().state == "sent"


def test_backoff_starts_within_30_seconds_and_is_capped_at_15_minutes():
    waits = [outbox.retry_wait(n) for n in range(1, 9)]
    assert waits[0] <= 30
    assert waits == sorted(waits)
    assert max(waits) == 15 * 60


def test_a_5xx_answer_fails_for_good_and_is_recorded(smtp_server, comment_on, reader):
    comment_on("Mine.", reader=member(reader), notify="all")
    smtp_server.refuse["ada@example.org"] = "550 No such user here"

    comment_on("Bounced.")

    delivery = Delivery.objects.get()
    assert delivery.state == "failed"
    assert "550" in delivery.last_error
    assert smtp_server.messages == []


def test_still_failing_after_24_hours_is_given_up(smtp_server, comment_on, reader):
    comment_on("Mine.", reader=member(reader), notify="all")
    smtp_server.refuse["ada@example.org"] = "451 Try again later"
    comment_on("Deferred.")
    assert Delivery.objects.get().state == "pending"

    Delivery.objects.update(
        created_at=timezone.now() - timedelta(hours=25), next_attempt_at=timezone.now()
    )
    outbox.run()

    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert "451" in delivery.last_error


def test_titles_and_names_cannot_inject_headers(
    smtp_server, comment_on, reader, article
):
    comment_on("Mine.", reader=member(reader), notify="all")
    type(article).objects.filter(pk=article.pk).update(
        title="Breaking\r\nBcc: victim@example.org\u2028\x0bnews"
    )

    comment_on("Hello.")

    (mail,) = smtp_server.messages
    assert header(mail, "Bcc") is None
    assert (
        header(mail, "Subject")
        == "New comment on “Breaking Bcc: victim@example.org news”"
    )
    assert smtp_server.recipients == [["ada@example.org"]]


def test_comments_in_one_second_share_one_pass_of_the_worker(
    smtp_server, comment_on, reader, settings
):
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    comment_on("Mine.", reader=member(reader), notify="all")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.delete("subscriptions:wake")

    for n in range(5):
        comment_on(f"Busy thread, comment {n}.")

    [task] = DBTaskResult.objects.all()  # one pass queued, not five
    assert task.task_path == "subscriptions.tasks.deliver_notifications"
    assert task.run_after > timezone.now()  # when the window closes
    assert smtp_server.messages == []
    outbox.run()  # what that pass does
    assert sorted(body(m).count("Busy thread") for m in smtp_server.messages) == [1] * 5
