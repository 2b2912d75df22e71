"""The discussion's HTML endpoints.

Every action works as a plain form POST followed by a redirect back to the
article; a request from the page's script (`X-Requested-With: fetch`) gets the
same template fragment the page renders instead.

Anonymous readers are served cached pages, which cannot carry a per-reader CSRF
token. Their posts are checked by origin instead, and the reader cookie is
SameSite=Lax, so a forged cross-site post arrives as a stranger with no votes or
comments of the reader's to act on. Signed-in readers (never served from the
cache) need Django's CSRF token as everywhere else.
"""

from __future__ import annotations

from django.conf import settings
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import quote_etag
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsroom.services import ArticleRef, live_article

from . import extensions, services
from .anchoring import Anchor
from .forms import CommentForm, EditForm, field_label, form_stamp
from .models import LARGEST_ID, Comment, Thread, Vote
from .readers import READER_COOKIE, RECENT_COOKIE, Reader, forgery_refusal
from .reading import (
    clean_filter,
    clean_sort,
    conversations_for,
    discussion_page,
    shown_count,
)


def _article(article_id: int) -> ArticleRef:
    article = live_article(article_id)
    if article is None:
        raise Http404("No such article")
    return article


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _forgery_refusal(request) -> HttpResponse | None:
    errors = forgery_refusal(request)
    return _error(request, errors, 403) if errors else None


def _error(request, errors: dict, status: int, **context) -> HttpResponse:
    if _is_fetch(request):
        template = "discussion/errors_fragment.html"
    else:
        # The page names each field as its form does; the script's fragment
        # leaves that to the form on the page.
        template = "discussion/problem.html"
        context["problems"] = [
            {"field": field, "label": field_label(field), "message": message}
            for field, message in errors.items()
        ]
        context["labels"] = {
            name: field_label(name) for name in ("body", "name", "email", "website")
        }
    response = render(request, template, {"errors": errors, **context}, status=status)
    if "retry_after" in context:
        response["Retry-After"] = str(context["retry_after"])
    return response


def _refused(request, error: services.DiscussionError, **context) -> HttpResponse:
    extra = (
        {"retry_after": error.retry_after}
        if isinstance(error, services.RateLimited)
        else {}
    )
    return _error(request, error.errors, error.status, **context, **extra)


def _back_to(comment: Comment, article) -> str:
    return f"{article.url}?thread={comment.root_id or comment.pk}#{comment.anchor}"


def _remember_recent(response, reader: Reader, comment: Comment | None = None) -> None:
    reader.remember(response)
    if not reader.is_authenticated:
        # While the guest may still edit, their pages are rendered fresh for them;
        # and for longer while their comment is seen by them alone (held for a
        # moderator, or hidden), so that they still find it there.
        seen_by_author_only = comment is not None and comment.state in (
            Comment.SEEN_BY_AUTHOR
        )
        response.set_cookie(
            RECENT_COOKIE,
            "1",
            max_age=settings.DISCUSSION_HELD_VISIBLE_SECONDS
            if seen_by_author_only
            else settings.DISCUSSION_EDIT_WINDOW,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE,
        )


def comment_context(request, article, reader_key: str | None = None) -> dict:
    """What the comment templates need besides the comments."""
    return {
        "article": article,
        "state": services.discussion_state(article),
        "reader_key": reader_key,
        "report_url": extensions.report_url(),
        "max_depth": settings.DISCUSSION_MAX_DEPTH,
        "request": request,
    }


@csrf_exempt
@require_POST
def post(request, article_id: int):
    article = _article(article_id)
    refusal = _forgery_refusal(request)
    if refusal:
        return refusal
    form = CommentForm(request.POST)
    form.is_valid()  # every field is optional here; services judge the values
    data = form.cleaned_data
    context = {"article": article, "form_data": request.POST, "stamp": form_stamp()}
    if form.errors:
        field = "parent_id" if "parent_id" in form.errors else "passage"
        message = {
            "parent_id": "Reply to a comment by its number.",
            "passage": "Select the passage again.",
        }[field]
        return _error(request, {field: message}, 400, **context)
    if form.looks_automated():
        return _error(
            request,
            {
                "__all__": "Your comment could not be posted: it came quicker "
                "than anyone can write one. Please wait a few seconds, then post "
                "it again."
            },
            400,
            **context,
        )
    reader = Reader.from_request(request)
    try:
        comment = services.post_comment(
            article=article,
            reader=reader,
            body=data["body"],
            parent_id=data["parent_id"],
            name=data["name"],
            email=data["email"],
            website=data["website"],
            passage=Anchor(
                exact=data["passage_exact"],
                prefix=data["passage_prefix"],
                suffix=data["passage_suffix"],
                block_id=data["passage_block"],
                offset=data["passage_offset"] or 0,
            )
            if data["passage_block"]
            else None,
            passage_id=data["passage_id"],
            notify=data["notify"] or None,
        )
    except services.DiscussionError as error:
        return _refused(request, error, **context)
    comment.viewer_key = reader.key
    held = comment.state == Comment.State.PENDING
    if _is_fetch(request):
        response = render(
            request,
            "discussion/comment_fragment.html",
            {
                **comment_context(request, article, reader.key),
                "comment": comment,
                "conversation": None,
            },
            status=202 if held else 201,
        )
    elif held:
        response = render(
            request,
            "discussion/held.html",
            {"article": article, "comment": comment},
            status=202,
        )
    else:
        response = redirect(_back_to(comment, article))
    _remember_recent(response, reader, comment)
    return response


