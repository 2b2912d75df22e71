"""Every write to subscriptions: subscribe, confirm, stop, and the events that
mail is sent about.

Consent comes first. An address gets exactly one confirmation mail, and nothing
else, until its owner follows the link; asking again within
SUBSCRIPTIONS_CONFIRM_QUIET sends nothing more; and every function a stranger
can reach answers the same whether or not an address is known. Mail is never
sent from here: an `Event` row is written in the caller's transaction and the
worker (subscriptions.outbox) sends it once that commits.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import services as accounts
from discussion.models import Comment
from newsroom.models import ArticlePage, Author, SectionPage
from newsroom.services import live_article

from . import statements
from .models import Address, Delivery, Event, Subscription

CONFIRM_SALT = "tribune.subscriptions.confirm"
MANAGE_SALT = "tribune.subscriptions.manage"
UNSUBSCRIBE_SALT = "tribune.subscriptions.unsubscribe"

REPLIES = "replies"
FREQUENCIES = tuple(Subscription.Frequency.values)


class SubscriptionError(Exception):
    """A refusal the requester should see: `errors` maps a field to text."""

    status = 400

    def __init__(self, errors: dict[str, str] | str, status: int | None = None):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        if status is not None:
            self.status = status
        super().__init__("; ".join(errors.values()))


class LinkFailed(Exception):
    """A link from a mail that cannot be used, and why."""

    def __init__(self, reason: Literal["expired", "invalid", "used"]) -> None:
        super().__init__(reason)
        self.reason = reason


# --- addresses and topics -------------------------------------------------------
def normalise_address(raw: str) -> str:
    """The address as kept and compared: trimmed, in lower case; or
    SubscriptionError for anything that is not a plain, deliverable address.

    Only ASCII is taken: a fullwidth or look-alike address would be a second
    entry for one inbox, or someone else's inbox that merely looks the same.
    """
    email = (raw or "").strip()
    problem = "Enter a valid e-mail address, such as name@example.com."
    if not email:
        raise SubscriptionError({"email": "Enter your e-mail address."})
    if len(email) > 254 or not email.isascii() or not email.isprintable():
        raise SubscriptionError({"email": problem})
    if unicodedata.normalize("NFKC", email) != email or email.endswith("."):
        raise SubscriptionError({"email": problem})
    try:
        EmailValidator()(email)
    except ValidationError:
        raise SubscriptionError({"email": problem}) from None
    return email.lower()


def clean_topic(topic: str) -> str:
    """A topic readers may subscribe to that names something that exists."""
    topic = (topic or "").strip()
    kind, _, value = topic.partition(":")
    if topic == "site":
        return topic
    if kind == "article" and value.isascii() and value.isdigit() and len(value) < 12:
        article = live_article(int(value))
        if article is not None and article.comments_enabled:
            return f"article:{int(value)}"
        raise SubscriptionError({"topic": "There is no such article."}, status=404)
    if kind == "section" and value:
        if SectionPage.objects.live().public().filter(slug=value).exists():
            return topic
        raise SubscriptionError({"topic": "There is no such section."}, status=404)
    if kind == "author" and value:
        if Author.objects.filter(slug=value).exists():
            return topic
        raise SubscriptionError({"topic": "There is no such author."}, status=404)
    raise SubscriptionError(
        {"topic": "Subscribe to site, section:<slug>, author:<slug> or article:<id>."}
    )


def describe_topic(topic: str) -> str:
    """What a subscription brings, in words ("new comments on “Title”")."""
    kind, _, value = topic.partition(":")
    if topic == REPLIES:
        return "replies to your comments"
    if topic == "site":
        return "new articles"
    if kind == "article":
        title = (
            ArticlePage.objects.filter(pk=int(value))
            .values_list("title", flat=True)
            .first()
        )
        return f"new comments on “{title}”" if title else "new comments on an article"
    if kind == "section":
        title = SectionPage.objects.filter(slug=value).values_list("title", flat=True)
        return f"new articles in {title.first() or value}"
    if kind == "author":
        name = Author.objects.filter(slug=value).values_list("name", flat=True)
        return f"new articles by {name.first() or value}"
    return topic


# --- the outbox -------------------------------------------------------------------
def record_event(*, kind: str, payload: dict, key: str | None = None) -> Event:
    """Writes an event to the outbox in the current transaction, and asks the
    worker to send it once that commits.

    With a `key`, the same happening is one event: reported again while its
    first report found nothing to send (a comment withdrawn before the worker saw
    it, then restored), it is looked at again; otherwise left as it is.
    """
    from .tasks import wake_worker

    event = None
    if key is not None:
        event = Event.objects.filter(key=key).first()
        if event is not None and event.state == Event.State.SKIPPED:
            Event.objects.filter(pk=event.pk).update(
                state=Event.State.PENDING, processed_at=None
            )
    if event is None:
        try:
            with transaction.atomic():
                event = Event.objects.create(kind=kind, payload=payload, key=key)
        except IntegrityError:  # the same key, written a moment ago
            event = Event.objects.get(key=key)
    transaction.on_commit(wake_worker)
    return event


# --- subscribing ------------------------------------------------------------------
def _address(email: str) -> Address:
    address = Address.objects.filter(email=email).first()
    if address is not None:
        return address
    try:
        with transaction.atomic():
            return Address.objects.create(email=email)
    except IntegrityError:  # the same address, added a moment ago
        return Address.objects.get(email=email)


def _is_own_verified(user, email: str) -> bool:
    """Whether `user` is a member who proved they read mail at `email`."""
    return bool(
        user is not None
        and getattr(user, "email_verified_at", None)
        and user.email
        and user.email.lower() == email
    )


@transaction.atomic
def subscribe(
    *,
    email: str,
    topic: str,
    frequency: str | None = None,
    user=None,
    checked_topic: bool = False,
) -> None:
    """Subscribes `email` to `topic`, pending its owner's confirmation.

    A verified member subscribing their own address needs no confirmation;
    anyone else's request waits for the link mailed to the address (at most one
    in SUBSCRIPTIONS_CONFIRM_QUIET). `frequency` None: the member's default
    for new articles (their account page), or instant. Returns nothing: the
    caller must answer the same way whatever happened.
    """
    email = normalise_address(email)
    if not checked_topic:
        topic = clean_topic(topic)
    if frequency is None:
        frequency = getattr(user, "article_frequency", "") or "instant"
        if topic == REPLIES or topic.startswith("article:"):
            frequency = Subscription.Frequency.INSTANT  # comments come as they are
    if frequency not in FREQUENCIES:
        raise SubscriptionError({"frequency": "Choose instant or daily."})
    own = _is_own_verified(user, email)
    now = timezone.now()
    address = _address(email)
    if own and address.confirmed_at is None:
        Address.objects.filter(pk=address.pk, confirmed_at=None).update(
            confirmed_at=now
        )
    subscription = Subscription.objects.filter(address=address, topic=topic).first()
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    address=address,
                    topic=topic,
                    frequency=frequency,
                    confirmed_at=now if own else None,
                )
        except IntegrityError:
            subscription = Subscription.objects.get(address=address, topic=topic)
    elif own:
        subscription.frequency = frequency
        subscription.confirmed_at = subscription.confirmed_at or now
        subscription.stopped_at = None
        subscription.save(update_fields=["frequency", "confirmed_at", "stopped_at"])
    elif subscription.stopped_at is not None:
        # Stopped by its owner: only they can start it again, through the link.
        subscription.frequency = frequency
        subscription.confirmed_at = None
        subscription.stopped_at = None
        subscription.save(update_fields=["frequency", "confirmed_at", "stopped_at"])
    elif subscription.confirmed_at is None:
        subscription.frequency = frequency
        subscription.save(update_fields=["frequency"])
    if subscription.confirmed_at is None:
        _ask_for_confirmation(address)


def _ask_for_confirmation(address: Address) -> None:
    """Queues the one confirmation mail, unless one left within the quiet time."""
    address = Address.objects.select_for_update().get(pk=address.pk)
    now = timezone.now()
    quiet = timedelta(seconds=settings.SUBSCRIPTIONS_CONFIRM_QUIET)
    if address.confirmation_sent_at and now - address.confirmation_sent_at < quiet:
        return
    address.confirm_nonce = secrets.token_hex(8)
    address.confirmation_sent_at = now
    address.save(update_fields=["confirm_nonce", "confirmation_sent_at"])
    record_event(
        kind="address.confirm",
        payload={"address_id": address.pk, "nonce": address.confirm_nonce},
    )


# --- links in mail ----------------------------------------------------------------
def confirm_token(address: Address, nonce: str) -> str:
    return signing.dumps([address.pk, nonce], salt=CONFIRM_SALT)


def manage_token(address: Address) -> str:
    return signing.dumps([address.pk, address.email], salt=MANAGE_SALT)


def unsubscribe_token(address: Address, subscription: Subscription | None) -> str:
    """One-click unsubscribe: from `subscription`, or from everything (None)."""
    target = subscription.pk if subscription is not None else "all"
    return signing.dumps([address.pk, address.email, target], salt=UNSUBSCRIBE_SALT)


def _load(token: str, salt: str, max_age: int) -> list:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkFailed("expired") from None
    except (signing.BadSignature, TypeError, ValueError):
        raise LinkFailed("invalid") from None
    if not isinstance(data, list):
        raise LinkFailed("invalid")
    return data


@dataclass(frozen=True)
class Confirmation:
    address: Address
    subscriptions: list[Subscription]


def check_confirmation(*, token: str) -> Confirmation:
    """What following a confirmation link would start; changes nothing.

    Raises LinkFailed: expired, invalid (forged, cut short, or superseded by a
    newer link), or used."""
    data = _load(token, CONFIRM_SALT, settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE)
    if len(data) != 2:
        raise LinkFailed("invalid")
    address_id, nonce = data
    address = Address.objects.filter(pk=address_id).first()
    if address is None or not nonce:
        raise LinkFailed("invalid")
    if nonce == address.used_nonce:
        raise LinkFailed("used")
    if nonce != address.confirm_nonce:
        raise LinkFailed("invalid")
    pending = list(address.subscriptions.pending().order_by("pk"))
    return Confirmation(address=address, subscriptions=pending)


@transaction.atomic
def confirm(*, token: str) -> Confirmation:
    """Confirms the address a link was mailed to and starts what it was asked
    to follow. Raises LinkFailed as `check_confirmation` does."""
    found = check_confirmation(token=token)
    address = Address.objects.select_for_update().get(pk=found.address.pk)
    found = check_confirmation(token=token)  # again, under the lock
    now = timezone.now()
    address.confirmed_at = address.confirmed_at or now
    address.used_nonce, address.confirm_nonce = address.confirm_nonce, ""
    address.save(update_fields=["confirmed_at", "used_nonce", "confirm_nonce"])
    Subscription.objects.filter(pk__in=[s.pk for s in found.subscriptions]).update(
        confirmed_at=now
    )
    return Confirmation(address=address, subscriptions=found.subscriptions)


def address_for_manage(*, token: str) -> Address:
    """The address a "my subscriptions" link was made for, or LinkFailed."""
    data = _load(token, MANAGE_SALT, settings.SUBSCRIPTIONS_LINK_MAX_AGE)
    if len(data) != 2:
        raise LinkFailed("invalid")
    address = Address.objects.filter(pk=data[0], email=data[1]).first()
    if address is None:
        raise LinkFailed("invalid")
    return address


@transaction.atomic
def stop(*, address: Address, subscription_id: int | None = None) -> int:
    """Stops one of the address's subscriptions, or all of them (None), and
    cancels mail about them not yet sent. Returns how many were running."""
    subscriptions = address.subscriptions.filter(stopped_at__isnull=True)
    if subscription_id is not None:
        subscriptions = subscriptions.filter(pk=subscription_id)
    running = dict(subscriptions.values_list("pk", "topic"))
    ids = list(running)
    Subscription.objects.filter(pk__in=ids).update(stopped_at=timezone.now())
    if REPLIES in running.values():
        # Or the comment form would offer replies again, first, to a member
        # who just said no to them.
        accounts.replies_stopped(email=address.email)
    waiting = Delivery.objects.filter(
        address=address, state__in=[Delivery.State.PENDING, Delivery.State.HELD]
    ).exclude(subscription__isnull=True)
    if subscription_id is not None:
        waiting = waiting.filter(subscription_id=subscription_id)
    waiting.update(state=Delivery.State.CANCELLED)
    if subscription_id is None:
        # Nothing starts by following an older confirmation link either.
        Address.objects.filter(pk=address.pk).update(confirm_nonce="")
    return len(ids)


def member_address(user) -> Address | None:
    """The address a signed-in member proved is theirs, as kept here, or None."""
    if not (user.email and getattr(user, "email_verified_at", None)):
        return None
    try:
        email = normalise_address(user.email)
    except SubscriptionError:
        return None
    return Address.objects.filter(email=email).first()


def member_subscriptions(user) -> list[Subscription]:
    """What a member's address follows (confirmed or waiting), oldest first."""
    address = member_address(user)
    if address is None:
        return []
    return list(address.subscriptions.filter(stopped_at__isnull=True).order_by("pk"))


