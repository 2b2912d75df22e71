"""Every write to a discussion: post, edit, delete, vote.

Views, the JSON API and commands all call these, so a comment follows the same
rules however it arrives. Each runs in one transaction that locks the article's
thread row: counters change with F() under that lock, and a double-submitted
comment finds its twin instead of being stored again.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.names import clean_display_name, is_reserved_name
from newsroom.services import article_scope, listings_changed
from pagecache.generations import CONTENT, bump, version

from . import anchoring, extensions, markup, passages, questions, statements
from .models import Comment, Passage, Thread, Vote
from .readers import Reader, over_limit


class DiscussionError(Exception):
    """A refusal a reader should see: `errors` maps a field (or "__all__") to text."""

    status = 400

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class InvalidInput(DiscussionError):
    status = 400


class NotAllowed(DiscussionError):
    status = 403


class Closed(DiscussionError):
    status = 403


class NotFound(DiscussionError):
    status = 404


class Refused(DiscussionError):
    """The comment's words are not accepted here (moderation said so)."""


class RateLimited(DiscussionError):
    status = 429

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            f"You are going a little fast. Please try again in {retry_after} seconds."
        )


# --- the state of a discussion ------------------------------------------------------
def discussion_state(article) -> str:
    """ "open", "closed" (shown, no new comments) or "off" (not shown at all)."""
    if not getattr(article, "comments_enabled", False):
        return "off"
    if getattr(article, "comments_closed", False):
        return "closed"
    days = settings.DISCUSSION_CLOSE_AFTER_DAYS
    published = getattr(article, "first_published_at", None)
    if days and published and timezone.now() > published + timedelta(days=days):
        return "closed"
    return "open"


def _count_on_thread(
    article_id: int, *, top_level: bool, now, counted: bool = True
) -> int:
    """Counts a new comment on the article's thread row, which locks it until
    the transaction ends (making the row on the first comment); returns its id.

    Changing the row is the lock: one statement where SELECT ... FOR UPDATE and
    an UPDATE would be two. The id is remembered, and the UPDATE checks that it
    still belongs to this article before trusting it.
    """
    key = f"discussion:thread-of:{article_id}"
    thread_id = cache.get(key)
    if thread_id and statements.count_comment_on_thread(
        thread_id, article_id, top_level=top_level, at=now, counted=counted
    ):
        return thread_id
    thread, _ = Thread.objects.get_or_create(article_id=article_id)
    statements.count_comment_on_thread(
        thread.pk, article_id, top_level=top_level, at=now, counted=counted
    )
    cache.set(key, thread.pk, timeout=None)
    return thread.pk


class _Twin(Exception):
    """Raised inside a transaction to undo it: the comment is already stored."""

    def __init__(self, comment_id: int):
        self.comment_id = comment_id


# --- input ----------------------------------------------------------------------------
def _has_control_characters(text: str) -> bool:
    return (
        any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in text)
        or "\x00" in text
    )


def clean_body(raw: str) -> str:
    """The body as stored, or InvalidInput; long bodies are refused before parsing."""
    body = (raw or "").strip()
    if not body:
        raise InvalidInput({"body": "Write something before posting."})
    if len(body) > settings.DISCUSSION_MAX_LENGTH:
        raise InvalidInput(
            {
                "body": f"Comments can be at most {settings.DISCUSSION_MAX_LENGTH:,} "
                f"characters; this one has {len(body):,}."
            }
        )
    if _has_control_characters(body):
        raise InvalidInput({"body": "The comment contains control characters."})
    return body.replace("\r\n", "\n")


def _rendered(body: str) -> str:
    """The HTML of a cleaned body, or InvalidInput when it would show nothing."""
    html = markup.render(body)
    if not markup.shows_text(html):
        raise InvalidInput({"body": "Write something before posting."})
    return html


