"""Whole reader pages, cached for anonymous readers and dropped when they change.

A page is cached under its path and query, plus two generation numbers: one for
the whole site (bumped when anything is published, unpublished or re-set) and
one for the article (bumped when its discussion changes). Bumping a number is
the invalidation: old entries are simply never asked for again and expire.
Readers with a session, pending messages or a comment still editable always get
a fresh page, so nothing personal is ever cached or served to someone else.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

SITE_GENERATION = "pc:gen:site"  # anything on any page changed, comments included
CONTENT_GENERATION = "pc:gen:content"  # something was published, moved or re-set
PAGE_TIMEOUT = 600  # a safety net: invalidation normally comes first
RECENT_COOKIE = "tribune_recent"  # set while a guest can still edit a comment
SORT_COOKIE = "tribune_sort"
_BYPASS_COOKIES = ("messages", RECENT_COOKIE)


def _article_generation_key(article_id: int) -> str:
    return f"pc:gen:article:{article_id}"


class _FileGenerations:
    """Generation tokens kept in small files, for one machine without Redis.

    A bump writes a new token that was never used before (time, process and a
    counter) over the old one in a single write; a read is one open and one
    read. Nothing is read back to add one to, so two processes bumping at once
    cannot lose a change or bring back an old number.
    """

    WIDTH = 32
    _counter = itertools.count()

    def __init__(self, directory):
        self.directory = os.fspath(directory)

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key.replace(":", "-"))

    def get(self, key: str) -> str:
        try:
            fd = os.open(self._path(key), os.O_RDONLY)
        except FileNotFoundError:
            return "0"
        try:
            return os.read(fd, self.WIDTH).decode("ascii", "replace").strip() or "0"
        finally:
            os.close(fd)

    def bump(self, key: str) -> None:
        token = (
            f"{time.time_ns():016x}{os.getpid() & 0xFFFFFFFF:08x}"
            f"{next(self._counter) & 0xFFFFFFFF:08x}"
        ).encode()
        try:
            fd = os.open(self._path(key), os.O_WRONLY | os.O_CREAT, 0o644)
        except FileNotFoundError:
            os.makedirs(self.directory, exist_ok=True)
            fd = os.open(self._path(key), os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.pwrite(fd, token, 0)
        finally:
            os.close(fd)


class _CacheGenerations:
    """Generation numbers in a cache every process shares (Redis, where INCR
    is atomic)."""

    def get(self, key: str) -> str:
        value = cache.get(key)
        if value is None:
            cache.add(key, 1, timeout=None)
            value = cache.get(key) or 1
        return str(value)

    def bump(self, key: str) -> None:
        # ADD only makes the key if it is missing; INCR then always moves it on,
        # so two processes bumping at once move it twice.
        cache.add(key, 1, timeout=None)
        try:
            cache.incr(key)
        except ValueError:  # evicted between the two calls
            cache.add(key, 2, timeout=None)


def _store() -> _FileGenerations | _CacheGenerations:
    """Every process that serves pages must see the same generations; the
    cached pages themselves may live in each process's own memory."""
    directory = settings.GENERATIONS_DIR
    return _FileGenerations(directory) if directory else _CacheGenerations()


def _generation(key: str) -> str:
    return _store().get(key)


def _bump(key: str) -> None:
    _store().bump(key)


def invalidate_article(article_id: int) -> None:
    """The article's pages change (its discussion moved): drop them."""
    _bump(_article_generation_key(article_id))
    # Listings show comment counts too.
    _bump(SITE_GENERATION)


def invalidate_site() -> None:
    _bump(CONTENT_GENERATION)
    _bump(SITE_GENERATION)


def site_version() -> str:
    """Changes whenever anything is published, unpublished, moved or deleted
    (but not when someone comments)."""
    return _generation(CONTENT_GENERATION)


def discussion_version(article_id: int) -> str:
    """Changes whenever the article's own discussion may have changed: its
    comments and votes, or anything published (the article's comment switches).
    Comments on other articles leave it alone."""
    content = _generation(CONTENT_GENERATION)
    article = _generation(_article_generation_key(article_id))
    return f"{content}.{article}"


def is_cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        return False
    if any(name in cookies for name in _BYPASS_COOKIES):
        return False
    return len(request.META.get("QUERY_STRING", "")) <= 300


def _key(request, article_id: int | None) -> str:
    parts = [
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.COOKIES.get(SORT_COOKIE, "")[:10],
        _generation(SITE_GENERATION),
    ]
    if article_id is not None:
        parts.append(_generation(_article_generation_key(article_id)))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]
    return f"pc:page:{digest}"


def _index_key(request) -> str:
    digest = hashlib.sha256(f"{request.get_host()}{request.path}".encode()).hexdigest()
    return f"pc:article-of:{digest[:40]}"


def mark_cacheable(response, article_id: int | None = None):
    """Called by page views whose output is the same for every anonymous reader."""
    response._tribune_cacheable = True
    response._tribune_article_id = article_id
    return response


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
        article_id = cache.get(_index_key(request))
        key = _key(request, article_id)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            getattr(response, "_tribune_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            article_id = response._tribune_article_id
            if article_id is not None:
                cache.set(_index_key(request), article_id, timeout=None)
            cache.set(
                _key(request, article_id),
                (response.content, response["Content-Type"]),
                timeout=PAGE_TIMEOUT,
            )
            response["X-Page-Cache"] = "miss"
        return response