def stop_for_member(*, user, subscription_id: int | None = None) -> int:
    """Stops one of a member's subscriptions, or all (None); see `stop`."""
    address = member_address(user)
    if address is None:
        return 0
    return stop(address=address, subscription_id=subscription_id)


@dataclass(frozen=True)
class Unsubscribe:
    address: Address
    subscription: Subscription | None  # None: everything


def check_unsubscribe(*, token: str) -> Unsubscribe:
    """What a one-click unsubscribe link stops; changes nothing."""
    data = _load(token, UNSUBSCRIBE_SALT, settings.SUBSCRIPTIONS_LINK_MAX_AGE)
    if len(data) != 3:
        raise LinkFailed("invalid")
    address_id, email, target = data
    address = Address.objects.filter(pk=address_id, email=email).first()
    if address is None:
        raise LinkFailed("invalid")
    if target == "all":
        return Unsubscribe(address=address, subscription=None)
    subscription = address.subscriptions.filter(pk=target).first()
    if subscription is None:
        raise LinkFailed("invalid")
    return Unsubscribe(address=address, subscription=subscription)


def unsubscribe(*, token: str) -> Unsubscribe:
    """Stops what a one-click link names (again: nothing more happens)."""
    found = check_unsubscribe(token=token)
    stop(
        address=found.address,
        subscription_id=found.subscription.pk if found.subscription else None,
    )
    return found


