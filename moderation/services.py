"""Moderation: reviewing every new or edited comment, and what moderators and
readers do about comments.

The discussion asks `review_comment` (registered at its REVIEW_COMMENT hook)
before it stores a comment; the answer depends on the mode
(`DISCUSSION_MODERATION`), bans, the author's standing and the checks of
`pipeline`. Moderators act through `decide` and `ban`; readers through `report`.
Every moderator action lands in the audit log (`Action`).
"""

from __future__ import annotations

import time
import unicodedata
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from discussion import extensions
from discussion import services as discussion
from discussion.models import Comment
from discussion.readers import Reader, over_limit
from pagecache.generations import version
from subscriptions.services import is_confirmed_address, send_notice

from . import classifier, pipeline
from .models import BANS, Action, Ban, Report, Review, Standing

MODES = ("post", "pre", "newcomers")
MODERATORS_GROUP = "Moderators"

DEFAULTS = {
    "MODERATION_ENABLED": True,
    "DISCUSSION_MODERATION": "post",
    "MODERATION_NEWCOMER_APPROVED": 1,
    "MODERATION_REPORT_THRESHOLD": 3,
    "MODERATION_REPORTS_PER_HOUR": 20,
    "MODERATION_RECENT_MEMO_SECONDS": 3,
    "MODERATION_VOTE_BURST": 5,
    "MODERATION_NEW_READER_MINUTES": 10,
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


class ModerationError(discussion.DiscussionError):
    """A moderation request that cannot be carried out (see DiscussionError)."""


class Forbidden(ModerationError):
    status = 403


def mode() -> str:
    value = setting("DISCUSSION_MODERATION")
    return value if value in MODES else "post"


# --- who wrote it ------------------------------------------------------------------
def identity_of(comment: Comment) -> str:
    """The commenter a comment's record is kept under: their account, else the
    e-mail address they gave, else their reader key."""
    if comment.user_id:
        return f"u:{comment.user_id}"
    if comment.guest_email:
        return f"e:{comment.guest_email.strip().lower()}"
    return f"k:{comment.reader_key}"


def _verified_email(comment: Comment) -> str:
    """The author's address when they have proved it is theirs, else ""."""
    if comment.user_id:
        user = comment.user
        return user.email.lower() if user.email and user.email_verified_at else ""
    email = comment.guest_email.strip().lower()
    return email if email and is_confirmed_address(email) else ""


_bans: tuple[str, dict] = ("", {})


def _ban_index() -> dict[tuple[str, str], list[Ban]]:
    """Every ban not lifted, by (kind, value): read once per process and again
    when a ban changes (the BANS generation moves), so a comment costs no query
    for them."""
    global _bans
    generation = version(BANS)
    if _bans[0] != generation:
        index: dict[tuple[str, str], list[Ban]] = {}
        for ban in Ban.objects.filter(lifted_at__isnull=True).order_by("-created_at"):
            index.setdefault((ban.kind, ban.value), []).append(ban)
        _bans = (generation, index)
    return _bans[1]


def forget_bans() -> None:
    """Reads the bans afresh on the next comment (tests, whose changes never
    commit and so never move the generation)."""
    global _bans
    _bans = ("", {})


def active_ban(comment: Comment, ip_hash: str = "") -> Ban | None:
    """The ban that applies to the comment's author, the strictest first (a
    plain ban before a shadow ban), or None."""
    index = _ban_index()
    if not index:
        return None
    keys = []
    if comment.user_id:
        keys.append((Ban.Kind.ACCOUNT, str(comment.user_id)))
    email = (comment.user.email if comment.user_id else comment.guest_email) or ""
    if email.strip():
        keys.append((Ban.Kind.EMAIL, email.strip().lower()))
    if ip_hash or comment.ip_hash:
        keys.append((Ban.Kind.IP, ip_hash or comment.ip_hash))
    found = [ban for key in keys for ban in index.get(key, ()) if ban.is_active]
    return min(found, key=lambda ban: ban.shadow, default=None)


def is_newcomer(comment: Comment, standing: Standing | None) -> bool:
    """Fewer approved comments than MODERATION_NEWCOMER_APPROVED; a guest is a
    newcomer until they prove their e-mail address is theirs."""
    if standing is None:
        return True
    if not comment.user_id and not _verified_email(comment):
        return True
    return standing.approved < setting("MODERATION_NEWCOMER_APPROVED")


# --- recent comments, for the repeat check ---------------------------------------
@dataclass
class _Recent:
    rows: deque  # (id, body), oldest first
    last_id: int = 0
    loaded_at: float = 0.0


_recent = _Recent(rows=deque())


def recent_bodies(*, hours: int = 48, limit: int = 500, exclude: int | None = None):
    """The bodies of the latest comments on any article (at most `limit`, of the
    last `hours`): what the repeat check compares a new comment with.

    Each process keeps them and, within MODERATION_RECENT_MEMO_SECONDS, asks only
    for comments newer than the last it saw; after that it reads them afresh
    (and so forgets those that have aged or were deleted)."""
    since = timezone.now() - timedelta(hours=hours)
    fresh = time.monotonic() - _recent.loaded_at < setting(
        "MODERATION_RECENT_MEMO_SECONDS"
    )
    if fresh:
        new = discussion.recent_bodies(
            after_id=_recent.last_id, since=since, limit=limit
        )
        _recent.rows.extend(new)
    else:
        new = discussion.recent_bodies(
            after_id=0, since=since, limit=limit, newest_first=True
        )[::-1]
        _recent.rows = deque(new)
        _recent.loaded_at = time.monotonic()
        _recent.last_id = 0
    if new:
        _recent.last_id = max(_recent.last_id, new[-1][0])
    while len(_recent.rows) > limit:
        _recent.rows.popleft()
    return [body for pk, body in reversed(_recent.rows) if pk != exclude]


# --- reviewing a new or edited comment (the discussion's REVIEW_COMMENT hook) ------
POLICY_REASONS = {
    "pre": pipeline.Verdict(
        pipeline.HOLD,
        "pre_moderation",
        "Every comment here is read by a moderator before it appears.",
    ),
    "newcomers": pipeline.Verdict(
        pipeline.HOLD,
        "newcomer",
        "A moderator reads a new commenter's first comments before they appear.",
    ),
}
BANNED_MESSAGE = "You can no longer comment on this site."


def _standing_of(identity: str) -> Standing | None:
    """A commenter's record as every new comment's review reads it (its counts
    and trust; `first_seen` is loaded if asked for): one written-out
    statement."""
    connection = connections[router.db_for_read(Standing)]
    table = connection.ops.quote_name(Standing._meta.db_table)
    fields = ("id", "identity", "approved", "rejected", "trusted")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(fields)} FROM {table} WHERE"
            f" {connection.ops.quote_name('identity')} = %s",
            [identity],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, identity, approved, rejected, trusted = row
    return Standing.from_db(
        connection.alias, fields, (pk, identity, approved, rejected, bool(trusted))
    )


