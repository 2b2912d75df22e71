"""The discussion's place on the newsroom's pages (see newsroom.extensions)."""

from __future__ import annotations

from django.utils.html import format_html
from wagtail import hooks

from newsroom import extensions

from .models import Comment
from .readers import SORT_COOKIE
from .reading import thread_of
from .templatetags.discussion_tags import discussion_section


@hooks.register(extensions.LISTING_QUERYSET)
def fetch_threads(queryset):
    # Teasers show the comment count: the thread row comes with the article.
    return queryset.select_related("discussion_thread")


@hooks.register(extensions.BYLINE_ITEMS)
def comment_count(article) -> str:
    thread = thread_of(article)
    if not article.comments_enabled or not thread or not thread.comment_count:
        return ""
    n = thread.comment_count
    return format_html(
        '<a class="byline__comments" href="{}#comments">{} comment{}</a>',
        article.url,
        n,
        "" if n == 1 else "s",
    )


@hooks.register(extensions.ARTICLE_SECTIONS)
def section(request, article) -> str:
    return discussion_section({"request": request}, article)


@hooks.register(extensions.ARTICLE_SCRIPTS)
def script(article) -> list[str]:
    return ["js/discussion.js"] if article.comments_enabled else []


@hooks.register(extensions.STRUCTURED_DATA)
def structured_data(article, data: dict) -> None:
    if article.comments_enabled:
        thread = thread_of(article)
        data["commentCount"] = thread.comment_count if thread else 0


@hooks.register(extensions.ARTICLE_RESPONSE)
def remember_sort(request, article, response) -> None:
    sort = request.GET.get("sort")
    if sort in Comment.SORTS:
        # The reader's choice of order is kept for their next visit.
        response.set_cookie(SORT_COOKIE, sort, max_age=365 * 24 * 3600, samesite="Lax")
