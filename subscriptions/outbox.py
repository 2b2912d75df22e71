"""The worker's side: events become deliveries, deliveries become mail.

Safe with any number of workers at once, and after any of them is killed:

- An event is fanned out under its row lock (SKIP LOCKED on PostgreSQL, so
  workers share the queue); the (event, address) unique key makes a second
  fan-out of the same event add nothing.
- A delivery is claimed by one conditional UPDATE (`state='pending'` →
  `sending`, with the worker's token), so two workers never hold the same one;
  on PostgreSQL the candidates are picked with SKIP LOCKED so they do not wait
  on each other. A claim older than the lease (SUBSCRIPTIONS_CLAIM_LEASE_SECONDS:
  its worker died) goes back to the queue, and a worker stops sending a batch
  once half the lease has passed and gives back what is left, so a slow SMTP
  server never lets a lease run out under a living worker.
- Each mail is recorded as sent in a transaction of its own, right after the
  SMTP server's "250" for it, before the next mail of the batch is offered. A
  worker killed at any moment therefore leaves every accepted mail recorded,
  except in one window: after the server wrote "250" for a mail and before the
  UPDATE recording it has committed (one round trip to the database and a
  commit, about a millisecond on one machine). A mail accepted in that window is
  still `sending`, and is sent again when the lease runs out, with the same
  Message-ID, which lets the receiving side drop the copy. A worker sends with
  SUBSCRIPTIONS_SENDERS threads, each with this window of its own: a kill can
  catch at most that many mails in it. SMTP has no way to
  ask a server afterwards whether it took a message, so the window can be made
  short, not closed. A worker killed anywhere else (fanning out, between mails,
  or while the server has not yet answered) sends nothing twice.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from discussion.models import Comment
from newsroom.models import ArticlePage

from . import mail, services
from .models import Address, Delivery, Event, Subscription

log = logging.getLogger(__name__)

BATCH = 50


def lease() -> timedelta:
    """How long a claim holds before its deliveries go back to the queue."""
    return timedelta(seconds=settings.SUBSCRIPTIONS_CLAIM_LEASE_SECONDS)


def worker_token() -> str:
    return f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _skip_locked(queryset):
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset  # SQLite: one writer at a time; the UPDATE decides


# --- events into deliveries -----------------------------------------------------
def fan_out(*, limit: int = 100) -> int:
    """Turns pending events into deliveries; returns how many events it took."""
    done = 0
    while done < limit:
        with transaction.atomic():
            event = (
                _skip_locked(Event.objects.filter(state=Event.State.PENDING))
                .order_by("pk")
                .first()
            )
            if event is None:
                return done
            recipients = RECIPIENTS[event.kind](event)
            thread_key = _thread_key(event) if recipients else ""
            held = _over_the_limit(thread_key) if thread_key else {}
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        event=event,
                        address_id=address_id,
                        subscription_id=sub,
                        thread_key=thread_key,
                        **(
                            {
                                "state": Delivery.State.HELD,
                                "next_attempt_at": held[address_id],
                            }
                            if address_id in held
                            else {}
                        ),
                    )
                    for address_id, sub in recipients.items()
                ],
                ignore_conflicts=True,
            )
            state = Event.State.DONE if recipients else Event.State.SKIPPED
            updated = Event.objects.filter(
                pk=event.pk, state=Event.State.PENDING
            ).update(state=state, processed_at=timezone.now())
            if not updated:  # another worker (SQLite) took it first
                transaction.set_rollback(True)
            done += 1
    return done


# --- the hourly throttle ------------------------------------------------------------
THROTTLE_WINDOW = timedelta(hours=1)
ROUNDUP = "comment.roundup"


def _thread_key(event: Event) -> str:
    """What the throttle counts an event's mails under: its article, for comments."""
    if event.kind != "comment.visible":
        return ""
    article_id = (
        Comment.objects.filter(pk=event.payload.get("comment_id"))
        .values_list("thread__article_id", flat=True)
        .first()
    )
    return f"article:{article_id}" if article_id else ""


def _over_the_limit(thread_key: str) -> dict[int, object]:
    """Readers who had SUBSCRIPTIONS_THROTTLE_PER_HOUR mails about `thread_key`
    within the last hour, each with the moment that hour ends: their next mails
    wait for it and leave together (`roll_up`)."""
    counted = (
        Delivery.objects.filter(
            thread_key=thread_key, created_at__gte=timezone.now() - THROTTLE_WINDOW
        )
        .exclude(
            state__in=[
                Delivery.State.HELD,
                Delivery.State.BUNDLED,
                Delivery.State.CANCELLED,
            ]
        )
        .values("address_id")
        .annotate(mails=Count("pk"), first=Min("created_at"))
        .filter(mails__gte=settings.SUBSCRIPTIONS_THROTTLE_PER_HOUR)
    )
    return {row["address_id"]: row["first"] + THROTTLE_WINDOW for row in counted}