def review_comment(comment: Comment, *, article, reader: Reader, editing: bool):
    """The moderation of one new or edited comment (see extensions.Review)."""
    if not setting("MODERATION_ENABLED"):
        return None
    ban = active_ban(comment, reader.ip_hash)
    if ban is not None and not ban.shadow:
        return extensions.Review(extensions.REFUSE, BANNED_MESSAGE)
    identity = identity_of(comment)
    known: list[Standing | None] = []

    def standing() -> Standing | None:
        """The author's record, asked for only when something depends on it."""
        if not known:
            known.append(_standing_of(identity))
        return known[0]

    def newcomer() -> bool:
        return is_newcomer(comment, standing())

    submission = pipeline.Submission(
        body=comment.body_source,
        name=comment.author_name if not comment.user_id else "",
        email=comment.guest_email,
        website=comment.guest_website,
        newcomer=newcomer,
        guest=comment.user_id is None,
        recent_bodies=lambda: recent_bodies(exclude=comment.pk),
    )
    outcome = pipeline.run_checks(submission)
    if outcome.verdict == pipeline.REJECT:
        refusal = next(r for r in outcome.reasons if r.action == pipeline.REJECT)
        return extensions.Review(extensions.REFUSE, refusal.message)
    reasons = list(outcome.reasons)
    verdict = outcome.verdict
    policy = mode()
    if policy == "pre" or (policy == "newcomers" and newcomer()):
        reasons.append(POLICY_REASONS[policy])
        verdict = pipeline.HOLD
    if (
        verdict == pipeline.HOLD
        and (record := standing())
        and record.trusted
        and (comment.user_id or _verified_email(comment))
    ):
        # Trusted: published, and the reasons kept. A guest's record is theirs
        # only once they have proved the address it is kept under is theirs.
        verdict = pipeline.FLAG
    hidden = ban is not None and ban.shadow
    if verdict == pipeline.PUBLISH and not hidden:
        return None
    if hidden:
        action, queue = extensions.HIDE, Review.Queue.SPAM
        reasons.append(
            pipeline.Verdict(pipeline.HOLD, "shadow_ban", f"Shadow ban: {ban.reason}")
        )
    elif verdict == pipeline.HOLD:
        action, queue = extensions.HOLD, Review.Queue.PENDING
    else:
        action, queue = extensions.PUBLISH, Review.Queue.REPORTED
    held_message = next(
        (r.message for r in reasons if r.action == pipeline.HOLD),
        "A moderator will read your comment before it appears.",
    )

    def record(saved: Comment) -> None:
        fields = {
            "queue": queue,
            "verdict": verdict,
            "reasons": [r.as_dict() for r in reasons],
            "hidden": hidden,
            "identity": identity,
            "decided_by": None,
            "decided_at": None,
            "decision_reason": "",
        }
        if editing:  # an earlier review is replaced
            Review.objects.update_or_create(comment=saved, defaults=fields)
        else:  # a new comment has none: one INSERT
            Review.objects.create(comment=saved, **fields)

    return extensions.Review(
        action, held_message if action == extensions.HOLD else "", record
    )


