"""The discussion under an article, rendered with the page."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django import template
from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from config.pagecache import RECENT_COOKIE, SORT_COOKIE, discussion_version

from ..forms import form_stamp
from ..models import Comment
from ..readers import Reader
from ..reading import clean_sort, discussion_page
from ..services import discussion_state

register = template.Library()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


# The section is rendered once per version of the discussion and kept; what
# belongs to one request (the form with its time stamp, a member's CSRF token) is
# put into these slots afterwards.
FORM_SLOT = "<!--discussion:form-->"
CSRF_SLOT = "discussion-csrf-slot"


@register.simple_tag(takes_context=True)
def discussion_section(context, article) -> str:
    """The discussion under an article: header, form, comments and paging."""
    request = context["request"]
    state = discussion_state(article)
    if state == "off":
        return ""
    member = request.user.is_authenticated
    # Pages for anonymous readers are cached and shared, so only readers who are
    # never served from the page cache (signed in, or a guest who just commented)
    # see their own edit links; while they have one, their section is their own.
    personal = member or RECENT_COOKIE in request.COOKIES
    reader_key = Reader.from_request(request).key if personal else None
    if reader_key and article.thread and _has_editable_comments(article, reader_key):
        section = _render_section(request, article, state, reader_key)
    else:
        options = [request.GET.get(name, "") for name in ("sort", "thread", "cursor")]
        options += [request.GET.get("all", ""), request.COOKIES.get(SORT_COOKIE, "")]
        digest = hashlib.sha256("|".join(options).encode()).hexdigest()[:24]
        key = (
            f"discussion:section:{article.pk}:{discussion_version(article.pk)}:"
            f"{state}:{int(member)}:{digest}"
        )
        section = cache.get(key)
        if section is None:
            section = _render_section(request, article, state, None)
            cache.set(key, section, timeout=600)
    form = ""
    if state == "open":
        form = render_to_string(
            "discussion/form.html",
            {
                "article": article,
                "user": request.user,
                "reply_to": _int(request.GET.get("reply_to")),
                "stamp": form_stamp(),
                "max_length": settings.DISCUSSION_MAX_LENGTH,
            },
            request=request,
        )
    section = section.replace(FORM_SLOT, form, 1)
    if member:
        section = section.replace(CSRF_SLOT, get_token(request))
    return mark_safe(section)


def _has_editable_comments(article, reader_key: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.DISCUSSION_EDIT_WINDOW)
    return Comment.objects.filter(
        thread=article.thread,
        reader_key=reader_key,
        created_at__gte=since,
        is_deleted=False,
    ).exists()


def _render_section(request, article, state: str, reader_key: str | None) -> str:
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
    return render_to_string(
        "discussion/section.html",
        {
            "user": request.user,
            "csrf_token": CSRF_SLOT,
            "article": article,
            "state": state,
            "page": page,
            "sort": sort,
            "sorts": [
                ("oldest", "Oldest"),
                ("newest", "Newest"),
                ("votes", "Most voted"),
            ],
            "show_all": show_all,
            "reader_key": reader_key,
            "form_slot": mark_safe(FORM_SLOT),
            "max_depth": settings.DISCUSSION_MAX_DEPTH,
            "poll_seconds": settings.DISCUSSION_POLL_SECONDS,
        },
    )


@register.simple_tag
def can_change(comment, reader_key) -> bool:
    return bool(reader_key) and comment.can_be_changed_by(reader_key)


@register.filter
def replies_of(conversation, comment) -> list:
    return conversation.replies_to(comment)