def clean_guest(name: str, email: str, website: str) -> tuple[str, str, str]:
    """A guest's name, e-mail and website, checked; InvalidInput lists every problem."""
    errors = {}
    raw_name, email, website = (
        (name or ""),
        (email or "").strip(),
        (website or "").strip(),
    )
    for field, value in (("name", raw_name), ("email", email), ("website", website)):
        if _has_control_characters(value):
            errors[field] = "This contains control characters."
    name = clean_display_name(raw_name)
    if "name" not in errors:
        if not name:
            errors["name"] = "Tell us your name (any name you like)."
        elif len(name) > 50:
            errors["name"] = "Names can be at most 50 characters."
        elif "<" in name or ">" in name:
            # Shown as text it would be harmless, but it is never a name, and
            # it looks like an attack to everyone reading.
            errors["name"] = "Names cannot contain < or >."
        elif is_reserved_name(name):
            errors["name"] = "That name is reserved. Please choose another."
    if "email" not in errors:
        if not email:
            errors["email"] = "Your e-mail is needed (it is never shown)."
        else:
            try:
                EmailValidator()(email)
            except ValidationError:
                errors["email"] = "Enter a valid e-mail address."
            if len(email) > 254:
                errors["email"] = "Enter a valid e-mail address."
    if website and "website" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(website)
            if len(website) > 300:
                raise ValidationError("too long")
        except ValidationError:
            errors["website"] = (
                "Enter a full web address starting with http:// or https://."
            )
    if errors:
        raise InvalidInput(errors)
    return name, email, website


def _check_rate(action: str, reader: Reader) -> None:
    per_reader = getattr(settings, f"DISCUSSION_{action.upper()}_RATE")
    per_ip = getattr(settings, f"DISCUSSION_{action.upper()}_RATE_PER_IP")
    retry_after = over_limit(action, {reader.key: per_reader, reader.limit_key: per_ip})
    if retry_after:
        raise RateLimited(retry_after)


def _bump_thread(thread_id: int, **changes) -> None:
    Thread.objects.filter(pk=thread_id).update(version=F("version") + 1, **changes)


def _after_change(article_id: int, *, counted: bool) -> None:
    """Once the change commits, the article's cached pages go; when the number of
    comments changed (`counted`), every listing's too, for they show it."""
    bump(article_scope(article_id))
    if counted:
        listings_changed()


def recent_bodies(
    *, after_id: int, since, limit: int, newest_first: bool = False
) -> list[tuple[int, str]]:
    """(id, body) of recent comments that are still there, for checks that
    compare a new comment with them (see `statements.recent_bodies`)."""
    return statements.recent_bodies(
        after_id=after_id, since=since, limit=limit, newest_first=newest_first
    )


# --- writes -----------------------------------------------------------------
# The state a comment is stored in, by what its review said.
REVIEWED_STATES = {
    extensions.PUBLISH: Comment.State.PUBLISHED,
    extensions.HOLD: Comment.State.PENDING,
    extensions.HIDE: Comment.State.HIDDEN,
}

# What a commenter may ask to be told about (None: the listening apps' default).
NOTIFY_CHOICES = (None, "none", "replies", "all")