def _count_in_standing(identity: str, field: str) -> None:
    """Adds one to a commenter's approved or rejected count, making their record
    on their first: one statement (an upsert, on SQLite and PostgreSQL alike),
    for it runs inside the posting transaction, under the thread's lock."""
    if field not in ("approved", "rejected"):
        raise ValueError(f"no such count: {field}")
    connection = connections[router.db_for_write(Standing)]
    table = connection.ops.quote_name(Standing._meta.db_table)
    first_seen = connection.ops.adapt_datetimefield_value(timezone.now())
    column = connection.ops.quote_name
    counted = column(field)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column('identity')}, approved, rejected,"
            " trusted, first_seen) VALUES (%s, %s, %s, %s, %s)"
            f" ON CONFLICT ({column('identity')})"
            f" DO UPDATE SET {counted} = {table}.{counted} + 1",
            [
                identity,
                int(field == "approved"),
                int(field == "rejected"),
                False,
                first_seen,
            ],
        )


def comment_visible(comment: Comment) -> None:
    """A comment everyone sees counts towards its author's standing."""
    _count_in_standing(identity_of(comment), "approved")


# --- moderators -------------------------------------------------------------------
def is_moderator(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=MODERATORS_GROUP).exists())
    )


def clean_reason(reason: str | None, field: str = "reason") -> str:
    """A moderator's reason (or a reader's note, naming `field` in the error) as
    kept: control and format characters (which could reorder or hide text) taken
    out, spaces tidied, at most 500 characters. It is shown escaped wherever it
    appears."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
        for ch in (reason or "")
    )
    text = " ".join(text.split())
    if len(text) > 500:
        raise ModerationError({field: f"Keep the {field} under 500 characters."})
    return text


def _log(moderator, action: str, *, comment=None, target="", reason="") -> Action:
    return Action.objects.create(
        moderator=moderator if moderator and moderator.is_authenticated else None,
        moderator_name=getattr(moderator, "get_username", lambda: "")() or "",
        action=action,
        comment=comment,
        target=target[:300],
        reason=reason,
    )


def _file(comment: Comment) -> Review:
    review, _ = Review.objects.get_or_create(
        comment=comment,
        defaults={"queue": Review.Queue.APPROVED, "identity": identity_of(comment)},
    )
    return review


def _count_rejection(identity: str) -> None:
    """A rejected comment counts in its author's record, their first one too."""
    _count_in_standing(identity, "rejected")


DECISIONS = ("approve", "reject", "spam", "pin", "unpin")