# --- the discussion's events (registered in wagtail_hooks) -------------------------
def author_email(comment) -> tuple[str, bool]:
    """The comment author's address and whether they proved it is theirs."""
    if comment.user_id:
        user = comment.user
        return user.email or "", bool(user.email_verified_at)
    return comment.guest_email or "", False


def comment_posted(comment, *, notify: str | None) -> None:
    """Records what a commenter asked to hear about (in the posting transaction).

    `notify`: "replies", "all" (new comments on the article, and replies), "none",
    or None: verified members then get replies by default, unless they once
    stopped them.
    """
    raw, verified = author_email(comment)
    user = comment.user if comment.user_id else None
    if notify is None and user is not None:
        # Not said (the API without "notify"): what the member chose as their
        # default on their account page, which the comment form also starts with.
        notify = user.comment_notify or None
    if not raw or notify == "none":
        return
    try:
        email = normalise_address(raw)
    except SubscriptionError:
        return  # an address we could never mail: the comment still counts
    topics = []
    if notify is None:
        if (
            verified
            and not Subscription.objects.filter(
                address__email=email, topic=REPLIES
            ).exists()
        ):
            topics.append(REPLIES)
    else:
        topics.append(REPLIES)
    if notify == "all":
        topics.append(f"article:{comment.thread.article_id}")
    for topic in topics:
        subscribe(email=email, topic=topic, user=user, checked_topic=True)


