"""The mails themselves: rendered from templates, with the headers that make
them trustworthy (one-click unsubscribe, a Message-ID, threading).

Nothing a reader typed reaches a header unchanged: names and titles lose every
control and format character, line breaks included (`header_text`).
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from email import quoprimime
from email.header import Header
from email.utils import formatdate
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse

from discussion.models import Comment
from newsroom.models import ArticlePage, attach_sections
from newsroom.services import site_name

from . import services
from .models import Address, Delivery, Event, Subscription


class Obsolete(Exception):
    """The delivery should no longer be sent (its comment was withdrawn, its
    subscription stopped, its address never confirmed)."""


def header_text(value: str, limit: int = 150) -> str:
    """`value` made safe for a header: no control, format or separator
    characters (CR and LF among them), spaces collapsed, at most `limit`."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Zl", "Zp") or ch in "\t\r\n" else ch
        for ch in value
        if unicodedata.category(ch)[0] != "C" or ch in "\t\r\n"
    )
    text = " ".join(kept.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def absolute_url(path: str) -> str:
    return (
        path if path.startswith(("http://", "https://")) else settings.SITE_URL + path
    )


def mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(delivery: Delivery) -> str:
    # Fixed per delivery: sent again after a crash, it is the same message to the
    # receiving side, which may drop the copy.
    return f"<delivery.{delivery.pk}.{delivery.event_id}@{mail_domain()}>"


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    headers: dict[str, str]


def _links(address: Address, subscription: Subscription | None) -> dict[str, str]:
    manage = reverse("subscriptions:manage", args=[services.manage_token(address)])
    stop = reverse(
        "subscriptions:unsubscribe",
        args=[services.unsubscribe_token(address, subscription)],
    )
    return {"manage_url": absolute_url(manage), "unsubscribe_url": absolute_url(stop)}


# What stands for a reader's own links while a mail shared by many is rendered:
# letters, digits and dashes, which no template escaping changes.
LINK_STANDINS = {
    "manage_url": "tribune-standin-manage-url-3f9c1e",
    "unsubscribe_url": "tribune-standin-unsubscribe-url-3f9c1e",
}


def _render(
    template: str, context: dict, shared: dict, *, same_for: tuple | None = None
) -> tuple[str, str, str]:
    """Subject, text and HTML of a mail from its three templates.

    `same_for` names what decides everything in the mail but the reader's own
    links (the event, the topic): mails with the same one are rendered once per
    pass, with stand-ins for `manage_url` and `unsubscribe_url` that are then
    replaced by each reader's links. Ten thousand readers of one new article
    cost one rendering, not ten thousand.
    """
    if same_for is None:
        return _render_now(template, context, shared)
    key = ("rendered", template, same_for)
    if key not in shared:
        shared[key] = _render_now(template, {**context, **LINK_STANDINS}, shared)
    subject, text, html = shared[key]
    for name, standin in LINK_STANDINS.items():
        text = text.replace(standin, context[name])
        html = html.replace(standin, context[name])
    return subject, text, html


def _render_now(template: str, context: dict, shared: dict) -> tuple[str, str, str]:
    base = f"emails/subscriptions/{template}"
    if "site_name" not in shared:
        shared["site_name"] = header_text(site_name())
    context = {
        "site_name": shared["site_name"],
        "site_url": settings.SITE_URL,
        **context,
    }
    return (
        header_text(render_to_string(f"{base}_subject.txt", context), limit=200),
        render_to_string(f"{base}.txt", context),
        render_to_string(f"{base}.html", context),
    )


def _confirmation(delivery: Delivery, event: Event, shared: dict) -> Rendered:
    address = delivery.address
    nonce = event.payload.get("nonce", "")
    if address.confirm_nonce != nonce:
        raise Obsolete("a newer confirmation was asked for, or this one was used")
    pending = list(address.subscriptions.pending().order_by("pk"))
    if not pending:
        raise Obsolete("nothing is waiting for confirmation")
    link = reverse(
        "subscriptions:confirm", args=[services.confirm_token(address, nonce)]
    )
    links = _links(address, None)
    subject, text, html = _render(
        "confirm",
        {
            "link": absolute_url(link),
            "topics": [services.describe_topic(s.topic) for s in pending],
            "valid_hours": settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE // 3600,
            **links,
        },
        shared,
    )
    return Rendered(subject, text, html, _list_headers(links))


def _comment(delivery: Delivery, event: Event, shared: dict) -> Rendered:
    address = delivery.address
    comment = (
        Comment.objects.select_related("thread", "user", "parent")
        .filter(pk=event.payload.get("comment_id"))
        .first()
    )
    if comment is None or comment.is_placeholder:
        raise Obsolete("the comment is no longer visible")
    if not address.is_confirmed:
        raise Obsolete("the address was never confirmed")
    subscription = delivery.subscription
    if subscription is None or not subscription.is_active:
        raise Obsolete("the subscription was stopped")
    article_id = comment.thread.article_id
    article = ArticlePage.objects.filter(pk=article_id).first()
    if article is None or not article.live:
        raise Obsolete("the article is gone")
    title = header_text(article.title)
    author = header_text(comment.author_name, limit=60)
    is_reply = subscription.topic == services.REPLIES
    links = _links(address, subscription)
    comment_url = absolute_url(f"{article.url}?thread={comment.root_id or comment.pk}")
    subject, text, html = _render(
        "comment",
        {
            "title": title,
            "author": author,
            "is_reply": is_reply,
            "comment": comment,
            "comment_url": f"{comment_url}#{comment.anchor}",
            "topic": _topic_text(subscription.topic, shared),
            **links,
        },
        shared,
        same_for=(event.pk, subscription.topic),
    )
    # Every mail about one article's discussion threads under the article;
    # a reply also under the comment it answers.
    domain = mail_domain()
    references = [f"<article.{article_id}@{domain}>"]
    if comment.parent_id:
        references.append(f"<comment.{comment.parent_id}@{domain}>")
    headers = {
        **_list_headers(links),
        "In-Reply-To": references[-1],
        "References": " ".join(references),
    }
    return Rendered(subject, text, html, headers)


def _list_headers(links: dict[str, str]) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


def _topic_text(topic: str, shared: dict) -> str:
    key = ("topic", topic)
    if key not in shared:
        shared[key] = services.describe_topic(topic)
    return shared[key]


def article_facts(article_id: int, shared: dict) -> dict | None:
    """What a mail says of an article (None unless it is live and public), read
    once per batch however many mails mention it."""
    key = ("article", article_id)
    if key not in shared:
        article = (
            ArticlePage.objects.live()
            .public()
            .filter(pk=article_id)
            .defer_streamfields()
            .first()
        )
        # One assignment: senders in other threads read `shared` meanwhile.
        shared[key] = article and {
            "pk": article.pk,
            "title": header_text(article.title),
            "standfirst": article.standfirst,
            "url": absolute_url(article.url),
        }
    return shared[key]


def _subscribed(delivery: Delivery) -> Subscription:
    """The delivery's subscription, or Obsolete if mail under it must not leave."""
    if not delivery.address.is_confirmed:
        raise Obsolete("the address was never confirmed")
    subscription = delivery.subscription
    if subscription is None or not subscription.is_active:
        raise Obsolete("the subscription was stopped")
    return subscription


def _article(delivery: Delivery, event: Event, shared: dict) -> Rendered:
    article = article_facts(event.payload.get("article_id"), shared)
    if article is None:
        raise Obsolete("the article is no longer published")
    subscription = _subscribed(delivery)
    links = _links(delivery.address, subscription)
    subject, text, html = _render(
        "article",
        {
            "article": article,
            "topic": _topic_text(subscription.topic, shared),
            **links,
        },
        shared,
        same_for=(event.pk, subscription.topic),
    )
    return Rendered(subject, text, html, _list_headers(links))


def _roundup(delivery: Delivery, event: Event, shared: dict) -> Rendered:
    """The comments on one article held back by the hourly throttle, in one mail."""
    subscription = _subscribed(delivery)
    article = article_facts(event.payload["article_id"], shared)
    if article is None:
        raise Obsolete("the article is gone")
    comments = [
        comment
        for comment in Comment.objects.filter(pk__in=event.payload["comment_ids"])
        .select_related("user")
        .order_by("created_at", "pk")
        if not comment.is_placeholder
    ]
    if not comments:
        raise Obsolete("every comment was withdrawn")
    links = _links(delivery.address, subscription)
    subject, text, html = _render(
        "roundup",
        {
            "article": article,
            "comments": [
                {
                    "author": header_text(c.author_name, limit=60),
                    "comment": c,
                    "url": f"{article['url']}?thread={c.root_id or c.pk}#{c.anchor}",
                }
                for c in comments
            ],
            "topic": _topic_text(subscription.topic, shared),
            **links,
        },
        shared,
    )
    thread = f"<article.{article['pk']}@{mail_domain()}>"
    headers = {**_list_headers(links), "In-Reply-To": thread, "References": thread}
    return Rendered(subject, text, html, headers)


def digest_articles(event: Event, shared: dict) -> list[dict]:
    """The articles a digest event covers (first published in its window, still
    live), oldest first, each with the topics whose followers want it; read once
    per batch."""
    key = ("digest", event.pk)
    if key not in shared:
        since = datetime.fromisoformat(event.payload["since"])
        until = datetime.fromisoformat(event.payload["until"])
        articles = attach_sections(
            list(
                ArticlePage.objects.live()
                .public()
                .filter(first_published_at__gte=since, first_published_at__lt=until)
                .defer_streamfields()
                .prefetch_related("article_authors__author")
                .order_by("first_published_at", "pk")
            )
        )
        shared[key] = [
            {
                "pk": article.pk,
                "title": header_text(article.title),
                "standfirst": article.standfirst,
                "url": absolute_url(article.url),
                "topics": services.article_topics(
                    section_slug=article.section.slug if article.section else None,
                    author_slugs=[author.slug for author in article.authors],
                ),
            }
            for article in articles
        ]
    return shared[key]


def _digest(delivery: Delivery, event: Event, shared: dict) -> Rendered:
    subscription = _subscribed(delivery)
    # Everything the address follows by digest, not only the subscription the
    # unsubscribe link stops: one mail a day holds all of it.
    followed = set(
        delivery.address.subscriptions.active()
        .filter(frequency=Subscription.Frequency.DAILY)
        .values_list("topic", flat=True)
    )
    articles = [
        article
        for article in digest_articles(event, shared)
        if followed.intersection(article["topics"])
    ]
    if not articles:
        raise Obsolete("none of the day's articles is followed any more")
    links = _links(delivery.address, subscription)
    subject, text, html = _render(
        "digest",
        {
            "articles": articles,
            "day": date.fromisoformat(event.payload["day"]),
            "topics": [_topic_text(topic, shared) for topic in sorted(followed)],
            **links,
        },
        shared,
        same_for=(event.pk, tuple(sorted(followed))),
    )
    return Rendered(subject, text, html, _list_headers(links))


def _notice(delivery: Delivery, event: Event, shared: dict) -> Rendered:
    """A one-off notice (moderation's statement of reasons): its subject and
    paragraphs as the sender wrote them, in the site's look."""
    links = _links(delivery.address, None)
    subject, text, html = _render(
        "notice",
        {
            "subject": event.payload.get("subject", ""),
            "paragraphs": event.payload.get("paragraphs", []),
            **links,
        },
        shared,
    )
    return Rendered(subject, text, html, {})


RENDERERS = {
    services.NOTICE: _notice,
    "address.confirm": _confirmation,
    "comment.visible": _comment,
    "article.published": _article,
    services.DIGEST: _digest,
    "comment.roundup": _roundup,
}


def build_message(
    delivery: Delivery, event: Event, shared: dict | None = None
) -> EmailMultiAlternatives:
    """The mail for one delivery, or Obsolete when it should not leave.

    `shared` keeps what several mails of one batch have in common (an article,
    the words for a topic), so a batch reads each once. Senders in several
    threads share it: each entry is assigned once, complete.
    """
    rendered = RENDERERS[event.kind](delivery, event, {} if shared is None else shared)
    message = EmailMultiAlternatives(
        rendered.subject,
        rendered.text,
        from_email=settings.SUBSCRIPTIONS_FROM_EMAIL,
        to=[delivery.address.email],
        reply_to=[settings.SUBSCRIPTIONS_REPLY_TO]
        if settings.SUBSCRIPTIONS_REPLY_TO
        else None,
        headers={"Message-ID": message_id(delivery), **rendered.headers},
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


@dataclass
class Outgoing:
    """One mail as the SMTP server is handed it: envelope and bytes."""

    sender: str
    recipient: str
    data: bytes
    message_id: str


def build_outgoing(
    delivery: Delivery, event: Event, shared: dict | None = None
) -> Outgoing:
    """The mail for one delivery as bytes, or Obsolete: the same mail as
    `build_message`, serialised directly.

    Python's email package lays out, folds and encodes every header and part of
    every message anew; for ten thousand copies of one announcement that took
    more of the worker's time than anything but waiting. The layout here is
    fixed and small: headers that were made safe once (`header_text`, and
    RFC 2047 for words outside ASCII), then the plain text and HTML as one
    multipart/alternative, each part in 8 bits, or quoted-printable when a line
    is longer than SMTP allows.
    """
    shared = {} if shared is None else shared
    rendered = RENDERERS[event.kind](delivery, event, shared)
    if "envelope" not in shared:
        sender = sanitize_address(settings.SUBSCRIPTIONS_FROM_EMAIL, "utf-8")
        reply_to = settings.SUBSCRIPTIONS_REPLY_TO
        shared["envelope"] = (
            sender,
            sanitize_address(reply_to, "utf-8") if reply_to else "",
        )
    sender, reply_to = shared["envelope"]
    recipient = sanitize_address(delivery.address.email, "utf-8")
    ident = message_id(delivery)
    subject_key = ("subject", rendered.subject)
    if subject_key not in shared:
        shared[subject_key] = _encoded_header("Subject", rendered.subject)
    headers = [
        ("From", sender),
        ("To", recipient),
        ("Subject", shared[subject_key]),
        ("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)),
        ("Message-ID", ident),
        *([("Reply-To", reply_to)] if reply_to else []),
        *rendered.headers.items(),
        ("MIME-Version", "1.0"),
    ]
    boundary = _boundary(rendered)
    lines = [f"{name}: {value}" for name, value in headers]
    lines += [
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        f"--{boundary}",
        *_part("plain", rendered.text),
        f"--{boundary}",
        *_part("html", rendered.html),
        f"--{boundary}--",
        "",
    ]
    # Lines end in CRLF, as SMTP wants (smtplib adds only the leading dots).
    return Outgoing(sender, recipient, "\r\n".join(lines).encode("utf-8"), ident)


def _encoded_header(name: str, value: str) -> str:
    """`value` as a header may carry it: encoded words (RFC 2047) outside
    ASCII, folded when long. `value` has no line breaks (`header_text`)."""
    charset = "us-ascii" if value.isascii() else "utf-8"
    return Header(value, charset, header_name=name).encode(linesep="\r\n")


def _boundary(rendered: Rendered) -> str:
    """A multipart boundary that appears in neither part."""
    while True:
        boundary = f"=_tribune_{secrets.token_hex(12)}"
        if boundary not in rendered.text and boundary not in rendered.html:
            return boundary


def _part(subtype: str, body: str) -> list[str]:
    """The lines of one text part: 8 bits when every line fits SMTP's 998
    octets, else quoted-printable."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if all(len(line.encode("utf-8")) <= 998 for line in lines):
        encoding = "8bit"
        body = "\r\n".join(lines)
    else:
        encoding = "quoted-printable"
        body = quoprimime.body_encode(
            "\n".join(lines).encode("utf-8").decode("latin-1"), eol="\r\n"
        )
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        f"Content-Transfer-Encoding: {encoding}",
        "",
        body,
    ]
