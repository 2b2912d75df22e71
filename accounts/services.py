"""Readers' accounts: signing up, proving an e-mail address, asking for a new link.

Every function here answers the same way whether or not an address is registered,
so nobody can use our forms to learn who reads Tribune. Mail leaves only after the
transaction commits, through the task worker.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string

from .models import User
from .ratelimit import RateLimit
from .tasks import send_email

VERIFY_SALT = "tribune.accounts.verify-email"
# However many people ask, one inbox gets at most this many account e-mails an hour
# (new links, "you already have an account"); the rest are dropped without a word.
MAIL_PER_ADDRESS = RateLimit("accounts-mail-to", limit=3, period=3600)


class VerificationFailed(Exception):
    """A verification link that cannot be used, and why."""

    def __init__(self, reason: Literal["expired", "invalid", "used"]) -> None:
        super().__init__(reason)
        self.reason = reason


def site_name() -> str:
    """The name the site calls itself, for mail: asked of the function
    `settings.ACCOUNTS_SITE_NAME` names (the newsroom's site settings)."""
    if settings.ACCOUNTS_SITE_NAME:
        return import_string(settings.ACCOUNTS_SITE_NAME)()
    return settings.WAGTAIL_SITE_NAME


def absolute_url(path: str) -> str:
    """`path` on SITE_URL: links in mail must not depend on the Host header."""
    return settings.SITE_URL + path


def queue_rendered_email(*, to: str, subject: str, text: str, html: str) -> None:
    """Sends a rendered message through the task worker once the current
    transaction commits (so a rolled-back sign-up sends nothing)."""
    subject = " ".join(subject.split())  # one line, as mail headers need
    transaction.on_commit(
        lambda: send_email.enqueue(to=to, subject=subject, text=text, html=html)
    )


def queue_email(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Renders `emails/accounts/<template>` (_subject.txt, .txt, .html) and queues
    it with `queue_rendered_email`."""
    context = {"site_name": site_name(), "site_url": settings.SITE_URL, **context}
    base = f"emails/accounts/{template}"
    queue_rendered_email(
        to=to,
        subject=render_to_string(f"{base}_subject.txt", context),
        text=render_to_string(f"{base}.txt", context),
        html=render_to_string(f"{base}.html", context),
    )


def _fingerprint(user: User) -> str:
    # Binds a link to the sign-up it was made for: a later sign-up for the same
    # address changes the password hash and so cancels the links sent before it.
    value = f"{user.pk}|{user.email.lower()}|{user.password}"
    return salted_hmac(VERIFY_SALT, value, algorithm="sha256").hexdigest()[:20]


def make_verification_token(user: User, *, next_url: str = "") -> str:
    """A signed, timestamped token for `user`'s verification link."""
    return signing.dumps(
        [user.pk, _fingerprint(user), next_url], salt=VERIFY_SALT, compress=True
    )


def send_verification(user: User, *, next_url: str = "") -> None:
    """Mails `user` a link that activates the account (at most a few an hour)."""
    if MAIL_PER_ADDRESS.hit(user.email.lower()) is not None:
        return
    token = make_verification_token(user, next_url=next_url)
    queue_email(
        to=user.email,
        template="verify",
        context={
            "display_name": user.public_name,
            "link": absolute_url(reverse("accounts:verify", args=[token])),
            "valid_hours": settings.ACCOUNTS_VERIFY_MAX_AGE // 3600,
        },
    )


def _new_username() -> str:
    # Random, not derived from the e-mail: the username is public wherever a
    # display name is missing, and the address must never be.
    while True:
        username = f"reader-{secrets.token_hex(6)}"
        if not User.objects.filter(username=username).exists():
            return username


@transaction.atomic
def sign_up(
    *, email: str, display_name: str, password: str, next_url: str = ""
) -> User | None:
    """Registers a reader as an inactive account and mails them a verification link.

    `display_name` must already be cleaned and allowed (see `accounts.names`) and
    `password` validated. Returns the new user, or None when the address already has
    an account, in which case the caller must answer exactly as for a new one:

    - an account still waiting for verification takes the new name and password and
      gets a fresh link (whoever reads the inbox decides; earlier links stop
      working, so a stranger who signed up with this address first cannot keep a
      password to it);
    - an active account is left alone and its owner told that someone tried.
    """
    email = User.objects.normalize_email(email.strip())
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = User(
            username=_new_username(),
            email=email,
            display_name=display_name,
            is_active=False,
        )
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # the same address, signed up a moment ago
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
        else:
            send_verification(user, next_url=next_url)
            return user

    if existing.awaits_verification:
        existing.display_name = display_name
        existing.set_password(password)
        existing.save(update_fields=["display_name", "password"])
        send_verification(existing, next_url=next_url)
    else:
        make_password(password)  # the same work as a new sign-up: no timing tell
        if existing.is_active and MAIL_PER_ADDRESS.hit(existing.email.lower()) is None:
            queue_email(
                to=existing.email,
                template="signup_exists",
                context={
                    "display_name": existing.public_name,
                    "login_url": absolute_url(reverse("accounts:login")),
                    "reset_url": absolute_url(reverse("accounts:password_reset")),
                },
            )
    return None


@transaction.atomic
def resend_verification(*, email: str) -> None:
    """Mails a new link if `email` belongs to an account awaiting verification.

    Does nothing, silently, for any other address.
    """
    user = User.objects.filter(
        email__iexact=email.strip(), is_active=False, email_verified_at=None
    ).first()
    if user is not None:
        send_verification(user)


@transaction.atomic
def verify_email(*, token: str) -> tuple[User, str]:
    """Activates the account a verification link was made for.

    Returns the user and the page they were signing up from (unchecked: the caller
    decides whether it is safe to go to). Raises `VerificationFailed` when the link
    has expired, was tampered with or superseded, or was already used.
    """
    try:
        pk, fingerprint, next_url = signing.loads(
            token, salt=VERIFY_SALT, max_age=settings.ACCOUNTS_VERIFY_MAX_AGE
        )
    except signing.SignatureExpired:
        raise VerificationFailed("expired") from None
    except (signing.BadSignature, TypeError, ValueError):
        raise VerificationFailed("invalid") from None
    user = User.objects.select_for_update().filter(pk=pk).first()
    if user is None:
        raise VerificationFailed("invalid")
    if user.email_verified_at is not None:
        raise VerificationFailed("used")
    if not constant_time_compare(fingerprint, _fingerprint(user)):
        raise VerificationFailed("invalid")
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])
    return user, str(next_url or "")