def post_comment(
    *,
    article,
    reader: Reader,
    body: str,
    parent_id: int | None = None,
    name: str = "",
    email: str = "",
    website: str = "",
    passage: anchoring.Anchor | None = None,
    passage_id: int | None = None,
    notify: str | None = None,
) -> Comment:
    """Stores a comment and counts it, or returns the identical one this reader
    has just posted (a double submission is stored once).

    `notify` ("none", "replies", "all", or None for the default) is handed to the
    apps listening at `extensions.COMMENT_POSTED`, in the same transaction.

    The reviewers at `extensions.REVIEW_COMMENT` (moderation) decide whether it
    is published, held for a moderator (`state` pending), hidden from all but
    its author (spam), or refused (`Refused`, nothing stored). A comment that is
    not published is not counted anywhere, and nobody is told of it.

    A top-level comment may be about a passage of the article: one the reader
    selected (`passage`, checked against the live version of the article) or
    one already there (`passage_id`), whose count it adds to.
    """
    body = clean_body(body)
    html = _rendered(body)
    if notify not in NOTIFY_CHOICES:
        raise InvalidInput({"notify": "Choose none, replies or all."})
    revision_id = None
    if passage is not None or passage_id is not None:
        if parent_id is not None:
            raise InvalidInput({"passage": "A reply answers a comment, not a passage."})
        if passage is not None and passage_id is not None:
            raise InvalidInput({"passage": "Comment on one passage at a time."})
        if passage is not None:
            passage, revision_id = clean_passage(article.pk, passage)
        elif not Passage.objects.filter(
            pk=passage_id, thread__article_id=article.pk
        ).exists():
            raise InvalidInput({"passage_id": "That passage is not in this article."})
    if reader.user is None:
        name, email, website = clean_guest(name, email, website)
    else:
        name = email = website = ""
    state = discussion_state(article)
    if state == "off":
        raise Closed("Comments are off for this article.")
    if state == "closed":
        raise Closed("This discussion is closed.")
    fingerprint = markup.fingerprint(body)

    def since():
        return timezone.now() - timedelta(seconds=settings.DISCUSSION_DUPLICATE_WINDOW)

    # A resubmission gets the comment already stored, and does not count
    # against the reader's rate limit. The cache remembers this reader's recent
    # post of these words here (its id), so the common case (not a twin) costs no
    # query; the database has the last word under the lock below.
    about = passage_id or (
        markup.fingerprint(f"{passage.block_id}:{passage.offset}:{passage.exact}")
        if passage
        else ""
    )
    # A guest with no cookie yet has a new key on every request: two copies of
    # their first comment sent at once are known by their address, name and
    # e-mail address instead.
    first_visit = reader.is_new and reader.user is None and bool(reader.ip_hash)
    guest = (reader.ip_hash, name, email) if first_visit else None
    who = hashlib.sha256("\n".join(guest).encode()).hexdigest() if guest else reader.key
    recent_key = (
        f"discussion:recent:{article.pk}:{who}:{parent_id}:{about}:{fingerprint}"
    )
    if (recent_id := cache.get(recent_key)) and (
        twin := Comment.objects.filter(
            pk=recent_id, is_deleted=False, created_at__gte=since()
        ).first()
    ):
        return twin
    _check_rate("post", reader)

    now = timezone.now()
    comment = Comment(
        parent_id=parent_id,
        user=reader.user,
        guest_name=name,
        guest_email=email,
        guest_website=website,
        reader_key=reader.key,
        ip_hash=reader.ip_hash,
        body_source=body,
        body_html=html,
        body_hash=fingerprint,
        created_at=now,
    )
    review = extensions.review_comment(
        comment, article=article, reader=reader, editing=False
    )
    if review.action == extensions.REFUSE:
        raise Refused({"body": review.message})
    comment.state = REVIEWED_STATES[review.action]
    # Why it waits, for its author (not stored: moderation keeps its own record).
    comment.review_message = review.message if review.action == extensions.HOLD else ""
    shown = comment.state == Comment.State.PUBLISHED
    try:
        with transaction.atomic():
            comment.thread_id = _count_on_thread(
                article.pk, top_level=parent_id is None, now=now, counted=shown
            )
            if parent_id is not None:
                comment.root_id, comment.depth = _replied_to(
                    parent_id, comment.thread_id, reader=reader, shown=shown
                )
            if passage is not None:
                passage_id = _passage_for(comment.thread_id, passage, revision_id)
            comment.passage_id = passage_id
            # Asked again under the thread's lock, where a concurrent twin has
            # committed; finding one undoes the counting above.
            if twin_id := statements.find_twin(
                thread_id=comment.thread_id,
                reader_key=reader.key,
                body_hash=fingerprint,
                parent_id=parent_id,
                passage_id=passage_id,
                since=since(),
                guest=guest,
            ):
                raise _Twin(twin_id)
            comment.save(force_insert=True)
            if review.record:
                review.record(comment)
            if shown:
                if parent_id is not None:
                    statements.count_reply(parent_id, comment.root_id)
                if passage_id is not None:
                    Passage.objects.filter(pk=passage_id).update(
                        comment_count=F("comment_count") + 1
                    )
                _after_change(article.pk, counted=True)
            extensions.comment_posted(comment, notify=notify)
            if shown:
                extensions.comment_visible(comment)
            transaction.on_commit(
                lambda: cache.set(
                    recent_key, comment.pk, timeout=settings.DISCUSSION_DUPLICATE_WINDOW
                )
            )
    except _Twin as twin:
        return Comment.objects.get(pk=twin.comment_id)
    return comment


