"""What moving subscriptions in and out of Tribune asks of subscriptions.

Only confirmed subscriptions of confirmed addresses travel: an address that
never confirmed gave no consent the new site could rely on. Brought back,
they are confirmed as they were, and nobody is mailed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import Address, Subscription


def exported_subscriptions() -> Iterator[dict]:
    for sub in (
        Subscription.objects.active()
        .select_related("address")
        .order_by("pk")
        .iterator()
    ):
        yield {
            "email": sub.address.email,
            "topic": sub.topic,
            "frequency": sub.frequency,
            "confirmed_at": sub.confirmed_at.isoformat(),
            "created_at": sub.created_at.isoformat(),
        }


def import_subscription(
    *,
    email: str,
    topic: str,
    frequency: str,
    confirmed_at: datetime | None,
    created_at: datetime | None = None,
) -> bool:
    """Adds a confirmed subscription (and its confirmed address) unless the
    address already follows the topic. Returns whether one was added."""
    email = email.strip().lower()
    confirmed_at = confirmed_at or timezone.now()
    with transaction.atomic():
        address, _ = Address.objects.get_or_create(
            email=email, defaults={"confirmed_at": confirmed_at}
        )
        if address.confirmed_at is None:
            Address.objects.filter(pk=address.pk).update(confirmed_at=confirmed_at)
        if Subscription.objects.filter(address=address, topic=topic).exists():
            return False
        Subscription.objects.create(
            address=address,
            topic=topic,
            frequency=frequency
            if frequency in Subscription.Frequency.values
            else Subscription.Frequency.INSTANT,
            confirmed_at=confirmed_at,
            created_at=created_at or timezone.now(),
        )
    return True