@csrf_exempt
@require_POST
def vote(request, comment_id: int):
    comment = get_object_or_404(Comment.objects.select_related("thread"), pk=comment_id)
    article = _article(comment.thread.article_id)
    refusal = _forgery_refusal(request)
    if refusal:
        return refusal
    value = {"up": 1, "down": -1}.get(request.POST.get("direction", ""))
    if value is None:
        return _error(request, {"direction": "Vote up or down."}, 400, article=article)
    reader = Reader.from_request(request)
    try:
        comment = services.cast_vote(
            comment_id=comment.pk, reader=reader, value=value, toggle=True
        )
    except services.DiscussionError as error:
        return _refused(request, error, article=article)
    if _is_fetch(request):
        response = render(
            request,
            "discussion/votes.html",
            {
                "comment": comment,
                "article": article,
                "my_vote": _my_vote(comment, reader),
            },
        )
    else:
        response = redirect(_back_to(comment, article))
    reader.remember(response)
    return response


MY_VOTES_LIMIT = 300  # comment ids per request


@require_GET
def my_votes(request):
    """The reader's own votes among the comments on screen, so their arrows can
    be shown pressed: pages are shared by every reader, votes are not."""
    ids = {
        int(part)
        for part in request.GET.get("ids", "").split(",")[:MY_VOTES_LIMIT]
        if part.isascii() and part.isdigit() and len(part) < 12
    }
    votes = {}
    known = request.user.is_authenticated or READER_COOKIE in request.COOKIES
    if ids and known:
        reader = Reader.from_request(request)
        votes = dict(
            Vote.objects.filter(comment_id__in=ids, reader_key=reader.key).values_list(
                "comment_id", "value"
            )
        )
    response = JsonResponse({"votes": {str(pk): value for pk, value in votes.items()}})
    response["Cache-Control"] = "private, no-store"
    return response


def _my_vote(comment: Comment, reader: Reader) -> int:
    found = comment.votes.filter(reader_key=reader.key).values_list("value", flat=True)
    return next(iter(found), 0)


def _change_own(request, comment_id: int, action: str, change):
    """Edit or delete: GET shows the form to the comment's author (only), POST
    checks the origin and calls `change(comment, reader)`, a service."""
    comment = get_object_or_404(Comment.objects.select_related("thread"), pk=comment_id)
    article = _article(comment.thread.article_id)
    reader = Reader.from_request(request)
    if request.method == "GET":
        if not comment.can_be_changed_by(reader.key):
            message = f"You can only {action} your own recent comments."
            return _error(request, {"__all__": message}, 403, article=article)
        return render(
            request,
            f"discussion/{action}.html",
            {"comment": comment, "article": article},
        )
    refusal = _forgery_refusal(request)
    if refusal:
        return refusal
    try:
        change(comment, reader)
    except services.DiscussionError as error:
        return _refused(request, error, article=article, comment=comment)
    if action == "delete":
        return redirect(f"{article.url}#comments")
    return redirect(_back_to(comment, article))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def edit(request, comment_id: int):
    def change(comment, reader):
        form = EditForm(request.POST)
        form.is_valid()
        services.edit_comment(
            comment_id=comment.pk, reader=reader, body=form.cleaned_data["body"]
        )

    return _change_own(request, comment_id, "edit", change)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def delete(request, comment_id: int):
    def change(comment, reader):
        services.delete_comment(comment_id=comment.pk, reader=reader)

    return _change_own(request, comment_id, "delete", change)


@require_GET
def permalink(request, comment_id: int):
    comment = get_object_or_404(Comment.objects.select_related("thread"), pk=comment_id)
    if comment.state != Comment.State.PUBLISHED:
        raise Http404("No such comment")
    article = _article(comment.thread.article_id)
    return redirect(_back_to(comment, article))


def _passage_param(request) -> int | None:
    value = request.GET.get("passage", "")
    return (
        int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
    )


@require_GET
def more(request, article_id: int):
    """The next page of top-level comments, as a fragment for the page's script."""
    article = _article(article_id)
    thread = Thread.objects.filter(article_id=article.pk).first()
    reader_key = Reader.personal_key(request)
    page = discussion_page(
        thread,
        sort=clean_sort(request.GET.get("sort")),
        cursor=request.GET.get("cursor"),
        filter=clean_filter(request.GET.get("filter")),
        passage_id=_passage_param(request),
        reader_key=reader_key,
    )
    return render(
        request,
        "discussion/conversations_fragment.html",
        {**comment_context(request, article, reader_key), "page": page},
    )


@require_GET
def replies(request, comment_id: int):
    """A whole conversation, every reply included ("View N more replies")."""
    reader_key = Reader.personal_key(request)
    comment = get_object_or_404(Comment.objects.shown(reader_key), pk=comment_id)
    # The conversation is shown only while its top-level comment is (itself, or
    # as a placeholder holding replies); held or removed ones stay hidden, but
    # from their author.
    root = get_object_or_404(
        Comment.objects.shown(reader_key).with_author(),
        pk=comment.root_id or comment.pk,
    )
    root.viewer_key = reader_key
    article = _article(comment.thread.article_id)
    (conversation,) = conversations_for(
        [root], replies_limit=None, reader_key=reader_key
    )
    return render(
        request,
        "discussion/conversation.html",
        {
            **comment_context(request, article, reader_key),
            "conversation": conversation,
        },
    )


@require_GET
def poll(request, article_id: int):
    """Cheap "anything new?" for open pages: 304 while the discussion is unchanged.
    An article with no discussion (or an id no article can have) has nothing new.
    The count is the one the reader's heading shows (see reading.shown_count)."""
    thread = (
        Thread.objects.filter(article_id=article_id)
        .only("pk", "version", "comment_count")
        .first()
        if article_id <= LARGEST_ID
        else None
    )
    version = thread.version if thread else 0
    etag = quote_etag(f"d{article_id}-{version}")
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(
            {"version": version, "count": shown_count(request, thread)}
        )
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response
