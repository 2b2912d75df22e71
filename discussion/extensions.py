"""Where apps above the discussion learn what happens in it, without the
discussion knowing them.

An app registers functions under these names with `wagtail.hooks.register` in
its `wagtail_hooks.py`. They are called inside the transaction that makes the
change, so what they write (an outbox row, say) commits or rolls back with it;
anything that leaves the process must wait for `transaction.on_commit`.
"""

from __future__ import annotations

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


# fn(context) -> str: HTML for the top of an article's discussion, under its header
# (a subscribe form, say). `context` holds `article`, `state` ("open" or "closed"),
# `user` (`is_authenticated`) and `csrf_token`. The result is kept with the rendered
# discussion, so it must be the same for every reader of that version of it.
SECTION_TOP = "discussion_section_top"


def section_top(context: dict) -> str:
    return mark_safe("".join(str(fn(context)) for fn in hooks.get_hooks(SECTION_TOP)))
