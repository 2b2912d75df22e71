"""An address's subscriptions and the mail sent to it, for the privacy app:
exported, and deleted with the address on request."""

from __future__ import annotations

from django.db import transaction

from .models import Address, Delivery
from .services import describe_topic


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_address(*, email: str) -> dict | None:
    """What the address follows and every mail recorded to it, or None if the
    address is unknown. `email` is normalised (lower case)."""
    address = Address.objects.filter(email=email).first()
    if address is None:
        return None
    subscriptions = address.subscriptions.order_by("created_at", "pk")
    deliveries = (
        Delivery.objects.filter(address=address)
        .select_related("event")
        .order_by("created_at", "pk")
    )
    return {
        "email": address.email,
        "created_at": _iso(address.created_at),
        "confirmed_at": _iso(address.confirmed_at),
        "subscriptions": [
            {
                "follows": describe_topic(s.topic),
                "frequency": s.frequency,
                "created_at": _iso(s.created_at),
                "confirmed_at": _iso(s.confirmed_at),
                "stopped_at": _iso(s.stopped_at),
            }
            for s in subscriptions
        ],
        "mail": [
            {
                "about": d.event.kind,
                "state": d.state,
                "created_at": _iso(d.created_at),
                "sent_at": _iso(d.sent_at),
            }
            for d in deliveries
        ],
    }


@transaction.atomic
def forget_address(*, email: str) -> tuple[int, int]:
    """Deletes the address, its subscriptions and its delivery log (mail not
    yet sent to it goes with them). Returns (subscriptions, mails) deleted."""
    address = Address.objects.select_for_update().filter(email=email).first()
    if address is None:
        return 0, 0
    subscriptions = address.subscriptions.count()
    mails = Delivery.objects.filter(address=address).count()
    address.delete()
    return subscriptions, mails