def _replied_to(
    parent_id: int, thread_id: int, *, reader: Reader, shown: bool
) -> tuple[int, int]:
    """The root and depth a reply to `parent_id` gets, or InvalidInput.

    Only a published comment can be answered, except a hidden one by its own
    author with a reply nobody else will see either: a shadow-banned reader, who
    sees their comments as published, must not learn otherwise by answering
    one. (A comment waiting for a moderator says so to its author.)"""
    parent = statements.reply_target(parent_id, thread_id)
    if parent is None:
        raise InvalidInput({"parent_id": "The comment you reply to is not here."})
    root_id, depth, is_deleted, state, author_key = parent
    own_unseen = (
        state == Comment.State.HIDDEN and not shown and author_key == reader.key
    )
    if is_deleted or (state != Comment.State.PUBLISHED and not own_unseen):
        raise InvalidInput({"parent_id": "That comment can no longer be replied to."})
    return root_id or parent_id, depth + 1


def _lock_comment(comment_id: int) -> Comment | None:
    """The comment, locked after its thread (the order every write that changes
    the thread's counters locks in)."""
    thread_id = (
        Comment.objects.filter(pk=comment_id)
        .values_list("thread_id", flat=True)
        .first()
    )
    if thread_id is not None:
        Thread.objects.select_for_update().get(pk=thread_id)
    return (
        Comment.objects.select_for_update(of=("self",))
        .select_related("thread", "user")
        .filter(pk=comment_id)
        .first()
    )


def _own_comment(comment_id: int, reader: Reader, edit_key: str | None) -> Comment:
    """The reader's own comment, still theirs to change, locked."""
    comment = _lock_comment(comment_id)
    keys = {reader.key, edit_key} - {None, ""}
    if comment is not None and comment.reader_key in keys:
        comment.viewer_key = comment.reader_key  # its author may see it hidden
    if comment is None or comment.is_placeholder:
        raise NotFound("That comment does not exist.")
    if not any(comment.can_be_changed_by(key) for key in keys):
        if comment.reader_key in keys:
            raise NotAllowed("Comments can only be changed in the first minutes.")
        raise NotAllowed("You can only change your own comments.")
    return comment


def edit_comment(
    *, comment_id: int, reader: Reader, body: str, edit_key: str | None = None
) -> Comment:
    """Replaces the body of the reader's own recent comment and marks it edited.

    The new words are reviewed as a new comment's are: refused, nothing changes;
    held or hidden, the comment is withdrawn (and its old words with it) until a
    moderator decides."""
    body = clean_body(body)
    html = _rendered(body)
    draft = (
        Comment.objects.select_related("thread", "user").filter(pk=comment_id).first()
    )
    review = extensions.Review()
    if draft is not None and not draft.is_deleted:
        article = draft.thread.article.specific
        draft.body_source = body
        review = extensions.review_comment(
            draft, article=article, reader=reader, editing=True
        )
        if review.action == extensions.REFUSE:
            raise Refused({"body": review.message})
    with transaction.atomic():
        comment = _own_comment(comment_id, reader, edit_key)
        if discussion_state(comment.thread.article.specific) != "open":
            raise Closed("This discussion is closed.")
        comment.body_source = body
        comment.body_html = html
        comment.body_hash = markup.fingerprint(body)
        comment.edited_at = timezone.now()
        comment.save(
            update_fields=["body_source", "body_html", "body_hash", "edited_at"]
        )
        if review.record:
            review.record(comment)
        if review.action == extensions.PUBLISH:
            _bump_thread(comment.thread_id)
            _after_change(comment.thread.article_id, counted=False)
        else:
            comment.state = REVIEWED_STATES[review.action]
            comment.save(update_fields=["state"])
            _recount(comment)
    return comment


