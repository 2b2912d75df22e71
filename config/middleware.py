"""Project-wide middleware: the request log line and admin framing."""

import logging
import time

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


class AdminFramingMiddleware:
    """Lets the Wagtail admin frame its own previews; every other page stays DENY.

    Runs on the response before XFrameOptionsMiddleware, which keeps a header that is
    already set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith("/admin/"):
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response
