"""What an account holds about its owner, for the privacy app: found by the
e-mail address they proved, exported, and closed on request."""

from __future__ import annotations

from .models import User


def member_with_email(email: str) -> User | None:
    """The account registered with `email` (compared without case), or None."""
    if not email:
        return None
    return User.objects.filter(email__iexact=email).first()


def export_account(user: User) -> dict:
    """The account as its owner may see it (never the password hash)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "email_verified_at": _iso(user.email_verified_at),
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_active": user.is_active,
    }


def can_close(user: User) -> bool:
    """Staff accounts are closed by an administrator, never by a mailed link:
    they hold editors' and moderators' work and permissions."""
    return not (user.is_staff or user.is_superuser)


def close_account(user: User) -> bool:
    """Deletes a reader's account (their comments keep no link to it: the
    foreign keys to it are SET_NULL). Returns False, deleting nothing, for staff."""
    if not can_close(user):
        return False
    User.objects.filter(pk=user.pk).delete()
    return True


def _iso(value) -> str | None:
    return value.isoformat() if value else None
