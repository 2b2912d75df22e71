"""The reader's side of moderation: the page to report a comment (it works
without JavaScript; the discussion's script opens the same form in place)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from discussion import services as discussion
from discussion.models import Comment
from discussion.readers import Reader, forgery_refusal

from . import services


@csrf_exempt  # checked by forgery_refusal: by origin for guests, by token for members
@never_cache
@require_http_methods(["GET", "POST"])
def report(request, comment_id: int):
    comment = (
        Comment.objects.select_related("thread__article", "user")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.is_placeholder:
        raise Http404("No such comment")
    context = {
        "comment": comment,
        "article": comment.thread.article,
        "reasons": services.REPORT_REASONS,
        "data": request.POST,
        "errors": {},
    }
    # The discussion's script asks for the form alone, to open it under the comment.
    inline = request.headers.get("X-Requested-With") == "fetch"
    context["inline"] = inline
    page = "moderation/report_form.html" if inline else "moderation/report.html"
    if request.method == "GET":
        return render(request, page, context)
    errors = forgery_refusal(request)
    status = 403
    if not errors:
        reader = Reader.from_request(request)
        try:
            services.report(
                comment_id=comment.pk,
                reader=reader,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
            )
        except discussion.DiscussionError as error:
            errors, status = error.errors, error.status
        else:
            response = render(
                request,
                "moderation/reported_note.html"
                if inline
                else "moderation/reported.html",
                context,
            )
            reader.remember(response)
            return response
    return render(request, page, {**context, "errors": errors}, status=status)
