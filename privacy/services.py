"""What a commenter may ask of the site about themselves, and old evidence purged.

Anyone may ask for a link for an address; it is mailed to that address only,
so only whoever reads mail there can follow it, and every answer to the asker
is the same whether the site knows the address or not. The link shows what is
held, downloads it as JSON, or erases it (the comments made anonymous or
removed, the owner's choice). Opening it changes nothing; erasing is a POST,
after a confirmation, and uses the link up.

A person is the address they gave with their comments and subscriptions, the
account registered with it (a member), and the reader keys of the browsers
they commented from. The data lives in the apps below; each has a `privacy`
module that exports, forgets and purges its own part.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts import privacy as account_data
from accounts.ratelimit import RateLimit
from accounts.services import queue_rendered_email
from discussion import privacy as discussion_data
from moderation import privacy as moderation_data
from newsroom.services import site_name
from ratings import privacy as rating_data
from subscriptions import privacy as subscription_data
from subscriptions.services import SubscriptionError, normalise_address

from .models import LinkRequest

LINK_SALT = "tribune.privacy.link"
MODES = ("anonymise", "remove")


class PrivacyError(Exception):
    """A request the asker must correct: `errors` maps a field to text."""

    status = 400

    def __init__(self, errors: dict[str, str], status: int | None = None):
        self.errors = errors
        if status is not None:
            self.status = status
        super().__init__("; ".join(errors.values()))


class LinkFailed(Exception):
    """A mailed link that cannot be used, and why."""

    def __init__(self, reason: Literal["expired", "invalid", "used"]) -> None:
        super().__init__(reason)
        self.reason = reason


def per_ip_limit() -> RateLimit:
    return RateLimit(
        "privacy-request-ip",
        limit=settings.PRIVACY_REQUESTS_PER_HOUR_PER_IP,
        period=3600,
    )


def clean_address(raw: str) -> str:
    """The address as the site keeps addresses (trimmed, lower case), or
    PrivacyError for anything that is not a plain deliverable address."""
    try:
        return normalise_address(raw)
    except SubscriptionError as error:
        raise PrivacyError(error.errors) from None


def _digest(email: str) -> str:
    return salted_hmac(LINK_SALT, email, algorithm="sha256").hexdigest()


def make_token(email: str, nonce: str) -> str:
    return signing.dumps([email, nonce], salt=LINK_SALT)


# --- asking for a link ---------------------------------------------------------------
def request_link(*, email: str) -> None:
    """Mails a link to `email` (normalised first; PrivacyError if malformed),
    unless one went to it within PRIVACY_MAIL_QUIET. Returns nothing: the
    caller answers the same whatever happened."""
    email = clean_address(email)
    digest = _digest(email)
    now = timezone.now()
    quiet = timedelta(seconds=settings.PRIVACY_MAIL_QUIET)
    with transaction.atomic():
        if LinkRequest.objects.filter(
            digest=digest, created_at__gt=now - quiet
        ).exists():
            return
        link = LinkRequest.objects.create(
            digest=digest, nonce=secrets.token_hex(16), created_at=now
        )
        path = reverse("privacy:link", args=[make_token(email, link.nonce)])
        context = {
            "site_name": site_name(),
            "site_url": settings.SITE_URL,
            "link": settings.SITE_URL + path,
            "valid_hours": settings.PRIVACY_LINK_MAX_AGE // 3600,
        }
        queue_rendered_email(
            to=email,
            subject=render_to_string("emails/privacy/link_subject.txt", context),
            text=render_to_string("emails/privacy/link.txt", context),
            html=render_to_string("emails/privacy/link.html", context),
        )


def member_token(user) -> str:
    """A link's token for a signed-in member who proved their address: they
    skip the mail round trip (PrivacyError if the address was never proved)."""
    if not (user.email and user.email_verified_at):
        raise PrivacyError(
            {"email": "Your e-mail address is not confirmed: ask by e-mail instead."},
            status=403,
        )
    email = user.email.strip().lower()
    link = LinkRequest.objects.create(
        digest=_digest(email), nonce=secrets.token_hex(16)
    )
    return make_token(email, link.nonce)


# --- following it --------------------------------------------------------------------
@dataclass
class Person:
    """Whom a link was mailed to, as the site knows them."""

    email: str
    link: LinkRequest
    user: object | None = None
    keys: set[str] = field(default_factory=set)

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None


def check_link(*, token: str) -> Person:
    """The person a link was mailed to; changes nothing.

    Raises LinkFailed: expired, invalid (forged, cut short, another purpose, or
    a link we never made), or used (the data was erased through it)."""
    try:
        data = signing.loads(
            token, salt=LINK_SALT, max_age=settings.PRIVACY_LINK_MAX_AGE
        )
    except signing.SignatureExpired:
        raise LinkFailed("expired") from None
    except (signing.BadSignature, TypeError, ValueError):
        raise LinkFailed("invalid") from None
    if not (
        isinstance(data, list)
        and len(data) == 2
        and all(isinstance(part, str) and part for part in data)
    ):
        raise LinkFailed("invalid")
    email, nonce = data
    link = LinkRequest.objects.filter(nonce=nonce, digest=_digest(email)).first()
    if link is None:
        raise LinkFailed("invalid")
    if link.used_at is not None:
        raise LinkFailed("used")
    user = account_data.member_with_email(email)
    person = Person(email=email, link=link, user=user)
    person.keys = discussion_data.reader_keys(email=email, user_id=person.user_id)
    return person


def _comment_ids(person: Person) -> list[int]:
    return list(
        discussion_data.authored(
            email=person.email, user_id=person.user_id
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class Summary:
    """What the link page says is held, in numbers."""

    comments: int
    votes: int
    ratings: int
    subscriptions: int
    reports: int
    has_account: bool
    account_closable: bool

    @property
    def holds_anything(self) -> bool:
        return bool(
            self.comments
            or self.votes
            or self.ratings
            or self.subscriptions
            or self.reports
            or self.has_account
        )


def summarise(person: Person) -> Summary:
    data = export(person)
    subscriptions = (
        data["subscriptions"]["subscriptions"] if data["subscriptions"] else []
    )
    return Summary(
        comments=len(data["comments"]),
        votes=data["votes"]["up"] + data["votes"]["down"],
        ratings=len(data["ratings"]),
        subscriptions=len(subscriptions),
        reports=len(data["moderation"]["reports_made"]),
        has_account=person.user is not None,
        account_closable=person.user is not None
        and account_data.can_close(person.user),
    )


def export(person: Person) -> dict:
    """Everything the site holds about the person, as one JSON-ready object."""
    return {
        "email": person.email,
        "exported_at": timezone.now().isoformat(),
        "account": account_data.export_account(person.user) if person.user else None,
        "comments": discussion_data.export_comments(
            email=person.email, user_id=person.user_id
        ),
        "votes": discussion_data.export_votes(keys=person.keys),
        "ratings": rating_data.export_ratings(keys=person.keys),
        "subscriptions": subscription_data.export_address(email=person.email),
        "moderation": moderation_data.export_record(
            email=person.email,
            user_id=person.user_id,
            keys=person.keys,
            comment_ids=_comment_ids(person),
        ),
    }


@dataclass(frozen=True)
class Erased:
    """What an erasure did, for the page that says so."""

    mode: str
    comments: int
    placeholders: int
    subscriptions: int
    votes: int
    ratings: int
    account_closed: bool
    account_kept: bool


def erase(*, token: str, mode: str) -> Erased:
    """Erases what the site holds about the person a link was mailed to, and
    uses the link up. `mode`: "anonymise" keeps their comments' words under
    "Former reader"; "remove" takes the words out too. Raises LinkFailed, or
    PrivacyError for an unknown mode (nothing changed)."""
    if mode not in MODES:
        raise PrivacyError({"mode": "Choose whether to anonymise or remove."})
    with transaction.atomic():
        person = check_link(token=token)
        link = LinkRequest.objects.select_for_update().get(pk=person.link.pk)
        if link.used_at is not None:  # used a moment ago by a second click
            raise LinkFailed("used")
        comment_ids = _comment_ids(person)
        moderation_data.forget(
            email=person.email,
            user_id=person.user_id,
            keys=person.keys,
            comment_ids=comment_ids,
        )
        placeholders = 0
        if mode == "anonymise":
            comments = discussion_data.anonymise(
                email=person.email, user_id=person.user_id
            )
        else:
            comments, placeholders = discussion_data.remove(
                email=person.email, user_id=person.user_id
            )
        votes = discussion_data.forget_votes(keys=person.keys)
        ratings = rating_data.forget_ip_hashes(keys=person.keys)
        subscriptions, _ = subscription_data.forget_address(email=person.email)
        closed = kept = False
        if person.user is not None:
            closed = account_data.close_account(person.user)
            kept = not closed
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return Erased(
        mode=mode,
        comments=comments,
        placeholders=placeholders,
        subscriptions=subscriptions,
        votes=votes,
        ratings=ratings,
        account_closed=closed,
        account_kept=kept,
    )


# --- purging old evidence ------------------------------------------------------------
def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.PRIVACY_RETENTION_DAYS)


@transaction.atomic
def purge_old_evidence(*, now: datetime | None = None) -> dict[str, int]:
    """Clears what is kept only to fight abuse once it is older than
    PRIVACY_RETENTION_DAYS: IP hashes of comments, votes and ratings; the
    checks' evidence on moderation files; the notes of readers' reports; IP
    bans that ended; and the records of privacy links. Returns what was purged,
    by kind."""
    before = retention_cutoff(now)
    hashes = discussion_data.purge_ip_hashes(before=before)
    purged = {
        "comment_ip_hashes": hashes["comments"],
        "vote_ip_hashes": hashes["votes"],
        "rating_ip_hashes": rating_data.purge_ip_hashes(before=before),
    }
    purged.update(moderation_data.purge_evidence(before=before))
    purged["privacy_links"] = LinkRequest.objects.filter(
        created_at__lt=before
    ).delete()[0]
    return purged
