"""The bytes the SMTP server is handed: one announcement rendered once for all
its readers, yet each mail carrying its reader's own links; long lines and
words outside ASCII arriving intact."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from accounts.tests.fixtures import body, links
from discussion import services as discussion
from discussion.tests.fixtures import guest
from newsroom.tests.fixtures import create_article
from subscriptions import outbox, services
from subscriptions.tests.test_articles import follower

pytestmark = pytest.mark.django_db


def unsubscribe_links(message) -> set[str]:
    """The one-click link of the header and every unsubscribe link in both
    parts of a mail, as paths."""
    found = {urlsplit(message["List-Unsubscribe"].strip("<>")).path}
    for kind in ("plain", "html"):
        found |= {
            urlsplit(url).path
            for url in links(body(message, kind))
            if "/subscriptions/unsubscribe/" in url
        }
    return found


def test_each_reader_of_one_announcement_gets_their_own_links(
    smtp_server, section, author, committed, client
):
    readers = {
        f"reader{n}@example.org": follower(f"reader{n}@example.org", topic)
        for n, topic in enumerate(["site", "site", f"section:{section.slug}"])
    }

    committed(create_article, section, author, "Ünïcode – and “quotes”")

    assert len(smtp_server.messages) == 3
    for message in smtp_server.messages:
        address = readers[message["To"]]
        [link] = unsubscribe_links(message)
        token = link.rstrip("/").rsplit("/", 1)[1]
        stops = services.check_unsubscribe(token=token)
        assert stops.address == address
        assert stops.subscription == address.subscriptions.get()
        assert message["Subject"] == "New on Global News: “Ünïcode – and “quotes””"
        manage = [u for u in links(body(message)) if "/subscriptions/manage/" in u]
        assert client.get(urlsplit(manage[0]).path).status_code == 200
    section_mail = next(
        m for m in smtp_server.messages if m["To"] == "reader2@example.org"
    )
    assert "new articles in" in body(section_mail)


def test_a_comment_with_a_very_long_line_arrives_whole(
    smtp_server, article, committed, settings
):
    follower("carol@example.org", f"article:{article.pk}")
    text = "Ça = ça, " * 400  # 3,600 characters on one line, '=' and accents

    committed(
        discussion.post_comment,
        article=article,
        reader=guest(),
        body=text.strip(),
        name="Asher",
        email="asher@example.org",
    )

    [message] = smtp_server.messages
    plain = message.get_body(("plain",))
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert max(len(line) for line in plain.as_string().splitlines()) <= 998
    assert text.strip() in body(message)
    assert re.sub(r"\s+", " ", text.strip()) in re.sub(
        r"\s+", " ", body(message, "html")
    )
    assert outbox.run() == 0