def decide(*, comment_id: int, action: str, moderator, reason: str = "") -> Comment:
    """A moderator's decision on a comment, carried out and logged:

    - approve: published (again), and subscribers told if they were not yet;
    - reject: removed (kept for the record), the author's standing counts it;
    - spam: removed as spam;
    - pin / unpin: shown first on the first page, marked.
    """
    if not is_moderator(moderator):
        raise Forbidden("Only moderators can do that.")
    if action not in DECISIONS:
        raise ModerationError({"action": "Choose approve, reject, spam, pin or unpin."})
    reason = clean_reason(reason)
    comment = Comment.objects.select_related("user").filter(pk=comment_id).first()
    if comment is None or comment.is_deleted:
        raise discussion.NotFound("That comment does not exist.")
    with transaction.atomic():
        if action in ("pin", "unpin"):
            comment = discussion.pin_comment(
                comment_id=comment_id, pinned=action == "pin"
            )
        else:
            review = _file(comment)
            if action == "approve":
                comment = discussion.restore_comment(comment_id=comment_id)
                review.queue = Review.Queue.APPROVED
                review.hidden = False
            else:
                state = (
                    Comment.State.SPAM if action == "spam" else Comment.State.REMOVED
                )
                comment = discussion.withdraw_comment(
                    comment_id=comment_id, state=state
                )
                if review.queue != Review.Queue.REJECTED and action == "reject":
                    _count_rejection(review.identity)
                    send_statement_of_reasons(comment, reason)
                review.queue = (
                    Review.Queue.SPAM if action == "spam" else Review.Queue.REJECTED
                )
            review.decided_by = moderator
            review.decided_at = timezone.now()
            review.decision_reason = reason
            review.save()
        _log(
            moderator,
            action,
            comment=comment,
            target=f"comment {comment.pk}",
            reason=reason,
        )
        if action not in ("pin", "unpin"):
            transaction.on_commit(_retrain_if_due)
    return comment


def send_statement_of_reasons(comment: Comment, reason: str) -> bool:
    """Tells the author of a rejected comment what was decided and why, by mail
    through the notifications outbox (in the decision's transaction), when their
    address is one they proved is theirs: a member's checked account address, or
    a guest's address confirmed for subscriptions. Once per comment."""
    if comment.user_id:
        user = comment.user
        email, verified = user.email, bool(user.email and user.email_verified_at)
        if not verified:
            return False
    else:
        email, verified = comment.guest_email, False
    if not email:
        return False
    article = comment.thread.article
    title = " ".join(article.title.split())
    words = " ".join(comment.body_source.split())
    if len(words) > 400:
        words = words[:400].rsplit(" ", 1)[0] + " …"
    paragraphs = [
        f"A moderator has removed the comment you posted on “{title}” on "
        f"{comment.created_at.day} {comment.created_at:%B %Y}. It is no longer "
        "shown on the site.",
        f"The reason: {reason or 'it broke the rules of the discussion.'}",
        f"What you wrote: “{words}”",
        "You can go on commenting; comments that keep to the rules are published.",
    ]
    if settings.SUBSCRIPTIONS_REPLY_TO:
        paragraphs.append("If you think this was a mistake, answer this e-mail.")
    event = send_notice(
        email=email,
        subject=f"Your comment on “{title}” was removed",
        paragraphs=paragraphs,
        key=f"moderation.statement:{comment.pk}",
        verified=verified,
    )
    return event is not None


def _retrain_if_due() -> None:
    """Queues the classifier's training when enough new decisions came."""
    from .tasks import retrain_classifier

    if classifier.due():
        retrain_classifier.enqueue()


# --- readers' reports ----------------------------------------------------------------
REPORT_REASONS = dict(Report.Reason.choices)


