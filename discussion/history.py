"""What the discussion remembers of who wrote and who voted, for moderators:
the names used from one e-mail address or one IP hash, and votes that look
stuffed (many from one address on one comment, or from readers who had only
just arrived). Reads only; nothing here changes a row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Min, Q
from django.db.models.functions import Lower

from .models import Comment, Vote

# At most this many distinct (address, hash, name) rows are read for one page of
# the desk: a shared address (a university's, say) must not read the whole table.
NAMES_LIMIT = 2000


@dataclass
class NamesUsed:
    """Names seen in comments, by the e-mail address and by the IP hash."""

    by_email: dict[str, set[str]] = field(default_factory=dict)
    by_ip: dict[str, set[str]] = field(default_factory=dict)

    def others(self, *, name: str, email: str = "", ip_hash: str = "") -> list[str]:
        """Names other than `name` used from this address or this IP hash."""
        found = set(self.by_email.get(email.strip().lower(), ())) if email else set()
        if ip_hash:
            found |= self.by_ip.get(ip_hash, set())
        found.discard(name)
        return sorted(found, key=str.casefold)


def names_used(*, emails: Iterable[str], ip_hashes: Iterable[str]) -> NamesUsed:
    """The names comments were signed with from any of these e-mail addresses
    (a guest's, or a member's account address) or IP hashes, in one query."""
    emails = {e.strip().lower() for e in emails if e and e.strip()}
    ip_hashes = {h for h in ip_hashes if h}
    used = NamesUsed()
    if not emails and not ip_hashes:
        return used
    rows = (
        Comment.objects.annotate(
            email=Lower("guest_email"), account_email=Lower("user__email")
        )
        .filter(
            Q(email__in=emails) | Q(account_email__in=emails) | Q(ip_hash__in=ip_hashes)
        )
        .values_list(
            "email",
            "account_email",
            "ip_hash",
            "guest_name",
            "user__display_name",
            "user__username",
        )
        .distinct()[:NAMES_LIMIT]
    )
    by_email, by_ip = defaultdict(set), defaultdict(set)
    for email, account_email, ip, guest_name, display_name, username in rows:
        name = guest_name or display_name or username or ""
        if not name:
            continue
        for address in (email, account_email):
            if address and address in emails:
                by_email[address].add(name)
        if ip in ip_hashes:
            by_ip[ip].add(name)
    used.by_email, used.by_ip = dict(by_email), dict(by_ip)
    return used


# --- vote stuffing ---------------------------------------------------------------
@dataclass(frozen=True)
class Burst:
    """Votes on one comment from one IP hash, beyond the threshold."""

    comment_id: int
    ip_hash: str
    votes: int
    up: int
    down: int
    reader_keys: tuple[str, ...]


def vote_bursts(*, threshold: int, since: datetime, limit: int = 100) -> list[Burst]:
    """Comments with more than `threshold` votes from one IP hash among the votes
    cast since `since`, the most votes first."""
    groups = list(
        Vote.objects.filter(created_at__gte=since)
        .exclude(ip_hash="")
        .values("comment_id", "ip_hash")
        .annotate(
            votes=Count("pk"),
            up=Count("pk", filter=Q(value=1)),
            down=Count("pk", filter=Q(value=-1)),
        )
        .filter(votes__gt=threshold)
        .order_by("-votes", "-comment_id")[:limit]
    )
    if not groups:
        return []
    readers = defaultdict(set)
    pairs = Q()
    for group in groups:
        pairs |= Q(comment_id=group["comment_id"], ip_hash=group["ip_hash"])
    for comment_id, ip, key in (
        Vote.objects.filter(pairs, created_at__gte=since)
        .values_list("comment_id", "ip_hash", "reader_key")
        .distinct()
    ):
        readers[comment_id, ip].add(key)
    return [
        Burst(
            comment_id=group["comment_id"],
            ip_hash=group["ip_hash"],
            votes=group["votes"],
            up=group["up"],
            down=group["down"],
            reader_keys=tuple(sorted(readers[group["comment_id"], group["ip_hash"]])),
        )
        for group in groups
    ]


@dataclass(frozen=True)
class NewReaderVotes:
    """A reader's votes cast within minutes of their first activity here."""

    reader_key: str
    first_seen: datetime
    votes: int
    total_votes: int
    comments: int
    ip_hashes: tuple[str, ...]


def new_reader_votes(
    *, minutes: int, since: datetime, limit: int = 100
) -> list[NewReaderVotes]:
    """Readers whose first vote was cast since `since` and who voted within
    `minutes` of their first activity: the account's creation, or a guest's
    first vote or comment. The most such votes first."""
    firsts = dict(
        Vote.objects.values("reader_key")
        .annotate(first=Min("created_at"))
        .filter(first__gte=since)
        .values_list("reader_key", "first")
    )
    if not firsts:
        return []
    for key, first in (
        Comment.objects.filter(reader_key__in=list(firsts))
        .values("reader_key")
        .annotate(first=Min("created_at"))
        .values_list("reader_key", "first")
    ):
        firsts[key] = min(firsts[key], first)
    user_ids = {int(k[2:]) for k in firsts if k.startswith("u:") and k[2:].isdigit()}
    for pk, joined in (
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .values_list("pk", "date_joined")
    ):
        firsts[f"u:{pk}"] = min(firsts[f"u:{pk}"], joined)
    window = timedelta(minutes=minutes)
    early = defaultdict(int)
    totals = defaultdict(int)
    comments = defaultdict(set)
    ips = defaultdict(set)
    for key, at, comment_id, ip in Vote.objects.filter(
        reader_key__in=list(firsts)
    ).values_list("reader_key", "created_at", "comment_id", "ip_hash"):
        totals[key] += 1
        if at < firsts[key] + window:
            early[key] += 1
            comments[key].add(comment_id)
            if ip:
                ips[key].add(ip)
    found = [
        NewReaderVotes(
            reader_key=key,
            first_seen=firsts[key],
            votes=n,
            total_votes=totals[key],
            comments=len(comments[key]),
            ip_hashes=tuple(sorted(ips[key])),
        )
        for key, n in early.items()
    ]
    found.sort(key=lambda r: (-r.votes, r.reader_key))
    return found[:limit]


def votes_by_reader(reader_key: str) -> dict[str, int]:
    """How many up and down votes a reader has cast."""
    counts = Vote.objects.filter(reader_key=reader_key).aggregate(
        up=Count("pk", filter=Q(value=1)), down=Count("pk", filter=Q(value=-1))
    )
    return {"up": counts["up"] or 0, "down": counts["down"] or 0}
