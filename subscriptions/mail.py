"""The mails themselves: rendered from templates, with the headers that make
them trustworthy (one-click unsubscribe, a Message-ID, threading).

Nothing a reader typed reaches a header unchanged: names and titles lose every
control and format character, line breaks included (`header_text`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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


def _render(template: str, context: dict, shared: dict) -> tuple[str, str, str]:
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
            "topic": services.describe_topic(subscription.topic),
            **links,
        },
        shared,
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
        shared[key] = None
        if article is not None:
            shared[key] = {
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
    )
    return Rendered(subject, text, html, _list_headers(links))


RENDERERS = {
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
    the words for a topic), so a batch reads each once.
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
