"""The discussion's JSON API: the same services and rules as the HTML forms.

Every write needs Django's CSRF token (header `X-CSRFToken`, from the
`csrftoken` cookie that `GET /api/v1/csrf` sets): a JSON body does not make a
cross-site request harmless.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from newsroom.services import ArticleRef, live_article

from . import services
from .anchoring import Anchor
from .models import LARGEST_ID, Comment, Passage, Thread
from .readers import READER_COOKIE, Reader, edit_token, reader_key_from_edit_token
from .reading import (
    Conversation,
    clean_filter,
    clean_sort,
    discussion_page,
    discussion_version,
)

router = Router(tags=["discussion"])


class AuthorOut(Schema):
    name: str
    is_guest: bool
    is_staff: bool


class PassageRef(Schema):
    id: int
    exact: str
    question: str
    state: Literal["anchored", "orphaned"]


class PassageOut(PassageRef):
    prefix: str
    suffix: str
    block_id: str
    comment_count: int


class PassageList(Schema):
    passages: list[PassageOut]


class CommentOut(Schema):
    id: int
    state: Literal["published", "pending"] = Field(
        description="pending: held for a moderator; only its author sees it."
    )
    parent_id: int | None
    author: AuthorOut | None
    html: str
    created: datetime
    edited: datetime | None
    deleted: bool
    up: int
    down: int
    score: int
    reply_count: int
    in_reply_to: int | None = Field(
        None, description="Set on replies shown flattened below the deepest level."
    )
    passage: PassageRef | None = Field(
        None, description="The passage of the article the comment is about."
    )
    replies: list[CommentOut] = []


class CommentPage(Schema):
    count: int = Field(
        description="Comments in the discussion, replies included; with "
        "filter=passages, the comments about a passage (not their replies)."
    )
    comments: list[CommentOut]
    next: str | None


class Strict(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class PassageIn(Strict):
    """Words a reader selected in one block of the article's body, as the page
    shows it now: the exact words, some text either side, the block's
    `data-block-id` and where in its text the words start."""

    exact: str = Field(max_length=100_000)
    prefix: str = Field("", max_length=1000)
    suffix: str = Field("", max_length=1000)
    block_id: str = Field(max_length=200)
    offset: int = Field(0, ge=0, le=10_000_000)


class CommentIn(Strict):
    body: str = Field(max_length=100_000)
    parent_id: int | None = Field(None, ge=1, le=LARGEST_ID)
    passage: PassageIn | None = None
    passage_id: int | None = Field(None, ge=1, le=LARGEST_ID)
    name: str = Field("", max_length=1000)
    email: str = Field("", max_length=1000)
    website: str = Field("", max_length=2000)
    notify: Literal["none", "replies", "all"] | None = Field(
        None,
        description="E-mail me about replies to my comment, or every new comment "
        "on the article (all); verified members get replies unless they say none.",
    )


class CommentCreated(CommentOut):
    edit_token: str
    detail: str = Field(
        "", description="With state pending: why the comment waits for a moderator."
    )


class EditIn(Strict):
    body: str = Field(max_length=100_000)


class VoteIn(Strict):
    value: Literal[1, -1, 0]


class VoteOut(Schema):
    id: int
    up: int
    down: int
    score: int


class CsrfOut(Schema):
    csrf_token: str


def _require_csrf(request: HttpRequest) -> None:
    refusal = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
        request, None, (), {}
    )
    if refusal is not None:
        raise HttpError(403, "CSRF token missing or incorrect: send X-CSRFToken.")


def _article(article_id: int) -> ArticleRef:
    article = live_article(article_id)
    if article is None:
        raise HttpError(404, "No such article.")
    return article


def _out(comment: Comment, conversation: Conversation | None = None) -> dict:
    flattened = getattr(comment, "is_flattened", False)
    return {
        "id": comment.pk,
        "state": comment.public_state,
        "parent_id": comment.parent_id,
        "author": None
        if comment.is_placeholder
        else {
            "name": comment.author_name,
            "is_guest": comment.is_guest,
            "is_staff": comment.is_staff_comment,
        },
        "html": "" if comment.is_placeholder else comment.body_html,
        "created": comment.created_at,
        "edited": comment.edited_at,
        "deleted": comment.is_placeholder,
        "up": comment.up,
        "down": comment.down,
        "score": comment.score,
        "reply_count": comment.reply_count,
        "in_reply_to": comment.parent_id if flattened else None,
        "passage": _passage_ref(comment.passage) if comment.passage_id else None,
        "replies": [
            _out(reply, conversation) for reply in conversation.replies_to(comment)
        ]
        if conversation
        else [],
    }


def _passage_ref(passage: Passage) -> dict:
    return {
        "id": passage.pk,
        "exact": passage.exact,
        "question": passage.question,
        "state": passage.state,
    }


@router.get("/csrf", response=CsrfOut, summary="Get a CSRF token (sets the cookie)")
def csrf(request):
    return {"csrf_token": get_token(request)}


@router.get(
    "/articles/{article_id}/comments",
    response=CommentPage,
    summary="List an article's comments, a page of top-level threads at a time",
)
def list_comments(
    request,
    article_id: int,
    sort: Literal["oldest", "newest", "votes"] | None = None,
    limit: int = Query(20, ge=1, le=100),
    cursor: str | None = Query(None, max_length=200),
    filter: Literal["passages"] | None = Query(
        None, description="passages: only comments about a passage of the article"
    ),
):
    # Readers load the same pages over and over: the rendered JSON is kept until
    # the article or its discussion changes (the page cache's version numbers).
    sort, filter = clean_sort(sort), clean_filter(filter)
    reader_key = _own_unseen(request, article_id)
    if reader_key:
        # The reader has comments nobody else sees yet: their listing is theirs.
        article = _article(article_id)
        if services.discussion_state(article) == "off":
            raise HttpError(404, "Comments are off for this article.")
        return _listing(article, sort, cursor, limit, filter, reader_key)
    digest = hashlib.sha256(
        f"{sort}|{limit}|{cursor or ''}|{filter}".encode()
    ).hexdigest()[:24]
    key = f"api:comments:{article_id}:{discussion_version(article_id)}:{digest}"
    if (body := cache.get(key)) is not None:
        return HttpResponse(body, content_type="application/json")
    article = _article(article_id)
    if services.discussion_state(article) == "off":
        raise HttpError(404, "Comments are off for this article.")
    body = _listing(article, sort, cursor, limit, filter).content
    cache.set(key, body, timeout=600)
    return HttpResponse(body, content_type="application/json")


def _own_unseen(request, article_id: int) -> str | None:
    """The reader's key when they have comments here that only they see (held
    or hidden); asked only of readers who have commented or voted."""
    if not (request.user.is_authenticated or READER_COOKIE in request.COOKIES):
        return None
    reader = Reader.from_request(request)
    if (
        Comment.objects.filter(thread__article_id=article_id)
        .seen_only_by(reader.key)
        .exists()
    ):
        return reader.key
    return None


def _listing(
    article, sort, cursor, limit, filter, reader_key: str | None = None
) -> HttpResponse:
    thread = Thread.objects.filter(article_id=article.pk).first()
    page = discussion_page(
        thread,
        sort=sort,
        cursor=cursor,
        limit=limit,
        filter=filter,
        reader_key=reader_key,
    )
    data = CommentPage.model_validate(
        {
            "count": page.count,
            "comments": [_out(c.root, c) for c in page.conversations],
            "next": page.next_cursor,
        }
    )
    return HttpResponse(data.model_dump_json(), content_type="application/json")


@router.post(
    "/articles/{article_id}/comments",
    response={201: CommentCreated, 202: CommentCreated},
    summary="Post a comment or a reply",
)
def create_comment(
    request, article_id: int, payload: CommentIn, response: HttpResponse
):
    _require_csrf(request)
    article = _article(article_id)
    reader = Reader.from_request(request)
    comment = services.post_comment(
        article=article,
        reader=reader,
        body=payload.body,
        parent_id=payload.parent_id,
        name=payload.name,
        email=payload.email,
        website=payload.website,
        passage=Anchor(**payload.passage.model_dump()) if payload.passage else None,
        passage_id=payload.passage_id,
        notify=payload.notify,
    )
    reader.remember(response)
    comment.viewer_key = reader.key
    return Status(
        202 if comment.state == Comment.State.PENDING else 201,
        {
            **_out(comment),
            "edit_token": edit_token(comment.pk, reader.key),
            "detail": comment.review_message,
        },
    )


@router.get(
    "/articles/{article_id}/passages",
    response=PassageList,
    summary="List the passages of an article that comments are about",
)
def list_passages(request, article_id: int):
    key = f"api:passages:{article_id}:{discussion_version(article_id)}"
    if (body := cache.get(key)) is not None:
        return HttpResponse(body, content_type="application/json")
    article = _article(article_id)
    if services.discussion_state(article) == "off":
        raise HttpError(404, "Comments are off for this article.")
    passages = Passage.objects.filter(thread__article_id=article.pk).order_by("pk")
    data = PassageList.model_validate(
        {
            "passages": [
                {
                    **_passage_ref(passage),
                    "prefix": passage.prefix,
                    "suffix": passage.suffix,
                    "block_id": passage.block_id,
                    "comment_count": passage.comment_count,
                }
                for passage in passages
            ]
        }
    )
    body = data.model_dump_json()
    cache.set(key, body, timeout=600)
    return HttpResponse(body, content_type="application/json")


def _edit_key(request, comment_id: int) -> str | None:
    token = request.headers.get("X-Edit-Token", "")
    return reader_key_from_edit_token(token, comment_id) if token else None


@router.patch("/comments/{comment_id}", response=CommentOut, summary="Edit yours")
def update_comment(request, comment_id: int, payload: EditIn):
    _require_csrf(request)
    comment = services.edit_comment(
        comment_id=comment_id,
        reader=Reader.from_request(request),
        body=payload.body,
        edit_key=_edit_key(request, comment_id),
    )
    return _out(comment)


@router.delete("/comments/{comment_id}", response={204: None}, summary="Delete yours")
def remove_comment(request, comment_id: int):
    _require_csrf(request)
    services.delete_comment(
        comment_id=comment_id,
        reader=Reader.from_request(request),
        edit_key=_edit_key(request, comment_id),
    )
    return Status(204, None)


@router.post("/comments/{comment_id}/vote", response=VoteOut, summary="Vote: 1, -1, 0")
def vote(request, comment_id: int, payload: VoteIn, response: HttpResponse):
    _require_csrf(request)
    reader = Reader.from_request(request)
    comment = services.cast_vote(
        comment_id=comment_id, reader=reader, value=payload.value
    )
    reader.remember(response)
    return {
        "id": comment.pk,
        "up": comment.up,
        "down": comment.down,
        "score": comment.score,
    }


def discussion_error_handler(request, exc: services.DiscussionError, api):
    response = api.create_response(
        request, {"detail": str(exc), "errors": exc.errors}, status=exc.status
    )
    if isinstance(exc, services.RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response