def report(*, comment_id: int, reader: Reader, reason: str, note: str = "") -> Report:
    """A reader reports a comment that everyone can see. One report per reader
    per comment (a second one changes nothing); once MODERATION_REPORT_THRESHOLD
    different readers have reported it, it is hidden until a moderator decides."""
    if reason not in REPORT_REASONS:
        raise ModerationError(
            {"reason": "Choose spam, abuse, off topic or something else."}
        )
    note = clean_reason(note, field="note")
    if reason == Report.Reason.OTHER and not note:
        raise ModerationError({"note": "Say briefly what is wrong with it."})
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None or comment.is_placeholder:
        raise discussion.NotFound("That comment does not exist.")
    if comment.reader_key == reader.key:
        raise discussion.NotAllowed("You cannot report your own comment.")
    found = Report.objects.filter(comment=comment, reader_key=reader.key).first()
    if found is not None:
        return found
    limit = (setting("MODERATION_REPORTS_PER_HOUR"), 3600)
    retry_after = over_limit("report", {reader.key: limit, reader.limit_key: limit})
    if retry_after:
        raise discussion.RateLimited(retry_after)
    try:
        with transaction.atomic():
            filed = Report.objects.create(
                comment=comment,
                reader_key=reader.key,
                address=reader.limit_key,
                reason=reason,
                note=note,
            )
            count = reporters(comment)
            review = _file(comment)
            review.report_count = count
            if review.queue not in (Review.Queue.REJECTED, Review.Queue.SPAM):
                review.queue = Review.Queue.REPORTED
            review.save(update_fields=["report_count", "queue", "updated_at"])
            if count >= setting("MODERATION_REPORT_THRESHOLD") and (
                review.decided_at is None
            ):
                discussion.withdraw_comment(
                    comment_id=comment.pk, state=Comment.State.PENDING
                )
                _log(
                    None,
                    "hide_reported",
                    comment=comment,
                    target=f"comment {comment.pk}",
                    reason=f"Reported by {count} readers",
                )
    except IntegrityError:  # the same reader, twice at once
        return Report.objects.get(comment=comment, reader_key=reader.key)
    return filed


def reporters(comment: Comment) -> int:
    """How many readers reported `comment`: reports from one address (of the
    unit rate limits count) are one reader's, for a reader who drops their
    cookie between reports is still one reader. A report whose address was
    purged counts by its reader."""
    reports = Report.objects.filter(comment=comment).values_list(
        "reader_key", "address"
    )
    return len({address or key for key, address in reports})


# --- the moderators' desk: bans, trust, edits, votes, closing discussions -----------
def _require_moderator(moderator) -> None:
    if not is_moderator(moderator):
        raise Forbidden("Only moderators can do that.")


def _comment(comment_id) -> Comment:
    comment = (
        Comment.objects.select_related("user", "thread").filter(pk=comment_id).first()
    )
    if comment is None or comment.is_deleted:
        raise discussion.NotFound("That comment does not exist.")
    return comment


# How long a ban lasts, by the name the desk's form gives it (None: for good).
BAN_DURATIONS = {
    "1d": ("for a day", timedelta(days=1)),
    "7d": ("for 7 days", timedelta(days=7)),
    "30d": ("for 30 days", timedelta(days=30)),
    "forever": ("for good", None),
}


