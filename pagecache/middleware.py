"""Whole reader pages, cached for anonymous readers and dropped when they change.

A page is cached under its host, path and query, the values of the cookies that
change it (`PAGECACHE_VARY_COOKIES`), and the generations of "pages" and of the
scope the page names (an article's pages, say). A view opts in by calling
`cacheable(request, scope=...)` before it reads what it shows: the generations
are read at that moment, so a change committed while the page renders leaves
it stored under the old numbers, where nobody asks for it.

Readers with a session, or with a cookie in `PAGECACHE_BYPASS_COOKIES`
(pending messages, a comment they can still edit), always get a fresh page, so
nothing personal is ever cached or served to someone else.

A page is kept gzipped too, compressed once when it is stored, and served so to
browsers that accept it (`Vary: Accept-Encoding`): the bytes of a long article
shrink about five times. Only shared pages are compressed, and they hold no
secret for a compression side channel to guess at.
"""

from __future__ import annotations

import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .generations import PAGES, version

_MAX_QUERY = 300  # longer query strings are not worth a cache entry
_GZIP = re.compile(r"\bgzip\b")


def _accepts_gzip(request: HttpRequest) -> bool:
    return bool(_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _served(request: HttpRequest, response: HttpResponse, compressed: bytes):
    """The response as this reader takes it: gzipped when they accept that."""
    patch_vary_headers(response, ("Accept-Encoding",))
    if _accepts_gzip(request):
        response.content = compressed
        response["Content-Encoding"] = "gzip"
    return response


def is_cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return False
    if any(name in cookies for name in settings.PAGECACHE_BYPASS_COOKIES):
        return False
    return len(request.META.get("QUERY_STRING", "")) <= _MAX_QUERY


def _page_key(request: HttpRequest, scope: str | None) -> str:
    parts = [
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        *(
            request.COOKIES.get(name, "")[:10]
            for name in settings.PAGECACHE_VARY_COOKIES
        ),
        version(PAGES, scope) if scope else version(PAGES),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]
    return f"pc:page2:{digest}"


def _scope_key(request: HttpRequest) -> str:
    """Where the scope of the page at this path is remembered, so a lookup can
    include its generation before anything is rendered."""
    digest = hashlib.sha256(f"{request.get_host()}{request.path}".encode()).hexdigest()
    return f"pc:scope-of:{digest[:40]}"


def cacheable(request: HttpRequest, *, scope: str | None = None) -> None:
    """Says the page being built looks the same to every anonymous reader and
    changes when `scope` (or any page) is bumped. Call it before reading what the
    page shows."""
    if getattr(request, "_pagecache_candidate", False):
        request._pagecache_store = (scope, _page_key(request, scope))


class AnonymousPageCacheMiddleware:
    """Serves cached pages to anonymous readers; stores the ones views mark.

    It sits inside the security middleware, so cached pages get fresh security
    headers (and a fresh Content-Security-Policy) on every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        hit = cache.get(_page_key(request, cache.get(_scope_key(request))))
        if hit is not None:
            content, compressed, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return _served(request, response, compressed)
        request._pagecache_candidate = True
        response = self.get_response(request)
        store = getattr(request, "_pagecache_store", None)
        if (
            store is not None
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
            and not response.has_header("Content-Encoding")
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            scope, key = store
            if scope is not None:
                cache.set(_scope_key(request), scope, timeout=None)
            content = response.content
            compressed = gzip.compress(content, compresslevel=6, mtime=0)
            cache.set(
                key,
                (content, compressed, response["Content-Type"]),
                timeout=settings.PAGECACHE_TIMEOUT,
            )
            response["X-Page-Cache"] = "miss"
            _served(request, response, compressed)
        return response