def delete_comment(
    *, comment_id: int, reader: Reader, edit_key: str | None = None
) -> Comment:
    """Deletes the reader's own recent comment.

    With replies it stays as a "comment deleted" placeholder holding them;
    without, it disappears, and so does any placeholder left with no replies.
    """
    with transaction.atomic():
        comment = _own_comment(comment_id, reader, edit_key)
        comment.is_deleted = True
        comment.body_source = comment.body_html = ""
        comment.save(update_fields=["is_deleted", "body_source", "body_html"])
        thread_changes = {"comment_count": F("comment_count") - 1}
        if comment.passage_id is not None:
            Passage.objects.filter(pk=comment.passage_id).update(
                comment_count=F("comment_count") - 1
            )
        if comment.reply_count == 0:
            _take_out_of_counts(comment, thread_changes)
        _bump_thread(comment.thread_id, **thread_changes)
        _after_change(comment.thread.article_id, counted=True)
    return comment


def _take_out_of_counts(comment: Comment, thread_changes: dict) -> None:
    """Takes a comment that is no longer shown out of its ancestors' counts,
    and any placeholder above it that is left holding nothing."""
    while True:
        if comment.root_id:
            Comment.objects.filter(pk=comment.root_id).update(
                descendant_count=F("descendant_count") - 1
            )
        if comment.parent_id is None:
            thread_changes["top_level_count"] = F("top_level_count") - 1
            return
        Comment.objects.filter(pk=comment.parent_id).update(
            reply_count=F("reply_count") - 1
        )
        parent = Comment.objects.get(pk=comment.parent_id)
        if not (parent.is_placeholder and parent.reply_count == 0):
            return
        comment = parent


# --- moderation: hiding and showing comments ---------------------------------
WITHDRAWN_STATES = (
    Comment.State.PENDING,
    Comment.State.SPAM,
    Comment.State.REMOVED,
    Comment.State.HIDDEN,
)


def withdraw_comment(*, comment_id: int, state: str) -> Comment:
    """Hides a published comment from readers, keeping its words for a restore.

    `state` says why: pending (held for review), spam, removed, or hidden (from
    all but its author). With replies the comment stays as a placeholder that
    holds them; without, it disappears (and so does a placeholder above it left
    holding nothing). The thread's and the ancestors' counters are recounted
    under the thread's lock, so they stay exact. Withdrawing a comment that is
    not published changes nothing.
    """
    if state not in WITHDRAWN_STATES:
        raise InvalidInput(
            {"state": "A comment is withdrawn as pending, spam, removed or hidden."}
        )
    with transaction.atomic():
        comment = _lock_comment(comment_id)
        if comment is None:
            raise NotFound("That comment does not exist.")
        if comment.state == Comment.State.PUBLISHED:
            comment.state = state
            comment.save(update_fields=["state"])
            _recount(comment)
        elif comment.state != state:
            comment.state = state  # a re-classification: nothing a reader sees
            comment.save(update_fields=["state"])
    return comment


def restore_comment(*, comment_id: int) -> Comment:
    """Publishes a withdrawn comment again, exactly where it was, and counts it."""
    with transaction.atomic():
        comment = _lock_comment(comment_id)
        if comment is None:
            raise NotFound("That comment does not exist.")
        if comment.state != Comment.State.PUBLISHED:
            comment.state = Comment.State.PUBLISHED
            comment.save(update_fields=["state"])
            _recount(comment)
            extensions.comment_visible(comment)
    return comment