def roll_up(*, now=None) -> int:
    """Turns each reader's held mails about one article, once the first is due,
    into one round-up mail; returns how many round-ups it made."""
    now = now or timezone.now()
    due = (
        Delivery.objects.filter(state=Delivery.State.HELD, next_attempt_at__lte=now)
        .values_list("address_id", "thread_key")
        .distinct()
    )
    made = 0
    for address_id, thread_key in list(due):
        with transaction.atomic():
            held = list(
                _skip_locked(
                    Delivery.objects.filter(
                        state=Delivery.State.HELD,
                        address_id=address_id,
                        thread_key=thread_key,
                    )
                )
                .select_related("event")
                .order_by("pk")
            )
            if not held:  # another worker rolled them up
                continue
            event = Event.objects.create(
                kind=ROUNDUP,
                payload={
                    "article_id": int(thread_key.partition(":")[2]),
                    "comment_ids": [d.event.payload["comment_id"] for d in held],
                },
                state=Event.State.DONE,
                processed_at=now,
            )
            Delivery.objects.create(
                event=event,
                address_id=address_id,
                subscription_id=held[-1].subscription_id,
            )
            Delivery.objects.filter(
                pk__in=[d.pk for d in held], state=Delivery.State.HELD
            ).update(state=Delivery.State.BUNDLED, last_error=f"in {event}")
            made += 1
    return made


def _confirmation_recipients(event: Event) -> dict[int, int | None]:
    return {event.payload["address_id"]: None}


def _comment_recipients(event: Event) -> dict[int, int | None]:
    """Who hears of a comment: the article's followers and whoever it replies to
    (if they asked for replies), once each, never its own author, and nobody at
    all unless everyone can see it. Maps address id to the subscription the mail
    is sent under."""
    comment = (
        Comment.objects.select_related("thread", "user", "parent__user")
        .filter(pk=event.payload.get("comment_id"))
        .first()
    )
    if comment is None or comment.is_placeholder:
        return {}
    author = _normalised(services.author_email(comment)[0])
    found: dict[int, int | None] = {}
    if comment.parent_id and not comment.parent.is_placeholder:
        parent_author = _normalised(services.author_email(comment.parent)[0])
        if parent_author and parent_author != author:
            for address_id, sub_id in (
                Subscription.objects.active()
                .filter(address__email=parent_author, topic=services.REPLIES)
                .values_list("address_id", "pk")
            ):
                found[address_id] = sub_id
    followers = Subscription.objects.active().filter(
        topic=f"article:{comment.thread.article_id}",
        frequency=Subscription.Frequency.INSTANT,
    )
    if author:
        followers = followers.exclude(address__email=author)
    for address_id, sub_id in followers.values_list("address_id", "pk"):
        found.setdefault(address_id, sub_id)
    return found


def _normalised(raw: str) -> str:
    try:
        return services.normalise_address(raw) if raw else ""
    except services.SubscriptionError:
        return ""


def _article_recipients(event: Event) -> dict[int, int | None]:
    """Who hears of a new article at once: instant followers of the site, its
    section or any of its authors, once each, under the most particular of the
    subscriptions that matched (the one its unsubscribe link stops)."""
    article = (
        ArticlePage.objects.live()
        .public()
        .filter(pk=event.payload.get("article_id"))
        .defer_streamfields()
        .first()
    )
    if article is None:
        return {}
    section = article.get_parent()
    topics = services.article_topics(
        section_slug=section.slug if section else None,
        author_slugs=[author.slug for author in article.authors],
    )
    return _followers(topics, Subscription.Frequency.INSTANT)


def _followers(topics: list[str], frequency: str) -> dict[int, int]:
    """Active followers of any of `topics` at `frequency`, once each, under the
    most particular of their subscriptions that matched (an author before a
    section, a section before the whole site)."""
    rank = {"author": 2, "section": 1}
    best: dict[int, tuple[int, int]] = {}
    for address_id, sub_id, topic in (
        Subscription.objects.active()
        .filter(topic__in=topics, frequency=frequency)
        .values_list("address_id", "pk", "topic")
        .iterator(chunk_size=2000)
    ):
        weight = rank.get(topic.partition(":")[0], 0)
        if address_id not in best or weight > best[address_id][0]:
            best[address_id] = (weight, sub_id)
    return {address_id: sub_id for address_id, (_, sub_id) in best.items()}


