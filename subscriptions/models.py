"""Who wants to hear about what, and every mail that leaves on their behalf.

An `Address` is an inbox, kept once however its owner typed it (the whole
address in lower case). Its `Subscription`s say what it follows; each is
confirmed by a link mailed to it (double opt-in) unless a verified member asked
for their own address. An `Event` is written in the same transaction as what
it reports (a comment that became visible); the worker turns it into one
`Delivery` per recipient and sends each, at most once.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Address(models.Model):
    """An e-mail address, normalised (`normalise_address`), and whether its
    owner has proved they read it."""

    email = models.CharField(max_length=254, unique=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The confirmation link that may still be followed, and the last one that was:
    # an older link is "superseded", the last used one "already used".
    confirm_nonce = models.CharField(max_length=32, blank=True)
    used_nonce = models.CharField(max_length=32, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return self.email

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SubscriptionQuerySet(models.QuerySet):
    def active(self) -> SubscriptionQuerySet:
        """Confirmed, not stopped, to a confirmed address: may be mailed."""
        return self.filter(
            confirmed_at__isnull=False,
            stopped_at__isnull=True,
            address__confirmed_at__isnull=False,
        )

    def pending(self) -> SubscriptionQuerySet:
        return self.filter(confirmed_at__isnull=True, stopped_at__isnull=True)


class Subscription(models.Model):
    """An address following a topic.

    Topics: `article:<id>` (new comments on an article), `replies` (replies to
    the address's own comments), `site`, `section:<slug>`, `author:<slug>` (new
    articles). A stopped subscription keeps its row, so a member who turned off
    reply notifications does not get them back by default with their next
    comment.
    """

    class Frequency(models.TextChoices):
        INSTANT = "instant", "As it happens"
        DAILY = "daily", "Daily digest"

    address = models.ForeignKey(
        Address, on_delete=models.CASCADE, related_name="subscriptions"
    )
    topic = models.CharField(max_length=120)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address", "topic"], name="subscription_address_topic"
            )
        ]
        indexes = [models.Index(fields=["topic"], name="subscription_topic")]

    def __str__(self) -> str:
        return f"{self.address} follows {self.topic}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.stopped_at is None


class Event(models.Model):
    """Something to tell people about: a kind and what it needs (the outbox).

    Written in the transaction of the change it reports, so it exists exactly
    when the change does. `key` makes the same happening one event, however
    often it is reported (a comment withdrawn and restored is announced once).
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the worker"
        DONE = "done", "Deliveries made"
        SKIPPED = "skipped", "Nothing to send (for now)"

    kind = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "id"], name="event_state")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Delivery(models.Model):
    """One mail about one event to one address, and what became of it.

    Unique per (event, address): nothing is sent twice, however many of the
    address's subscriptions matched or however often the event was fanned out.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed for good"
        CANCELLED = "cancelled", "No longer to be sent"
        HELD = "held", "Held for the hourly round-up"
        BUNDLED = "bundled", "Sent in an hourly round-up"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    address = models.ForeignKey(
        Address, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The subscription the mail's unsubscribe link stops (none for confirmations).
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    # What the mail is about for the hourly throttle ("article:<id>" for comment
    # mails): a reader gets at most SUBSCRIPTIONS_THROTTLE_PER_HOUR of them an hour.
    thread_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "address"], name="delivery_event_address"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due"),
            models.Index(
                fields=["address", "thread_key", "created_at"],
                name="delivery_throttle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.address}: {self.state}"
