"""The lists moderators keep: phrases to refuse or hold, and link domains."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pagecache.generations import bump

from .normalise import phrase_key

# Bumped whenever a list changes; the matchers built from the lists are kept per
# process under this generation and rebuilt when it moves.
LISTS = "moderation-lists"


# Bumped whenever a ban is made, changed or lifted.
BANS = "moderation-bans"


def lists_changed() -> None:
    """Every process rebuilds its matchers from the lists (once the change commits)."""
    bump(LISTS)


class ListEntry(models.Model):
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why it is on the list, for moderators; never shown to readers.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        lists_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        lists_changed()
        return result


class Phrase(ListEntry):
    """A word or phrase that refuses a comment (banned) or holds it for a
    moderator (suspect).

    Matched on whole words of the normalised text, so look-alike letters, digits
    for letters, invisible characters and spaced-out letters are caught, and a
    phrase inside a longer word ("Scunthorpe") is not. Taken literally: no
    wildcards or patterns.
    """

    class Action(models.TextChoices):
        REJECT = "reject", "Banned: refuse the comment"
        HOLD = "hold", "Suspect: hold it for a moderator"

    text = models.CharField(max_length=200, unique=True)
    action = models.CharField(
        max_length=10, choices=Action.choices, default=Action.HOLD
    )

    class Meta:
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        # Invisible and direction characters change nothing in what is matched
        # (they are dropped from comments too) and would hide what the list says.
        text = "".join(
            ch for ch in self.text or "" if unicodedata.category(ch) not in ("Cc", "Cf")
        )
        self.text = " ".join(text.split())
        key, _ = phrase_key(self.text)
        if len(key) <= 3:
            raise ValidationError(
                {"text": "A phrase needs at least two letters or digits to match."}
            )
        twin = Phrase.objects.filter(text__iexact=self.text).exclude(pk=self.pk)
        if twin.exists():
            raise ValidationError({"text": "That phrase is on the list already."})


def clean_domain(value: str) -> str:
    """A host name as the lists keep it: lower case, without scheme, port, path,
    trailing dot or a leading "www."; "" when there is none."""
    value = (value or "").strip().lower()
    if "//" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".")
    if host.startswith("www."):
        host = host[4:]
    return host


_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def is_host_name(domain: str) -> bool:
    """Whether `domain` (as `clean_domain` gives it) is a host name of two
    labels or more: letters, digits and inner hyphens (an international name
    in its ASCII form), no spaces, invisible characters or wildcards."""
    if "." not in domain or any(unicodedata.category(ch)[0] in "CZ" for ch in domain):
        return False
    try:
        ascii_name = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return len(ascii_name) <= 253 and all(
        _LABEL.fullmatch(label) for label in ascii_name.split(".")
    )


class LinkDomain(ListEntry):
    """A site links may point to: trusted (a newcomer's link to it is not held)
    or known bad (a comment linking to it is refused). A domain covers its
    subdomains: bbc.co.uk covers www.bbc.co.uk and news.bbc.co.uk."""

    class Kind(models.TextChoices):
        TRUSTED = "trusted", "Trusted source"
        BLOCKED = "blocked", "Known bad: refuse"

    domain = models.CharField(max_length=253, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        domain = clean_domain(self.domain)
        if not is_host_name(domain):
            raise ValidationError({"domain": "Enter a domain such as example.org."})
        self.domain = domain


# --- what moderation knows of comments and their authors ----------------------------
class Review(models.Model):
    """Moderation's file on one comment: what the checks said when it was posted
    or edited, where it sits on the moderators' desk, and what was decided.

    Only comments that gave moderation something to do have one: held, flagged,
    hidden, reported or decided. `evidence` (the checks' scores and the like) and
    the IP hash are purged after MODERATION_EVIDENCE_DAYS."""

    class Queue(models.TextChoices):
        PENDING = "pending", "Pending"
        REPORTED = "reported", "Reported"
        SPAM = "spam", "Spam"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    comment = models.OneToOneField(
        "discussion.Comment", on_delete=models.CASCADE, related_name="review"
    )
    queue = models.CharField(max_length=10, choices=Queue.choices)
    verdict = models.CharField(
        max_length=10,
        blank=True,
        help_text="What the checks said: flag, hold or reject.",
    )
    reasons = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    hidden = models.BooleanField(
        default=False, help_text="Hidden from all but its author (a shadow ban)."
    )
    identity = models.CharField(max_length=300, db_index=True)
    report_count = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(max_length=500, blank=True)
    original_body = models.TextField(
        blank=True, help_text="The author's words, when a moderator edited them."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["queue", "created_at"], name="review_queue")]

    def __str__(self) -> str:
        return f"Review of comment {self.comment_id}: {self.queue}"


class Standing(models.Model):
    """A commenter's record: an account ("u:<id>"), a guest's e-mail address
    ("e:<address>") or, without one, a reader key ("k:<key>")."""

    identity = models.CharField(max_length=300, unique=True)
    approved = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    trusted = models.BooleanField(
        default=False,
        help_text="Their comments skip the rules that hold (never those that refuse).",
    )
    first_seen = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.identity


class Ban(models.Model):
    """Keeps someone from commenting: by account, verified e-mail address or IP
    hash, until a time or for good. A shadow ban lets them go on commenting and
    see their comments as published, while nobody else sees them."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        EMAIL = "email", "E-mail address"
        IP = "ip", "IP address (hashed)"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=300)
    until = models.DateTimeField(null=True, blank=True, help_text="Empty: for good.")
    shadow = models.BooleanField(default=False)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="ban_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        bump(BANS)  # every process reads the bans again (services.active_ban)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        bump(BANS)
        return result

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.lifted_at is None and (self.until is None or self.until > now)


class Report(models.Model):
    """A reader's report of a comment; one per reader per comment. Who reported
    is never shown to anyone, moderators included (only how many did)."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse or hate"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="reports"
    )
    reader_key = models.CharField(max_length=64)
    # The hash of the reader's address (of the unit rate limits count): reports
    # from one address count once towards hiding a comment. Purged with the
    # other IP hashes.
    address = models.CharField(max_length=64, blank=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reader_key"], name="one_report_per_reader"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class Action(models.Model):
    """The audit log: every moderator action, who took it, when and why."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderator_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30)
    comment = models.ForeignKey(
        "discussion.Comment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target = models.CharField(max_length=300, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.moderator_name or 'system'}: {self.action} {self.target}"


class Classifier(models.Model):
    """A model trained on moderators' decisions (see classifier.py): the newest
    is used; the two before it are kept."""

    created_at = models.DateTimeField(default=timezone.now)
    decisions = models.PositiveIntegerField()
    rejected = models.PositiveIntegerField()
    model = models.BinaryField()

    def __str__(self) -> str:
        return f"Classifier of {self.created_at:%Y-%m-%d %H:%M}"