def clean_ban_value(kind: str, value: str) -> str:
    """What a ban of this kind is kept under: an account's id (a username is
    looked up), a lower-case e-mail address, or an IP hash (an address typed in is
    hashed as the discussion hashes it)."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError
    from django.core.validators import EmailValidator

    from accounts.network import canonical_ip, ip_hash

    value = (value or "").strip()
    if any(
        unicodedata.category(ch)[0] == "C"
        or (unicodedata.category(ch)[0] == "Z" and ch != " ")
        for ch in value
    ):
        raise ModerationError(
            {"value": "Invisible characters cannot be part of a ban: type it again."}
        )
    if kind == Ban.Kind.ACCOUNT:
        users = get_user_model().objects
        user = (
            users.filter(pk=int(value)).first()
            if value.isascii() and value.isdigit() and len(value) < 19
            else users.filter(username=value).first()
        )
        if user is None:
            raise ModerationError({"value": "There is no account with that name."})
        return str(user.pk)
    if kind == Ban.Kind.EMAIL:
        value = value.lower()
        try:
            EmailValidator()(value)
        except ValidationError:
            raise ModerationError(
                {"value": "Enter an e-mail address such as name@example.org."}
            ) from None
        if len(value) > 254:
            raise ModerationError({"value": "That e-mail address is too long."})
        return value
    if kind == Ban.Kind.IP:
        lowered = value.lower()
        if len(lowered) == 32 and all(ch in "0123456789abcdef" for ch in lowered):
            return lowered
        address = canonical_ip(value)
        if not address:
            raise ModerationError(
                {"value": "Enter an IP address, or the hash the desk shows for one."}
            )
        return ip_hash(address)
    raise ModerationError({"kind": "Ban an account, an e-mail address or an IP."})


def _ban_target_of(comment: Comment, kind: str) -> str:
    """The account, address or IP hash a ban of `kind` takes from a comment."""
    if kind == Ban.Kind.ACCOUNT:
        if not comment.user_id:
            raise ModerationError({"kind": "A guest wrote this: ban the e-mail or IP."})
        return str(comment.user_id)
    if kind == Ban.Kind.EMAIL:
        email = (comment.user.email if comment.user_id else comment.guest_email) or ""
        if not email.strip():
            raise ModerationError({"kind": "There is no e-mail address to ban."})
        return email.strip().lower()
    if kind == Ban.Kind.IP:
        if not comment.ip_hash:
            raise ModerationError({"kind": "The comment's IP hash is no longer kept."})
        return comment.ip_hash
    raise ModerationError({"kind": "Ban an account, an e-mail address or an IP."})


def ban(
    *,
    kind: str,
    moderator,
    duration: str = "forever",
    value: str = "",
    comment_id: int | None = None,
    shadow: bool = False,
    reason: str = "",
    reject_waiting: bool = False,
) -> Ban:
    """Bans an account, an e-mail address or an IP hash from commenting, for a
    while (`duration`: 1d, 7d, 30d) or for good; a shadow ban lets them go on
    posting comments that only they see. The value is given, or taken from a
    comment (`comment_id`). A ban in force on the same value is replaced.
    With `reject_waiting`, their comments waiting for a moderator are rejected
    with the ban's reason (`Ban.rejected` says how many)."""
    _require_moderator(moderator)
    if duration not in BAN_DURATIONS:
        raise ModerationError({"duration": "Choose a day, 7 days, 30 days or good."})
    if kind not in Ban.Kind.values:
        raise ModerationError({"kind": "Ban an account, an e-mail address or an IP."})
    reason = clean_reason(reason)
    comment = None
    if comment_id is not None:
        comment = _comment(comment_id)
        value = _ban_target_of(comment, kind)
    else:
        value = clean_ban_value(kind, value)
    label, length = BAN_DURATIONS[duration]
    now = timezone.now()
    with transaction.atomic():
        Ban.objects.filter(kind=kind, value=value, lifted_at__isnull=True).filter(
            Q(until__isnull=True) | Q(until__gt=now)
        ).update(lifted_at=now)
        made = Ban.objects.create(
            kind=kind,
            value=value,
            until=now + length if length else None,
            shadow=shadow,
            reason=reason,
            created_by=moderator,
            created_at=now,
        )
        _log(
            moderator,
            "shadow_ban" if shadow else "ban",
            comment=comment,
            target=f"{made.get_kind_display()} {value}, {label}",
            reason=reason,
        )
        made.rejected = 0
        if reject_waiting:
            for waiting in _waiting_comments(kind, value):
                decide(
                    comment_id=waiting,
                    action="reject",
                    moderator=moderator,
                    reason=reason or "The author is banned.",
                )
                made.rejected += 1
    return made


def _waiting_comments(kind: str, value: str) -> list[int]:
    """The comments held for a moderator that a ban of `kind` on `value` covers."""
    held = Comment.objects.filter(state=Comment.State.PENDING, is_deleted=False)
    if kind == Ban.Kind.ACCOUNT:
        held = (
            held.filter(user_id=int(value))
            if value.isascii() and value.isdigit()
            else held.none()
        )
    elif kind == Ban.Kind.EMAIL:
        held = held.filter(Q(guest_email__iexact=value) | Q(user__email__iexact=value))
    else:
        held = held.filter(ip_hash=value)
    return list(held.order_by("pk").values_list("pk", flat=True))


