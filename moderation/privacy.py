"""What moderation keeps about a commenter, for the privacy app: exported,
erased on request, and old evidence purged.

What a commenter is shown: the decisions about their own comments (the queue,
the reasons the checks gave in the words written for authors, and a
moderator's stated reason), their standing, the reports they made, and bans
on their address or account. Never who decided, never whether or how often
their comments were reported, never who reported them.

Bans outlive an erasure: keeping someone out who was banned is the site's own
interest, and a ban holds nothing but the address or account it bans.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from pagecache.generations import bump

from .models import BANS, Ban, Report, Review, Standing


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def identities(*, email: str, user_id: int | None, keys: set[str]) -> list[str]:
    """The names moderation keeps a commenter's record under (see
    services.identity_of): their account, their address, their reader keys."""
    found = [f"e:{email}"] if email else []
    if user_id:
        found.append(f"u:{user_id}")
    found.extend(f"k:{key}" for key in sorted(keys))
    return found


def export_record(
    *,
    email: str,
    user_id: int | None,
    keys: set[str],
    comment_ids: list[int],
) -> dict:
    """Moderation's record of the commenter, as they may see it."""
    names = identities(email=email, user_id=user_id, keys=keys)
    standings = [
        {
            "approved": s.approved,
            "rejected": s.rejected,
            "trusted": s.trusted,
            "first_seen": _iso(s.first_seen),
        }
        for s in Standing.objects.filter(identity__in=names).order_by("pk")
    ]
    decisions = [
        {
            "comment": review.comment_id,
            "queue": review.queue,
            "checks_said": review.verdict,
            "reasons": [
                r.get("message", "") for r in review.reasons if isinstance(r, dict)
            ],
            "decided_at": _iso(review.decided_at),
            "decision_reason": review.decision_reason,
            "words_before_a_moderator_edited_them": review.original_body,
            "evidence": review.evidence,
        }
        for review in Review.objects.filter(comment_id__in=comment_ids).order_by("pk")
    ]
    reports = [
        {
            "comment": report.comment_id,
            "reason": report.reason,
            "note": report.note,
            "address_hash": report.address,
            "created_at": _iso(report.created_at),
        }
        for report in Report.objects.filter(reader_key__in=keys).order_by("pk")
    ]
    return {
        "standing": standings,
        "decisions": decisions,
        "reports_made": reports,
        "bans": [
            {
                "kind": ban.kind,
                "until": _iso(ban.until),
                "shadow": ban.shadow,
                "reason": ban.reason,
                "created_at": _iso(ban.created_at),
                "lifted_at": _iso(ban.lifted_at),
            }
            for ban in _bans(email=email, user_id=user_id)
        ],
    }


def _nobody() -> str:
    return f"x:{secrets.token_hex(12)}"


def _bans(*, email: str, user_id: int | None):
    who = Q(kind=Ban.Kind.EMAIL, value=email) if email else Q(pk__in=[])
    if user_id:
        who |= Q(kind=Ban.Kind.ACCOUNT, value=str(user_id))
    return Ban.objects.filter(who).order_by("pk")


@transaction.atomic
def forget(
    *,
    email: str,
    user_id: int | None,
    keys: set[str],
    comment_ids: list[int],
) -> dict[str, int]:
    """Erases what moderation keeps about the commenter: their standing, the
    evidence, identity and original words on the files of their comments, and
    the notes and reader keys of the reports they made (the reports still count,
    as nobody's). Decisions stay, as the state of each comment does; bans stay.
    """
    names = identities(email=email, user_id=user_id, keys=keys)
    standings, _ = Standing.objects.filter(identity__in=names).delete()
    # Each file gets an identity of its own that names nobody, so the desk's
    # "same author" lists no longer join these comments to each other or to
    # anyone.
    reviews = 0
    for review in Review.objects.filter(comment_id__in=comment_ids).only("pk"):
        Review.objects.filter(pk=review.pk).update(
            evidence={}, identity=_nobody(), original_body=""
        )
        reviews += 1
    reports = 0
    for report in Report.objects.filter(reader_key__in=keys).only("pk"):
        Report.objects.filter(pk=report.pk).update(
            note="", reader_key=_nobody(), address=""
        )
        reports += 1
    return {"standings": standings, "reviews": reviews, "reports": reports}


def purge_evidence(*, before: datetime) -> dict[str, int]:
    """Purges what moderation no longer needs once a comment is old: the checks'
    evidence on comments filed before `before`, the notes of reports made
    before it and the address hashes of those who made them, and IP bans that
    ended (lifted or run out) before it. Decisions, reasons, standings and bans
    on accounts or addresses are kept."""
    ended_ip_bans, _ = (
        Ban.objects.filter(kind=Ban.Kind.IP)
        .filter(Q(lifted_at__lt=before) | Q(until__lt=before))
        .delete()
    )
    if ended_ip_bans:
        bump(BANS)  # every process reads the bans again (services.active_ban)
    return {
        "evidence": Review.objects.filter(created_at__lt=before)
        .exclude(evidence={})
        .update(evidence={}),
        "report_notes": Report.objects.filter(created_at__lt=before)
        .exclude(note="")
        .update(note=""),
        "ip_bans": ended_ip_bans,
        "report_addresses": Report.objects.filter(created_at__lt=before)
        .exclude(address="")
        .update(address=""),
    }
