"""Fixtures for ratings: readers, a rate() helper, and a CSRF-holding API client."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from discussion.readers import Reader
from ratings import services

_raters = itertools.count(1)


def rater(n: int | None = None, *, ip: str | None = None) -> Reader:
    """A guest reader with a key (and an address) of their own."""
    n = n if n is not None else next(_raters)
    return Reader(key=f"g:rater{n}", ip_hash=ip or f"ip-rater{n}")


def rating_member(user) -> Reader:
    return Reader(key=f"u:{user.pk}", ip_hash=f"ip-user{user.pk}", user=user)


@pytest.fixture
def rate(article):
    """Rates the article (or `on`) as a new guest, or as `reader`; returns the tally."""

    def make(stars: int, *, reader: Reader | None = None, on=None) -> services.Tally:
        return services.rate_article(
            article_id=(on or article).pk, reader=reader or rater(), stars=stars
        )

    return make


@pytest.fixture
def rating_api():
    """A browser-like client that enforces CSRF, holding a token."""
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/v1/csrf").json()["csrf_token"]
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client