@transaction.atomic
def update_profile(*, user: User, display_name: str) -> User:
    """Changes the name a member shows (already checked by `names`)."""
    User.objects.filter(pk=user.pk).update(display_name=display_name)
    user.display_name = display_name
    return user


@transaction.atomic
def set_notification_defaults(
    *, user: User, comment_notify: str, article_frequency: str
) -> User:
    """Records what the member's comments and new subscriptions start with;
    subscriptions already running keep what they are."""
    if comment_notify not in User.CommentNotify.values:
        raise ValueError(f"unknown comment_notify {comment_notify!r}")
    if article_frequency not in User.ArticleFrequency.values:
        raise ValueError(f"unknown article_frequency {article_frequency!r}")
    User.objects.filter(pk=user.pk).update(
        comment_notify=comment_notify, article_frequency=article_frequency
    )
    user.comment_notify = comment_notify
    user.article_frequency = article_frequency
    return user


def replies_stopped(*, email: str) -> None:
    """The member at `email` stopped mail about replies to their comments: their
    comment form stops offering it first (unless they chose "all" themselves,
    which they change on their page)."""
    User.objects.filter(
        email__iexact=email, comment_notify__in=["", User.CommentNotify.REPLIES]
    ).update(comment_notify=User.CommentNotify.NONE)
