"""Project-wide middleware: the request log line, over-long URLs, ids out of
range, admin framing."""

import logging
import time

from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.shortcuts import render

logger = logging.getLogger("tribune.request")


class RequestLogMiddleware:
    """Logs one line per request: method, path, status and duration in ms.

    It sits first so the duration covers every other middleware too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.get_full_path()[:500],
            response.status_code,
            elapsed_ms,
        )
        return response


class LongURLMiddleware:
    """Answers a URL longer than `max_length` with the site's own 414 page.

    `manage.py serve` lets gunicorn take request lines of any length, so that a
    long search URL (a pasted paragraph) gets the search page rather than
    gunicorn's bare error. Past a length no reader's link or form produces, the
    answer is this page, before any view reads the URL.

    The check is a view hook, so the page goes out through every other
    middleware and carries the same security headers as any other page.
    """

    max_length = 32 * 1024  # characters of path and query string

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if len(request.get_full_path()) > self.max_length:
            return render(request, "414.html", status=414)
        return None


class OutOfRangeIdMiddleware:
    """Answers 404 for an id no database row can have.

    Ids in URLs and forms are read as Python integers of any size; one beyond a
    64-bit integer ("/discussion/articles/99999999999999999999/poll/") makes the
    database driver raise OverflowError before any query runs. Nothing can have
    that id, so it is not found, as a missing id is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OverflowError):
            return response_for_exception(request, Http404("No such id."))
        return None


class AdminFramingMiddleware:
    """Lets the Wagtail admin frame its own previews; every other page stays DENY.

    Runs on the response before XFrameOptionsMiddleware, which keeps a header that is
    already set.

    The admin is exempt from the Content-Security-Policy, but a preview is not an
    admin page: Wagtail renders the public page by sending a made-up request for
    its public URL through the whole middleware stack, so the preview comes back
    with the public policy, `frame-ancestors 'none'` included, and the browser
    refuses to show it in the editor's side panel whatever X-Frame-Options says.
    Under /admin/ that one directive becomes 'self'; the rest of the policy stays,
    so a preview breaks on inline code just as the public page would.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            response["X-Frame-Options"] = "SAMEORIGIN"
            if policy := response.get("Content-Security-Policy"):
                response["Content-Security-Policy"] = frame_ancestors_self(policy)
        return response


def frame_ancestors_self(policy: str) -> str:
    """`policy` with its frame-ancestors directive set to 'self'."""
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    kept = [d for d in directives if d.split()[0].lower() != "frame-ancestors"]
    return "; ".join([*kept, "frame-ancestors 'self'"])
