"""The discussion's place on the newsroom's pages (see newsroom.extensions)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils.html import format_html
from draftjs_exporter.dom import DOM
from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    InlineEntityElementHandler,
)
from wagtail.admin.rich_text.editors.draftail import features as draftail_features

from newsroom import extensions

from .models import Comment, Passage
from .passages import mark_passages
from .questions import ENTITY_TYPE, FEATURE, clean_key, clean_question
from .readers import SORT_COOKIE
from .reading import discussion_version, shown_count, thread_of
from .templatetags.discussion_tags import discussion_section


@hooks.register(extensions.LISTING_QUERYSET)
def fetch_threads(queryset):
    # Teasers show the comment count: the thread row comes with the article.
    return queryset.select_related("discussion_thread")


@hooks.register(extensions.BYLINE_ITEMS)
def comment_count(request, article) -> str:
    if not article.comments_enabled:
        return ""
    n = shown_count(request, thread_of(article))
    if not n:
        return ""
    return format_html(
        '<a class="byline__comments" href="{}#comments">{} comment{}</a>',
        article.url,
        n,
        "" if n == 1 else "s",
    )


@hooks.register(extensions.ARTICLE_SECTIONS)
def section(request, article) -> str:
    return discussion_section({"request": request}, article)


@dataclass(frozen=True)
class _Shown:
    """What marking a passage in the body needs of it (kept in the cache)."""

    pk: int
    offset: int
    exact: str
    comment_count: int
    question: str


@hooks.register(extensions.BODY_BLOCK_HTML)
def passages_in_body(article):
    """Marks the passages readers commented on, and those the editors ask about,
    in the body, each with its count, so they show without the script and in
    cached pages.

    Which passages are shown, and each marked block, are kept until the
    article's discussion next changes: a page rendered again (past the page
    cache) neither asks the database nor marks the blocks again. A block is
    kept by a digest of its HTML, so a preview of other words is marked anew.
    """
    if not article.comments_enabled or not article.pk:
        return None
    prefix = f"discussion:marked:{article.pk}:{discussion_version(article.pk)}"
    by_block = cache.get(prefix)
    if by_block is None:
        by_block = {}
        for passage in (
            Passage.objects.filter(
                Q(comment_count__gt=0) | ~Q(question=""),
                thread__article_id=article.pk,
                state=Passage.State.ANCHORED,
            )
            .order_by("offset", "pk")
            .values_list(
                "pk", "block_id", "offset", "exact", "comment_count", "question"
            )
        ):
            pk, block_id, *rest = passage
            by_block.setdefault(block_id, []).append(_Shown(pk, *rest))
        cache.set(prefix, by_block, timeout=600)
    if not by_block:
        return None

    def rewrite(block, html: str) -> str:
        found = by_block.get(block.id)
        if not found:
            return html
        digest = hashlib.blake2b(html.encode(), digest_size=16).hexdigest()
        key = f"{prefix}:{block.id}:{digest}"
        marked = cache.get(key)
        if marked is None:
            marked = mark_passages(html, found, passage_count)
            cache.set(key, marked, timeout=600)
        return marked

    return rewrite


def passage_count(passage: _Shown) -> str:
    n = passage.comment_count
    if passage.question:
        # The editors' question: opens its answers and the form to answer it.
        return format_html(
            '<a class="passage__count passage__count--question" '
            'href="?passage={}#comments" data-passage-open="{}" '
            'data-question="{}" aria-label="{} answer{} to the editors\' question: {}">'
            "{}</a>",
            passage.pk,
            passage.pk,
            passage.question,
            n,
            "" if n == 1 else "s",
            passage.question,
            n,
        )
    # Without the script the count opens the comments on its own passage.
    return format_html(
        '<a class="passage__count" href="?passage={}#comments" '
        'data-passage-open="{}" aria-label="{} comment{} on this passage">{}</a>',
        passage.pk,
        passage.pk,
        n,
        "" if n == 1 else "s",
        n,
    )


@hooks.register(extensions.ARTICLE_SCRIPTS)
def script(article) -> list[str]:
    return ["js/discussion.js", "js/passages.js"] if article.comments_enabled else []


@hooks.register(extensions.STRUCTURED_DATA)
def structured_data(request, article, data: dict) -> None:
    if article.comments_enabled:
        data["commentCount"] = shown_count(request, thread_of(article))


@hooks.register(extensions.ARTICLE_RESPONSE)
def remember_sort(request, article, response) -> None:
    sort = request.GET.get("sort")
    if sort in Comment.SORTS:
        # The reader's choice of order is kept for their next visit.
        response.set_cookie(SORT_COOKIE, sort, max_age=365 * 24 * 3600, samesite="Lax")


# --- the editors' questions in the rich text editor (discussion.questions) -----
class _QuestionElement(InlineEntityElementHandler):
    """<span data-question-id data-question> in the stored HTML, as the entity."""

    mutability = "MUTABLE"

    def get_attribute_data(self, attrs):
        return {
            "id": clean_key(attrs.get("data-question-id")),
            "question": clean_question(attrs.get("data-question")),
        }


def _question_span(props):
    """The entity, as stored: its key is kept from the moment the words are
    marked (made here only if the editor's script could not)."""
    return DOM.create_element(
        "span",
        {
            "data-question-id": clean_key(props.get("id")) or secrets.token_hex(16),
            "data-question": clean_question(props.get("question")),
        },
        props["children"],
    )


@hooks.register("register_rich_text_features")
def question_feature(features):
    features.register_editor_plugin(
        "draftail",
        FEATURE,
        draftail_features.EntityFeature(
            {
                "type": ENTITY_TYPE,
                "icon": "help",
                "description": "Ask readers a question about these words",
            },
            js=["js/question-entity.js"],
            css={"all": ["css/question-entity.css"]},
        ),
    )
    features.register_converter_rule(
        "contentstate",
        FEATURE,
        {
            "from_database_format": {
                "span[data-question-id]": _QuestionElement(ENTITY_TYPE)
            },
            "to_database_format": {"entity_decorators": {ENTITY_TYPE: _question_span}},
        },
    )
