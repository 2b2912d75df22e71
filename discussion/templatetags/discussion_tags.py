"""The discussion under an article, rendered with the page."""

from __future__ import annotations

from django import template
from django.conf import settings

from config.pagecache import RECENT_COOKIE, SORT_COOKIE

from ..forms import form_stamp
from ..models import Comment
from ..readers import Reader
from ..reading import clean_sort, discussion_page
from ..services import discussion_state

register = template.Library()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


@register.inclusion_tag("discussion/section.html", takes_context=True)
def discussion_section(context, article):
    request = context["request"]
    state = discussion_state(article)
    if state == "off":
        return {"state": "off"}
    thread = article.thread
    sort = clean_sort(request.GET.get("sort") or request.COOKIES.get(SORT_COOKIE))
    start_at = None
    thread_id = _int(request.GET.get("thread"))
    if thread and thread_id:
        start_at = (
            Comment.objects.shown()
            .filter(thread=thread, pk=thread_id, parent__isnull=True)
            .first()
        )
    show_all = request.GET.get("all") == "1"
    page = discussion_page(
        thread,
        sort=sort,
        cursor=request.GET.get("cursor"),
        start_at=start_at,
        limit=10**9 if show_all else None,
        replies_limit=None if (show_all or start_at) else -1,
    )
    # Pages for anonymous readers are cached and shared, so only readers who are
    # never served from the cache (signed in, or a guest who just commented) see
    # their own edit links.
    personal = request.user.is_authenticated or RECENT_COOKIE in request.COOKIES
    reader_key = Reader.from_request(request).key if personal else None
    reply_to = _int(request.GET.get("reply_to"))
    return {
        "request": request,
        "user": request.user,
        "article": article,
        "state": state,
        "page": page,
        "sort": sort,
        "sorts": [("oldest", "Oldest"), ("newest", "Newest"), ("votes", "Most voted")],
        "show_all": show_all,
        "reader_key": reader_key,
        "stamp": form_stamp(),
        "reply_to": reply_to,
        "max_depth": settings.DISCUSSION_MAX_DEPTH,
        "max_length": settings.DISCUSSION_MAX_LENGTH,
        "poll_seconds": settings.DISCUSSION_POLL_SECONDS,
    }


@register.simple_tag
def can_change(comment, reader_key) -> bool:
    return bool(reader_key) and comment.can_be_changed_by(reader_key)


@register.filter
def replies_of(conversation, comment) -> list:
    return conversation.replies_to(comment)
