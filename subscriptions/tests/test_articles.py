"""New articles: announced once, when first published, to instant followers of
the site, its section or its authors, one mail per reader, in batches that
share an SMTP connection."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.fixtures import body
from newsroom.models import Author
from newsroom.tests.fixtures import create_article
from subscriptions import outbox
from subscriptions.models import Address, Delivery, Event, Subscription

pytestmark = pytest.mark.django_db


def header(message, name: str) -> str | None:
    value = message[name]
    return None if value is None else " ".join(str(value).split())


def follower(email: str, *topics: str, frequency: str = "instant") -> Address:
    """A confirmed address following `topics`."""
    now = timezone.now()
    address, _ = Address.objects.get_or_create(
        email=email, defaults={"confirmed_at": now}
    )
    for topic in topics:
        Subscription.objects.create(
            address=address, topic=topic, frequency=frequency, confirmed_at=now
        )
    return address


@pytest.fixture
def second_author(db) -> Author:
    return Author.objects.create(name="Bo Reed", slug="bo-reed")


@pytest.fixture
def publish(section, author, committed):
    """Publishes a new article as the editor's request would (committed)."""

    def run(title="A new report", **fields):
        return committed(create_article, section, author, title, **fields)

    return run


def test_followers_of_site_section_and_author_each_get_one_mail(
    smtp_server, publish, section, author, second_author
):
    follower("site@example.org", "site")
    follower("section@example.org", f"section:{section.slug}")
    follower("author@example.org", f"author:{second_author.slug}")
    every = follower(
        "all@example.org", "site", f"section:{section.slug}", f"author:{author.slug}"
    )
    follower("other@example.org", "section:elsewhere", "author:nobody")
    follower("daily@example.org", "site", frequency="daily")
    Address.objects.create(email="unconfirmed@example.org")
    Subscription.objects.create(
        address=Address.objects.get(email="unconfirmed@example.org"), topic="site"
    )

    article = publish(
        "Floods in the delta",
        standfirst="Thousands leave their homes.",
        authors=[author, second_author],
    )

    assert sorted(m["To"] for m in smtp_server.messages) == [
        "all@example.org",
        "author@example.org",
        "section@example.org",
        "site@example.org",
    ]
    mail = next(m for m in smtp_server.messages if m["To"] == "all@example.org")
    assert header(mail, "Subject") == "New on Global News: “Floods in the delta”"
    for kind in ("plain", "html"):
        assert "Floods in the delta" in body(mail, kind)
        assert "Thousands leave their homes." in body(mail, kind)
        assert f"http://testserver{article.url}" in body(mail, kind)
    assert header(mail, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert header(mail, "Message-ID").startswith("<delivery.")
    # The unsubscribe link stops the most particular subscription that matched.
    delivery = Delivery.objects.get(address=every, event__kind="article.published")
    assert delivery.subscription.topic == f"author:{author.slug}"
    assert "new articles by Ada Quill" in body(mail)


def test_an_edit_or_a_second_publication_sends_nothing_more(
    smtp_server, publish, committed
):
    follower("site@example.org", "site")
    article = publish()
    assert len(smtp_server.messages) == 1

    def edit_and_republish():
        article.title = "A new report, updated"
        article.save_revision().publish()
        article.unpublish()
        article.save_revision().publish()

    committed(edit_and_republish)

    assert len(smtp_server.messages) == 1
    assert Event.objects.filter(kind="article.published").count() == 1


def test_a_draft_sends_nothing_until_published(smtp_server, publish, committed):
    follower("site@example.org", "site")
    draft = publish(publish=False)
    assert smtp_server.messages == []
    assert not Event.objects.filter(kind="article.published").exists()

    committed(lambda: draft.save_revision().publish())

    assert [m["To"] for m in smtp_server.messages] == ["site@example.org"]


def test_a_stopped_subscription_after_fan_out_is_cancelled(
    settings, smtp_server, publish
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    address = follower("site@example.org", "site")
    publish()
    outbox.fan_out()
    Subscription.objects.filter(address=address).update(stopped_at=timezone.now())

    outbox.run()

    assert smtp_server.messages == []
    assert Delivery.objects.get().state == Delivery.State.CANCELLED


@pytest.fixture
def smtp_sessions(smtp_server):
    """The client ends (host, port) of the SMTP connections each mail came over."""
    sessions: list = []
    keep = smtp_server.handle_DATA

    async def handle_DATA(server, session, envelope):
        sessions.append(session.peer)
        return await keep(server, session, envelope)

    smtp_server.handle_DATA = handle_DATA
    return sessions


def test_a_batch_of_mails_shares_one_smtp_connection(
    settings, smtp_server, smtp_sessions, publish
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    for n in range(outbox.BATCH + 5):
        follower(f"reader{n}@example.org", "site")
    publish()

    assert outbox.run() == outbox.BATCH + 5

    assert len(smtp_server.messages) == outbox.BATCH + 5
    # One connection for the first batch of 50, another for the last 5.
    assert len(set(smtp_sessions)) == 2
    assert len(set(smtp_sessions[: outbox.BATCH])) == 1


def _queries_per_send(settings, section, author, readers: int) -> int:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}
    }
    Address.objects.bulk_create(
        Address(email=f"r{readers}-{n}@example.org", confirmed_at=timezone.now())
        for n in range(readers)
    )
    Subscription.objects.bulk_create(
        Subscription(address=address, topic="site", confirmed_at=timezone.now())
        for address in Address.objects.filter(email__startswith=f"r{readers}-")
    )
    create_article(section, author)
    with CaptureQueriesContext(connection) as queries:
        sent = outbox.run(max_batches=10_000)
    assert sent == readers
    return len(queries)


@pytest.mark.parametrize("readers", [10, 1000], ids=["10-readers", "1000-readers"])
def test_queries_per_mail_stay_constant(
    settings, smtp_server, section, author, readers
):
    queries = _queries_per_send(settings, section, author, readers)
    batches = -(-readers // outbox.BATCH)
    # Per mail: the UPDATE that records it sent. Per batch: the claim (release
    # stale claims, pick, take, read its deliveries). Per pass: the fan-out (the
    # event, its article, the followers, the deliveries), the article and the
    # site's name for the mails, the round-ups due (none), the last claim that
    # finds nothing. SQLite splits the deliveries' INSERT into chunks of about a
    # hundred rows.
    inserts = -(-readers // 100) if connection.vendor == "sqlite" else 1
    assert queries <= readers + 6 * batches + inserts + 30
