"""Fixtures for discussions: readers and an article open for comments."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client

from discussion import services
from discussion.readers import Reader

_readers = itertools.count(1)


def guest(n: int | None = None) -> Reader:
    n = n if n is not None else next(_readers)
    return Reader(key=f"g:guest{n}", ip_hash=f"ip{n}")


def member(user) -> Reader:
    return Reader(key=f"u:{user.pk}", ip_hash=f"ipu{user.pk}", user=user)


GUEST = {"name": "Asher", "email": "asher@example.org"}


@pytest.fixture
def article(make_article):
    return make_article("Open for discussion")


@pytest.fixture
def post(article):
    """Posts a guest comment (or reply) on the article; returns the comment."""

    def make(
        body="Nice information", *, reader=None, parent=None, on=None, **guest_fields
    ):
        comment = services.post_comment(
            article=on or article,
            reader=reader or guest(),
            body=body,
            parent_id=parent.pk if parent else None,
            **{**GUEST, **guest_fields},
        )
        return comment

    return make


@pytest.fixture
def api(db):
    """A browser-like client of the JSON API that enforces CSRF, holding a token."""
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/v1/csrf").json()["csrf_token"]
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client