def comment_visible(comment) -> None:
    """Puts a comment that everyone can now see in the outbox, unless nobody
    could be told of it (most comments, on most sites): then nothing is
    written, and the worker is not woken."""
    if not _anyone_to_tell(comment):
        return
    record_event(
        kind="comment.visible",
        payload={"comment_id": comment.pk},
        key=f"comment.visible:{comment.pk}",
    )


def _anyone_to_tell(comment) -> bool:
    """Whether anyone follows the comment's article, or gets replies and wrote
    the comment it answers: one query on the topic index (and, for a reply,
    one for the address of the comment it answers). It may say yes when in the
    end nobody is told (the only follower is the author): the worker decides
    who is."""
    email = ""
    if comment.parent_id:
        parent = (
            Comment.objects.filter(pk=comment.parent_id)
            .values_list("user__email", "guest_email")
            .first()
        )
        raw = (parent[0] or parent[1]) if parent else ""
        try:
            email = normalise_address(raw) if raw else ""
        except SubscriptionError:
            email = ""
    return statements.anyone_follows(comment.thread_id, REPLIES, email)


# --- new articles (from Wagtail's page_published, see signals.py) ------------------
def article_published(*, article: ArticlePage) -> Event:
    """Puts an article that was just published for the first time in the outbox.

    Written in the publication's transaction when there is one; keyed by the
    article, so however often this is called, readers hear of it once.
    """
    with transaction.atomic():
        return record_event(
            kind="article.published",
            payload={"article_id": article.pk},
            key=f"article.published:{article.pk}",
        )