def _digest_recipients(event: Event) -> dict[int, int | None]:
    """Who gets a day's digest: daily followers of anything in it."""
    topics = {t for a in mail.digest_articles(event, {}) for t in a["topics"]}
    return _followers(sorted(topics), Subscription.Frequency.DAILY)


def _notice_recipients(event: Event) -> dict[int, int | None]:
    """A notice's one reader, while their address is still confirmed."""
    address_id = event.payload.get("address_id")
    confirmed = Address.objects.filter(pk=address_id, confirmed_at__isnull=False)
    return {address_id: None} if confirmed.exists() else {}


RECIPIENTS = {
    services.NOTICE: _notice_recipients,
    "address.confirm": _confirmation_recipients,
    "comment.visible": _comment_recipients,
    "article.published": _article_recipients,
    services.DIGEST: _digest_recipients,
}


# --- deliveries into mail ---------------------------------------------------------
def claim(token: str, *, limit: int = BATCH) -> list[Delivery]:
    """Takes up to `limit` due deliveries for the worker `token`."""
    now = timezone.now()
    Delivery.objects.filter(
        state=Delivery.State.SENDING, claimed_at__lt=now - lease()
    ).update(state=Delivery.State.PENDING, claimed_by="")
    with transaction.atomic():
        due = _skip_locked(
            Delivery.objects.filter(
                state=Delivery.State.PENDING, next_attempt_at__lte=now
            )
        ).order_by("next_attempt_at", "pk")
        ids = list(due.values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids, state=Delivery.State.PENDING).update(
            state=Delivery.State.SENDING, claimed_by=token, claimed_at=now
        )
    # Only this claim's rows: the worker's other batches may be in flight.
    return list(
        Delivery.objects.filter(
            pk__in=ids, claimed_by=token, state=Delivery.State.SENDING
        )
        .select_related("address", "subscription", "event")
        .order_by("pk")
    )


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer: the server will never take this mail."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def retry_wait(attempts: int) -> int:
    """Seconds before the next try, after `attempts` failed ones: the first
    SUBSCRIPTIONS_RETRY_SECONDS, each later three times longer, up to
    SUBSCRIPTIONS_RETRY_MAX_SECONDS."""
    first = settings.SUBSCRIPTIONS_RETRY_SECONDS
    return min(
        settings.SUBSCRIPTIONS_RETRY_MAX_SECONDS, first * 3 ** max(0, attempts - 1)
    )


def _finish(delivery: Delivery, token: str, **changes) -> None:
    Delivery.objects.filter(
        pk=delivery.pk, claimed_by=token, state=Delivery.State.SENDING
    ).update(claimed_by="", **changes)


def _failed(delivery: Delivery, token: str, error: Exception) -> None:
    attempts = delivery.attempts + 1
    now = timezone.now()
    too_old = now - delivery.created_at > timedelta(
        seconds=settings.SUBSCRIPTIONS_GIVE_UP_AFTER
    )
    reason = f"{type(error).__name__}: {error}"[:2000]
    if _is_permanent(error) or too_old:
        log.warning("delivery %s failed for good: %s", delivery.pk, reason)
        _finish(
            delivery,
            token,
            state=Delivery.State.FAILED,
            attempts=attempts,
            last_error=reason,
        )
    else:
        _finish(
            delivery,
            token,
            state=Delivery.State.PENDING,
            attempts=attempts,
            last_error=reason,
            next_attempt_at=now + timedelta(seconds=retry_wait(attempts)),
        )


def send_batch(
    token: str, deliveries: list[Delivery], shared: dict | None = None
) -> int:
    """Sends claimed deliveries over one SMTP connection; returns how many left.

    The connection is opened once and handed every message of the batch in turn,
    so each delivery still gets its own outcome; one that breaks the connection
    is recorded, and the next opens it afresh. `shared` (see mail.build_message)
    may be kept across the batches of one pass.
    """
    sent = 0
    smtp = get_connection(fail_silently=False)
    send = _send_over_smtp if isinstance(smtp, SmtpBackend) else _send_through
    shared = {} if shared is None else shared
    give_back_at = time.monotonic() + lease().total_seconds() / 2
    try:
        for n, delivery in enumerate(deliveries):
            if time.monotonic() > give_back_at:
                _give_back(token, deliveries[n:])
                break
            try:
                message_id = send(smtp, delivery, shared)
            except mail.Obsolete as reason:
                _finish(
                    delivery,
                    token,
                    state=Delivery.State.CANCELLED,
                    last_error=str(reason),
                )
                continue
            except Exception as error:  # noqa: BLE001 - every failure is recorded
                _failed(delivery, token, error)
                _close(smtp)
                continue
            # Recorded before the next mail is offered: see the module's docstring.
            _finish(
                delivery,
                token,
                state=Delivery.State.SENT,
                attempts=delivery.attempts + 1,
                sent_at=timezone.now(),
                message_id=message_id,
                last_error="",
            )
            sent += 1
    finally:
        _close(smtp)
    return sent


