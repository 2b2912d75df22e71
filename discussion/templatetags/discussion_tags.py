"""The discussion under an article, rendered with the page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .. import extensions
from ..forms import form_stamp
from ..models import Comment, Passage
from ..readers import SORT_COOKIE, Reader
from ..reading import (
    clean_filter,
    clean_sort,
    discussion_page,
    discussion_version,
    thread_of,
)
from ..services import discussion_state

register = template.Library()

# The form's hidden fields for a comment about a passage (filled by passages.js).
PASSAGE_FIELDS = (
    "passage_exact",
    "passage_prefix",
    "passage_suffix",
    "passage_block",
    "passage_offset",
    "passage_id",
)


def _int(value: str | None) -> int | None:
    return (
        int(value)
        if value and value.isascii() and value.isdigit() and len(value) < 12
        else None
    )


@dataclass(frozen=True)
class _Section:
    """A rendered section with the places where one request's own parts go.

    The slots are random for every rendering, so no text a reader writes into a
    comment can name them (and be filled with someone's CSRF token).
    """

    html: str
    form_slot: str
    csrf_slot: str

    def fill(self, form: str, csrf_token: str | None) -> str:
        html = self.html.replace(self.form_slot, form, 1)
        if csrf_token:
            html = html.replace(self.csrf_slot, csrf_token)
        return html


@register.simple_tag(takes_context=True)
def discussion_section(context, article) -> str:
    """The discussion under an article: header, form, comments and paging.

    It is rendered once per version of the discussion and kept; the form (with
    its time stamp) and a member's CSRF token are filled in for each request.
    """
    request = context["request"]
    state = discussion_state(article)
    if state == "off":
        return ""
    member = request.user.is_authenticated
    thread = thread_of(article)
    sort = clean_sort(request.GET.get("sort") or request.COOKIES.get(SORT_COOKIE))
    start_at = None
    if thread and (thread_id := _int(request.GET.get("thread"))):
        start_at = (
            Comment.objects.shown()
            .filter(thread=thread, pk=thread_id, parent__isnull=True)
            .first()
        )
    view = {
        "sort": sort,
        "start_at": start_at,
        "cursor": request.GET.get("cursor") or None,
        "show_all": request.GET.get("all") == "1",
        "filter": clean_filter(request.GET.get("filter")),
        # ?passage=N: the answers to one passage's question, and the form to answer.
        "passage": (
            Passage.objects.filter(thread=thread, pk=passage_id).first()
            if thread and (passage_id := _int(request.GET.get("passage")))
            else None
        ),
    }
    # Pages for anonymous readers are cached and shared, so only readers who are
    # never served from the page cache (signed in, or a guest who just commented)
    # see their own edit links; while they have one, their section is their own.
    reader_key = Reader.personal_key(request)
    if (
        reader_key
        and thread
        and (
            Comment.objects.filter(thread=thread).changeable_by(reader_key)
            | Comment.objects.filter(thread=thread).seen_only_by(reader_key)
        ).exists()
    ):
        section = _render_section(article, thread, state, member, view, reader_key)
    elif view["cursor"]:
        # Later pages (readers without JavaScript) are rendered each time: any
        # string can be sent as a cursor, and each would be kept.
        section = _render_section(article, thread, state, member, view, None)
    else:
        key = (
            f"discussion:section:{article.pk}:{discussion_version(article.pk)}:"
            f"{state}:{int(member)}:{sort}:{start_at.pk if start_at else ''}:"
            f"{int(view['show_all'])}:{view['filter']}:"
            f"{view['passage'].pk if view['passage'] else ''}"
        )
        section = cache.get(key)
        if section is None:
            section = _render_section(article, thread, state, member, view, None)
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
                "passage_fields": PASSAGE_FIELDS,
                "passage": view["passage"],
            },
            request=request,
        )
    return mark_safe(section.fill(form, get_token(request) if member else None))


def _render_section(
    article, thread, state: str, member: bool, view: dict, reader_key: str | None
) -> _Section:
    show_all, start_at = view["show_all"], view["start_at"]
    page = discussion_page(
        thread,
        sort=view["sort"],
        cursor=view["cursor"],
        start_at=start_at,
        limit=10**9 if show_all else None,
        replies_limit=None if (show_all or start_at) else -1,
        filter=view["filter"],
        passage_id=view["passage"].pk if view["passage"] else None,
        reader_key=reader_key,
    )
    form_slot = f"<!--form-{secrets.token_hex(16)}-->"
    csrf_slot = f"csrf-{secrets.token_hex(16)}"
    shared = {
        "user": {"is_authenticated": member},
        "csrf_token": csrf_slot,
        "article": article,
        "state": state,
    }
    html = render_to_string(
        "discussion/section.html",
        {
            **shared,
            # What apps above put at the top of the discussion (a subscribe form).
            "top": extensions.section_top(shared),
            "page": page,
            "sort": view["sort"],
            "sorts": [
                ("oldest", "Oldest"),
                ("newest", "Newest"),
                ("votes", "Most voted"),
            ],
            "filter": view["filter"],
            "passage": view["passage"],
            "show_all": show_all,
            "reader_key": reader_key,
            "report_url": extensions.report_url(),
            "form_slot": mark_safe(form_slot),
            "max_depth": settings.DISCUSSION_MAX_DEPTH,
            "poll_seconds": settings.DISCUSSION_POLL_SECONDS,
        },
    )
    return _Section(html=html, form_slot=form_slot, csrf_slot=csrf_slot)


@register.simple_tag
def can_change(comment, reader_key) -> bool:
    return bool(reader_key) and comment.can_be_changed_by(reader_key)


@register.simple_tag
def report_link(report_url: str, comment_id: int) -> str:
    return report_url.replace("{id}", str(comment_id))


@register.filter
def replies_of(conversation, comment) -> list:
    return conversation.replies_to(comment)