def article_topics(*, section_slug: str | None, author_slugs: list[str]) -> list[str]:
    """The topics whose followers hear of an article: the site, its section, each
    of its authors."""
    topics = ["site"]
    if section_slug:
        topics.append(f"section:{section_slug}")
    topics.extend(f"author:{slug}" for slug in author_slugs)
    return topics


# --- the daily digest ---------------------------------------------------------------
def digest_moment(day: date) -> datetime:
    """When the digest of `day` is due: SUBSCRIPTIONS_DIGEST_HOUR, local time."""
    at = datetime.combine(day, time(hour=settings.SUBSCRIPTIONS_DIGEST_HOUR))
    return timezone.make_aware(at, timezone.get_current_timezone())


def next_digest_at(now: datetime | None = None) -> datetime:
    """The first digest moment after `now`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    moment = digest_moment(today)
    return moment if moment > now else digest_moment(today + timedelta(days=1))


DIGEST = "digest.daily"


@transaction.atomic
def record_digest(*, now: datetime | None = None) -> Event:
    """Puts the latest digest that is due at `now` in the outbox, once per day.

    It covers the articles first published since the digest before it (a day,
    for the first one), up to its own moment; however often this is called, a
    day has one digest event, and each address at most one delivery of it.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    if digest_moment(day) > now:
        day -= timedelta(days=1)
    until = digest_moment(day)
    key = f"{DIGEST}:{day.isoformat()}"
    existing = Event.objects.filter(key=key).first()
    if existing is not None:
        return existing
    previous = (
        Event.objects.filter(kind=DIGEST, created_at__lt=now).order_by("-pk").first()
    )
    since = (
        datetime.fromisoformat(previous.payload["until"])
        if previous is not None
        else until - timedelta(days=1)
    )
    return record_event(
        kind=DIGEST,
        payload={
            "day": day.isoformat(),
            "since": since.isoformat(),
            "until": until.isoformat(),
        },
        key=key,
    )


# --- the delivery log (Wagtail admin) -----------------------------------------------
@transaction.atomic
def retry_delivery(*, delivery_id: int) -> Delivery:
    """Puts a mail that failed for good back in the queue, to leave at once.

    Only failed mail: anything else is on its way, sent, or was not to be sent.
    Its earlier attempts and error stay on record until the next try.
    """
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None or delivery.state != Delivery.State.FAILED:
        raise SubscriptionError("Only a failed mail can be sent again.", status=409)
    delivery.state = Delivery.State.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.created_at = timezone.now()  # a fresh 24 hours before giving up
    delivery.save(update_fields=["state", "next_attempt_at", "created_at"])
    from .tasks import wake_worker

    transaction.on_commit(wake_worker)
    return delivery


def is_confirmed_address(email: str) -> bool:
    """Whether the owner of `email` proved they read it (moderation asks, to
    trust a guest's record)."""
    try:
        email = normalise_address(email)
    except SubscriptionError:
        return False
    return statements.is_confirmed(email)


# --- notices (moderation's statements of reasons) -----------------------------------
NOTICE = "notice"


def send_notice(
    *, email: str, subject: str, paragraphs: list[str], key: str, verified: bool = False
) -> Event | None:
    """Puts a one-off notice to one reader in the outbox (in the current
    transaction): moderation's statement of reasons, say.

    It goes only to an address that proved it is its owner's: confirmed here, or
    `verified` by the caller (a member's checked account address, which then
    counts as confirmed). Otherwise nothing is sent and None is returned. With
    the same `key`, the notice is sent once.
    """
    try:
        email = normalise_address(email)
    except SubscriptionError:
        return None
    address = Address.objects.filter(email=email).first()
    if verified and (address is None or not address.is_confirmed):
        address = _address(email)
        Address.objects.filter(pk=address.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
        address.refresh_from_db()
    if address is None or not address.is_confirmed:
        return None
    return record_event(
        kind=NOTICE,
        payload={
            "address_id": address.pk,
            "subject": subject,
            "paragraphs": [str(paragraph) for paragraph in paragraphs],
        },
        key=key,
    )