def _send_over_smtp(smtp: SmtpBackend, delivery: Delivery, shared: dict) -> str:
    """Hands the server the mail's bytes (mail.build_outgoing); its Message-ID.
    Raises mail.Obsolete before connecting, or what the server answered."""
    outgoing = mail.build_outgoing(delivery, delivery.event, shared)
    smtp.open()  # does nothing while the connection is open
    if smtp.connection is None:
        raise smtplib.SMTPServerDisconnected("no connection to the mail server")
    smtp.connection.sendmail(outgoing.sender, [outgoing.recipient], outgoing.data)
    return outgoing.message_id


def _send_through(backend, delivery: Delivery, shared: dict) -> str:
    """Any other mail backend (files under var/mail, the tests' memory)."""
    message = mail.build_message(delivery, delivery.event, shared)
    if not backend.send_messages([message]):
        raise smtplib.SMTPException("the mail was not accepted")
    return message.extra_headers["Message-ID"]


def _give_back(token: str, deliveries: list[Delivery]) -> None:
    """Returns claimed deliveries not yet offered to the server to the queue."""
    Delivery.objects.filter(
        pk__in=[d.pk for d in deliveries],
        claimed_by=token,
        state=Delivery.State.SENDING,
    ).update(state=Delivery.State.PENDING, claimed_by="")


def _close(smtp) -> None:
    try:
        smtp.close()
    except Exception:  # noqa: BLE001 - closing a dead connection may fail too
        pass


def run(*, token: str | None = None, max_batches: int = 100) -> int:
    """One pass of the worker: fans out what is pending, then sends what is due.
    Returns the number of mails sent.

    Up to SUBSCRIPTIONS_SENDERS batches are sent at once, each by a thread with
    its own SMTP connection and database connection: a sender spends most of
    its time waiting (for the SMTP server's answers, for the database to commit
    each record), and several waits overlap. Each thread still records every
    mail before it offers the next, so a worker killed at any moment leaves at
    most one mail per sender in the window between the server's "250" and its
    record (see the module's docstring). Inside a transaction (tests, a caller's
    atomic block) other connections could not see its rows: one sender, this
    connection.
    """
    token = token or worker_token()
    fan_out()
    roll_up()
    shared: dict = {}  # what the mails of this pass have in common, read once
    senders = max(1, settings.SUBSCRIPTIONS_SENDERS)
    if senders == 1 or connection.in_atomic_block:
        sent = 0
        with _quick_commits():
            for _ in range(max_batches):
                batch = claim(token)
                if not batch:
                    break
                sent += send_batch(token, batch, shared)
        return sent
    return _send_in_threads(token, shared, senders, max_batches)


def _send_in_threads(token: str, shared: dict, senders: int, batches: int) -> int:
    """Claims batches here and sends them in up to `senders` threads at once."""
    sent = 0
    with ThreadPoolExecutor(senders, thread_name_prefix="mail-sender") as pool:
        running: set[Future] = set()
        for _ in range(batches):
            if len(running) >= senders:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                sent += sum(future.result() for future in done)
            batch = claim(token)
            if not batch:
                break
            running.add(pool.submit(_send_batch_in_thread, token, batch, shared))
        sent += sum(future.result() for future in running)
    return sent


def _send_batch_in_thread(token: str, batch: list[Delivery], shared: dict) -> int:
    try:
        with _quick_commits():
            return send_batch(token, batch, shared)
    finally:
        connection.close()  # this thread's own connection


@contextmanager
def _quick_commits():
    """With SUBSCRIPTIONS_QUICK_COMMITS on PostgreSQL, the record of each mail
    commits without waiting for the disk.

    Each mail is recorded in a transaction of its own, right after the SMTP server
    took it; waiting for the WAL to reach the disk each time caps a sender at a
    few hundred mails a second. Without the wait, a killed worker loses
    nothing (the server has the commit), but a crash of the database server
    itself can forget the last fraction of a second, whose mails would then be
    sent again (with the same Message-ID). Off by default: nothing twice first.
    """
    if connection.vendor != "postgresql" or not settings.SUBSCRIPTIONS_QUICK_COMMITS:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def next_due():
    """When the earliest delivery waiting for a retry (or a round-up) is due, or
    None."""
    return Delivery.objects.filter(
        state__in=[Delivery.State.PENDING, Delivery.State.HELD]
    ).aggregate(at=Min("next_attempt_at"))["at"]
