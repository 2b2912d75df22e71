"""The lists moderators keep: phrases to refuse or hold, and link domains."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models

from pagecache.generations import bump

from .normalise import phrase_key

# Bumped whenever a list changes; the matchers built from the lists are kept per
# process under this generation and rebuilt when it moves.
LISTS = "moderation-lists"


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
        self.text = " ".join((self.text or "").split())
        key, _ = phrase_key(self.text)
        if len(key) <= 3:
            raise ValidationError(
                {"text": "A phrase needs at least two letters or digits to match."}
            )


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
        if "." not in domain or " " in domain:
            raise ValidationError({"domain": "Enter a domain such as example.org."})
        self.domain = domain
