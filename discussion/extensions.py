"""Where apps above the discussion learn what happens in it, without the
discussion knowing them.

An app registers functions under these names with `wagtail.hooks.register` in
its `wagtail_hooks.py`. They are called inside the transaction that makes the
change, so what they write (an outbox row, say) commits or rolls back with it;
anything that leaves the process must wait for `transaction.on_commit`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import mark_safe
from wagtail import hooks

# fn(comment, *, notify: str | None) -> None: a comment was stored. `notify` is
# what its author asked to be told about: "none", "replies", "all", or None when
# they did not say.
COMMENT_POSTED = "discussion_comment_posted"
# fn(comment) -> None: a comment became visible to everyone (posted published,
# or restored by a moderator).
COMMENT_VISIBLE = "discussion_comment_visible"


def comment_posted(comment, *, notify: str | None) -> None:
    for fn in hooks.get_hooks(COMMENT_POSTED):
        fn(comment, notify=notify)


def comment_visible(comment) -> None:
    for fn in hooks.get_hooks(COMMENT_VISIBLE):
        fn(comment)


# fn(comment, *, article, reader, editing: bool) -> Review | None: a new or edited
# comment, not yet saved (`comment.pk` is set when editing), asked before anything
# is stored, outside the posting transaction. The most severe answer of all the
# functions wins; none means the comment is published.
REVIEW_COMMENT = "discussion_review_comment"

PUBLISH, HOLD, HIDE, REFUSE = "publish", "hold", "hide", "refuse"
_SEVERITY = {PUBLISH: 0, HOLD: 1, HIDE: 2, REFUSE: 3}


@dataclass(frozen=True)
class Review:
    """What a reviewer says of a comment.

    - publish: shown to everyone;
    - hold: kept pending a moderator (its author sees it "awaiting moderation");
    - hide: kept out of everyone's sight but its author's, who sees it as
      published (a shadow ban);
    - refuse: not stored; `message` tells the author why, in words they can act on.

    `record(comment)` is called with the stored comment inside the posting
    transaction, so what the reviewer writes about it commits with it.
    """

    action: str = PUBLISH
    message: str = ""
    record: Callable | None = None


def review_comment(comment, *, article, reader, editing: bool) -> Review:
    """Every reviewer's answer, combined: the most severe action and its message;
    each reviewer's `record` is kept for the comment."""
    reviews = [
        review
        for fn in hooks.get_hooks(REVIEW_COMMENT)
        if (review := fn(comment, article=article, reader=reader, editing=editing))
    ]
    if not reviews:
        return Review()
    worst = max(reviews, key=lambda review: _SEVERITY[review.action])
    records = [review.record for review in reviews if review.record]

    def record(saved) -> None:
        for fn in records:
            fn(saved)

    return Review(worst.action, worst.message, record if records else None)


# fn() -> str | None: the address of a comment's report form, with "{id}" for the
# comment's number, or None when readers cannot report comments. Asked once per
# rendering of a discussion.
REPORT_URL = "discussion_report_url"


def report_url() -> str:
    for fn in hooks.get_hooks(REPORT_URL):
        if url := fn():
            return url
    return ""


# fn(context) -> str: HTML for the top of an article's discussion, under its header
# (a subscribe form, say). `context` holds `article`, `state` ("open" or "closed"),
# `user` (`is_authenticated`) and `csrf_token`. The result is kept with the rendered
# discussion, so it must be the same for every reader of that version of it.
SECTION_TOP = "discussion_section_top"


def section_top(context: dict) -> str:
    return mark_safe("".join(str(fn(context)) for fn in hooks.get_hooks(SECTION_TOP)))