def lift_ban(*, ban_id: int, moderator, reason: str = "") -> Ban:
    """Ends a ban in force now."""
    _require_moderator(moderator)
    reason = clean_reason(reason)
    with transaction.atomic():
        found = Ban.objects.select_for_update().filter(pk=ban_id).first()
        if found is None:
            raise discussion.NotFound("That ban does not exist.")
        if not found.is_active:
            raise ModerationError("That ban is no longer in force.")
        found.lifted_at = timezone.now()
        found.save(update_fields=["lifted_at"])
        _log(
            moderator,
            "lift_ban",
            target=f"{found.get_kind_display()} {found.value}",
            reason=reason,
        )
    return found


def active_bans():
    """Bans in force, the newest first."""
    return (
        Ban.objects.filter(lifted_at__isnull=True)
        .filter(Q(until__isnull=True) | Q(until__gt=timezone.now()))
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


IDENTITY_PREFIXES = ("u:", "e:", "k:")


def set_trusted(
    *, identity: str, trusted: bool, moderator, reason: str = ""
) -> Standing:
    """Trusts a commenter (their comments skip the rules that hold, never those
    that refuse), or stops trusting them."""
    _require_moderator(moderator)
    identity = (identity or "").strip()
    known = (
        identity.startswith(IDENTITY_PREFIXES)
        and 2 < len(identity) <= 300
        and (
            Standing.objects.filter(identity=identity).exists()
            or Review.objects.filter(identity=identity).exists()
        )
    )
    if not known:
        raise ModerationError({"identity": "That is not a commenter the desk knows."})
    reason = clean_reason(reason)
    with transaction.atomic():
        standing, _ = Standing.objects.get_or_create(identity=identity)
        if standing.trusted != trusted:
            standing.trusted = trusted
            standing.save(update_fields=["trusted"])
        _log(
            moderator, "trust" if trusted else "untrust", target=identity, reason=reason
        )
    return standing


def _queue_for(comment: Comment) -> str:
    return {
        Comment.State.PENDING: Review.Queue.PENDING,
        Comment.State.SPAM: Review.Queue.SPAM,
        Comment.State.HIDDEN: Review.Queue.SPAM,
        Comment.State.REMOVED: Review.Queue.REJECTED,
    }.get(comment.state, Review.Queue.APPROVED)


def edit_comment(*, comment_id: int, body: str, moderator, reason: str = "") -> Comment:
    """A moderator's edit of a comment's words. The author's own words are kept
    (the first time it is edited) in its review's `original_body`, for the desk
    to show beside the edited ones."""
    _require_moderator(moderator)
    reason = clean_reason(reason)
    comment = _comment(comment_id)
    with transaction.atomic():
        comment, original = discussion.replace_body(comment_id=comment.pk, body=body)
        review, _ = Review.objects.get_or_create(
            comment=comment,
            defaults={"queue": _queue_for(comment), "identity": identity_of(comment)},
        )
        if not review.original_body and original != comment.body_source:
            review.original_body = original
            review.save(update_fields=["original_body", "updated_at"])
        _log(
            moderator,
            "edit",
            comment=comment,
            target=f"comment {comment.pk}",
            reason=reason,
        )
    return comment


def void_votes(*, reader_key: str, moderator, reason: str = "") -> int:
    """Takes back every vote a reader cast (vote stuffing); each comment they
    voted on is counted again from the votes left. Returns how many went."""
    _require_moderator(moderator)
    reader_key = (reader_key or "").strip()
    if not reader_key or len(reader_key) > 64:
        raise ModerationError({"reader_key": "That is not a reader the desk knows."})
    reason = clean_reason(reason)
    with transaction.atomic():
        removed = discussion.void_votes(reader_key=reader_key)
        _log(
            moderator,
            "void_votes",
            target=f"reader {reader_key}: {removed} vote{'s' if removed != 1 else ''}",
            reason=reason,
        )
    return removed


def set_discussion_closed(
    *, article_id: int, closed: bool, moderator, reason: str = ""
) -> None:
    """Closes an article's discussion (its comments stay, the form goes) or
    opens it again; a later publication of the article keeps the choice."""
    from newsroom.services import set_comments_closed

    _require_moderator(moderator)
    reason = clean_reason(reason)
    with transaction.atomic():
        title = set_comments_closed(article_id=article_id, closed=closed)
        if title is None:
            raise discussion.NotFound("That article does not exist.")
        _log(
            moderator,
            "close_discussion" if closed else "reopen_discussion",
            target=f"article {article_id}: {title}",
            reason=reason,
        )
