"""The page cache's middleware: what anonymous readers get, plain or gzipped."""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from pagecache.middleware import AnonymousPageCacheMiddleware, cacheable

PAGE = ("<!DOCTYPE html><title>A long read</title>" + "<p>Words.</p>" * 2000).encode()


@pytest.fixture
def served():
    """Requests through the middleware around a view that renders PAGE (and
    counts how often it had to)."""
    cache.clear()
    rendered = []

    def view(request):
        cacheable(request, scope="article:1")
        rendered.append(request.path)
        return HttpResponse(PAGE)

    middleware = AnonymousPageCacheMiddleware(view)
    factory = RequestFactory()

    def get(**headers):
        return middleware(factory.get("/analysis/a-long-read/", **headers))

    get.rendered = rendered
    return get


def test_a_page_is_served_gzipped_to_readers_who_accept_it(served):
    first = served(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    hit = served(HTTP_ACCEPT_ENCODING="br;q=1.0, gzip;q=0.8")

    assert served.rendered == ["/analysis/a-long-read/"]  # rendered once
    for response, state in ((first, "miss"), (hit, "hit")):
        assert response["X-Page-Cache"] == state
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert gzip.decompress(response.content) == PAGE
        assert len(response.content) < len(PAGE) / 5


def test_a_reader_who_does_not_accept_gzip_gets_the_page_as_it_is(served):
    served(HTTP_ACCEPT_ENCODING="gzip")

    plain = served()
    identity = served(HTTP_ACCEPT_ENCODING="identity")

    for response in (plain, identity):
        assert response["X-Page-Cache"] == "hit"
        assert not response.has_header("Content-Encoding")
        assert "Accept-Encoding" in response["Vary"]
        assert response.content == PAGE


def test_a_reader_with_a_session_gets_a_fresh_page_never_the_kept_one(served):
    served(HTTP_ACCEPT_ENCODING="gzip")

    response = served(HTTP_ACCEPT_ENCODING="gzip", HTTP_COOKIE="sessionid=abc")

    assert not response.has_header("X-Page-Cache")
    assert not response.has_header("Content-Encoding")
    assert len(served.rendered) == 2