def _recount(comment: Comment) -> None:
    """Counts again, from the rows, what a change of `comment`'s visibility
    touches: its ancestors' shown replies (nearest first, since a placeholder is
    shown only while it holds a shown reply), its top-level comment's shown
    descendants, and the thread's counters. Runs under the thread's lock."""
    ancestor_id = comment.parent_id
    while ancestor_id is not None:
        shown = Comment.objects.shown().filter(parent_id=ancestor_id).count()
        Comment.objects.filter(pk=ancestor_id).update(reply_count=shown)
        ancestor_id = (
            Comment.objects.filter(pk=ancestor_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    if comment.passage_id is not None:
        Passage.objects.filter(pk=comment.passage_id).update(
            comment_count=Comment.objects.filter(
                passage_id=comment.passage_id,
                state=Comment.State.PUBLISHED,
                is_deleted=False,
            ).count()
        )
    root_id = comment.root_id or comment.pk
    descendants = Comment.objects.shown().filter(root_id=root_id).count()
    Comment.objects.filter(pk=root_id).update(descendant_count=descendants)
    in_thread = Comment.objects.filter(thread_id=comment.thread_id)
    Thread.objects.filter(pk=comment.thread_id).update(
        version=F("version") + 1,
        comment_count=in_thread.filter(
            state=Comment.State.PUBLISHED, is_deleted=False
        ).count(),
        top_level_count=in_thread.shown().filter(parent__isnull=True).count(),
    )
    _after_change(comment.thread.article_id, counted=True)


# --- votes --------------------------------------------------------------------
def _check_votable(comment: Comment | None, reader: Reader) -> Comment:
    if comment is None or comment.is_placeholder:
        raise NotFound("That comment does not exist.")
    if comment.reader_key == reader.key:
        raise NotAllowed("You cannot vote on your own comment.")
    return comment


def cast_vote(
    *, comment_id: int, reader: Reader, value: int, toggle: bool = False
) -> Comment:
    """Sets the reader's vote on a comment to +1, -1 or 0 (none).

    With `toggle`, asking for the vote the reader already has removes it (the
    arrow pressed twice). Returns the comment with its new counts.
    """
    if value not in (1, -1, 0):
        raise InvalidInput({"value": "A vote is 1 (up), -1 (down) or 0 (none)."})
    # Asked first so a vote that cannot count costs no rate limit; asked again
    # under the comment's lock, where a delete or a withdrawal has committed.
    _check_votable(Comment.objects.filter(pk=comment_id).first(), reader)
    _check_rate("vote", reader)
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _apply_vote(comment_id, reader, value, toggle)
        except IntegrityError:
            # Two requests of one reader raced to create the vote: the loser
            # reads the winner's row on the next pass.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _apply_vote(comment_id: int, reader: Reader, value: int, toggle: bool) -> Comment:
    # The thread row is not touched: a vote locks only its own comment, so votes
    # never wait on (or deadlock with) comments being posted.
    comment = _check_votable(
        Comment.objects.select_for_update().filter(pk=comment_id).first(), reader
    )
    vote = (
        Vote.objects.select_for_update()
        .filter(comment=comment, reader_key=reader.key)
        .first()
    )
    old = vote.value if vote else 0
    new = 0 if toggle and value == old else value
    if new == old:
        return comment
    if new == 0:
        vote.delete()
    elif vote is None:
        Vote.objects.create(
            comment=comment, reader_key=reader.key, value=new, ip_hash=reader.ip_hash
        )
    else:
        vote.value = new
        vote.save(update_fields=["value"])
    up = (new == 1) - (old == 1)
    down = (new == -1) - (old == -1)
    Comment.objects.filter(pk=comment.pk).update(
        up=F("up") + up, down=F("down") + down, score=F("score") + up - down
    )
    # The row is locked, so its counts are what the update made them.
    comment.up, comment.down = comment.up + up, comment.down + down
    comment.score += up - down
    _after_change(_article_id(comment.thread_id), counted=False)
    return comment


def _article_id(thread_id: int) -> int:
    key = f"discussion:article-of:{thread_id}"
    article_id = cache.get(key)
    if article_id is None:
        article_id = Thread.objects.values_list("article_id", flat=True).get(
            pk=thread_id
        )
        cache.set(key, article_id, timeout=None)
    return article_id


# --- passages -------------------------------------------------------------------
_ANCHOR_FIELDS = ["exact", "prefix", "suffix", "block_id", "offset", "state"]


def reanchor_passages(*, article, revision=None) -> list[Passage]:
    """Finds the article's passages again in its newly published body.

    Each passage follows its words (discussion.anchoring) or, when they cannot
    be found with confidence, is orphaned; an orphaned passage whose words come
    back is anchored again. The article's cached pages go once this commits, for
    their highlights moved. Returns the passages that changed.
    """
    thread = Thread.objects.filter(article_id=article.pk).first()
    if thread is None:
        return []
    # Editors' questions follow their markers (place_questions), not the words.
    found_passages = list(thread.passages.filter(marker=""))
    if not found_passages:
        return []
    blocks = passages.block_texts(article.body)
    anchors = [passage_anchor(passage) for passage in found_passages]
    changed = []
    for passage, found in zip(
        found_passages, anchoring.resolve_all(blocks, anchors), strict=True
    ):
        before = [getattr(passage, name) for name in _ANCHOR_FIELDS]
        if found is None:
            passage.state = Passage.State.ORPHANED
        else:
            passage.state = Passage.State.ANCHORED
            for name in ("exact", "prefix", "suffix", "block_id", "offset"):
                setattr(passage, name, getattr(found.anchor, name))
        if [getattr(passage, name) for name in _ANCHOR_FIELDS] != before:
            changed.append(passage)
    if changed:
        with transaction.atomic():
            # One UPDATE a passage: bulk_update's CASE over every row and field
            # took longer than finding the passages on a long article.
            for passage in changed:
                Passage.objects.filter(pk=passage.pk).update(
                    **{name: getattr(passage, name) for name in _ANCHOR_FIELDS}
                )
            _bump_thread(thread.pk)
            _after_change(article.pk, counted=False)
    return changed


def place_questions(*, article, revision=None) -> list[Passage]:
    """Reads the editors' questions from the article's newly published body.

    A new marker becomes a passage; a marker still there carries its passage to
    its words and question as they are now; a passage whose marker is gone is
    orphaned, so its answers stay in the discussion with their quote (it is
    anchored again if the marker comes back). Returns the passages made or
    changed.
    """
    marked = questions.questions_in(article.body)
    asked = Passage.objects.filter(thread__article_id=article.pk).exclude(marker="")
    if not marked and not asked.exists():
        return []
    fields = ["question", *_ANCHOR_FIELDS]
    with transaction.atomic():
        # Two publications at once place the questions one after the other.
        thread, _ = Thread.objects.get_or_create(article_id=article.pk)
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        kept = {p.marker: p for p in thread.passages.exclude(marker="")}
        made, changed = [], []
        for found in marked:
            passage = kept.pop(found.key, None)
            if passage is None:
                passage = Passage(thread=thread, marker=found.key, revision=revision)
                made.append(passage)
            before = [getattr(passage, name) for name in fields]
            passage.question = found.question
            passage.state = Passage.State.ANCHORED
            for name in ("exact", "prefix", "suffix", "block_id", "offset"):
                setattr(passage, name, getattr(found.anchor, name))
            if passage.pk and [getattr(passage, name) for name in fields] != before:
                changed.append(passage)
        for passage in kept.values():  # markers the editors took out
            if passage.state != Passage.State.ORPHANED:
                passage.state = Passage.State.ORPHANED
                changed.append(passage)
        if made or changed:
            Passage.objects.bulk_create(made)
            Passage.objects.bulk_update(changed, fields)
            _bump_thread(thread.pk)
            _after_change(article.pk, counted=False)
    return made + changed


def passage_anchor(passage: Passage) -> anchoring.Anchor:
    return anchoring.Anchor(
        exact=passage.exact,
        prefix=passage.prefix,
        suffix=passage.suffix,
        block_id=passage.block_id,
        offset=passage.offset,
    )


def live_block_texts(article_id: int) -> tuple[dict[str, str], int | None]:
    """The text of each block of the live article a passage can be in, and the
    id of the live revision; kept until anything is next published."""
    from newsroom.models import ArticlePage

    key = f"discussion:blocks:{article_id}:{version(CONTENT)}"
    found = cache.get(key)
    if found is None:
        page = ArticlePage.objects.only("body", "live_revision").get(pk=article_id)
        found = (passages.block_texts(page.body), page.live_revision_id)
        cache.set(key, found, timeout=600)
    return found


def clean_passage(
    article_id: int, selection: anchoring.Anchor
) -> tuple[anchoring.Anchor, int | None]:
    """A reader's selection as the anchor to store, with the live revision's id,
    or InvalidInput: the words must be in the live article's block, where the
    offset says (or, said wrongly, where the surroundings agree best)."""
    exact = selection.exact or ""
    if not exact.strip():
        raise InvalidInput({"passage": "Select the words you want to comment on."})
    if len(exact) > Passage.MAX_EXACT:
        raise InvalidInput(
            {
                "passage": f"A passage can be at most {Passage.MAX_EXACT} "
                f"characters; this one has {len(exact):,}."
            }
        )
    if _has_control_characters(exact):
        raise InvalidInput({"passage": "The passage contains control characters."})
    blocks, revision_id = live_block_texts(article_id)
    text = blocks.get(selection.block_id or "")
    if text is None:
        raise InvalidInput(
            {"passage": "That part of the article cannot be commented on."}
        )
    start = anchoring.locate_in_block(text, selection)
    if start is None:
        raise InvalidInput(
            {
                "passage": "Those words are not in that paragraph. Select words "
                "within one paragraph of the article as it is now."
            }
        )
    anchor = anchoring.anchor_at(text, start, start + len(exact), selection.block_id)
    return anchor, revision_id


def _passage_for(
    thread_id: int, anchor: anchoring.Anchor, revision_id: int | None
) -> int:
    """The id of the thread's passage at these words, made if it is the first
    comment on them (readers who select the same words share one passage)."""
    same = (
        Passage.objects.filter(
            thread_id=thread_id,
            block_id=anchor.block_id,
            offset=anchor.offset,
            exact=anchor.exact,
            state=Passage.State.ANCHORED,
            marker="",
        )
        .values_list("pk", flat=True)
        .first()
    )
    if same is not None:
        return same
    return Passage.objects.create(
        thread_id=thread_id,
        exact=anchor.exact,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        block_id=anchor.block_id,
        offset=anchor.offset,
        revision_id=revision_id,
    ).pk


# --- moderators' changes ----------------------------------------------------------
def pin_comment(*, comment_id: int, pinned: bool) -> Comment:
    """Pins a published top-level comment (shown first on the first page, marked),
    or unpins it, published or not (a pinned comment hidden since, so that it
    does not come back pinned)."""
    with transaction.atomic():
        comment = _lock_comment(comment_id)
        if comment is None or comment.is_deleted or (pinned and comment.is_placeholder):
            raise NotFound("That comment does not exist.")
        if pinned and comment.parent_id is not None:
            raise InvalidInput({"action": "Only a top-level comment can be pinned."})
        if bool(comment.pinned_at) != pinned:
            comment.pinned_at = timezone.now() if pinned else None
            comment.save(update_fields=["pinned_at"])
            _bump_thread(
                comment.thread_id,
                pinned_count=F("pinned_count") + (1 if pinned else -1),
            )
            _after_change(comment.thread.article_id, counted=False)
    return comment


def replace_body(*, comment_id: int, body: str) -> tuple[Comment, str]:
    """A moderator's edit of a comment's words (an insult taken out, say):
    returns the comment and the words it had. Not marked as edited by its author."""
    body = clean_body(body)
    html = _rendered(body)
    with transaction.atomic():
        comment = _lock_comment(comment_id)
        if comment is None or comment.is_deleted:
            raise NotFound("That comment does not exist.")
        original = comment.body_source
        comment.body_source = body
        comment.body_html = html
        comment.body_hash = markup.fingerprint(body)
        comment.save(update_fields=["body_source", "body_html", "body_hash"])
        _bump_thread(comment.thread_id)
        _after_change(comment.thread.article_id, counted=False)
    return comment, original


def void_votes(*, reader_key: str) -> int:
    """Takes back every vote a reader cast, and counts each comment they voted on
    again from its remaining votes (and the counts it was imported with).
    Returns how many votes went."""
    with transaction.atomic():
        comment_ids = list(
            Vote.objects.filter(reader_key=reader_key)
            .order_by("comment_id")
            .values_list("comment_id", flat=True)
        )
        locked = list(
            Comment.objects.select_for_update()
            .filter(pk__in=comment_ids)
            .order_by("pk")
            .values_list("pk", "thread_id")
        )
        removed, _ = Vote.objects.filter(reader_key=reader_key).delete()
        for comment_id, _thread in locked:
            _recount_votes(comment_id)
        for thread_id in {thread for _, thread in locked}:
            _after_change(_article_id(thread_id), counted=False)
    return removed


def _recount_votes(comment_id: int) -> None:
    votes = Vote.objects.filter(comment_id=comment_id)
    up = votes.filter(value=1).count()
    down = votes.filter(value=-1).count()
    Comment.objects.filter(pk=comment_id).update(
        up=F("imported_up") + up,
        down=F("imported_down") + down,
        score=F("imported_up") + up - F("imported_down") - down,
    )
