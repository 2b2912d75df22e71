"""Generations: numbers every process agrees on, bumped to make caches stale.

A cached thing is stored under the generations of the scopes it depends on;
bumping a scope's generation is its invalidation: old entries are never asked
for again and expire. Scopes are names the apps above choose ("pages" for every
cached page, "content" for what is published, "article:12" for one article's
pages); this app gives them no meaning.

Bumps wait for the transaction that made the change to commit. Bumped any
earlier, a request reading the old rows in between would store its page under
the new generation, and every reader would get the old page until it expired.
"""

from __future__ import annotations

import itertools
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PAGES = "pages"  # every cached page: bumped by anything any page shows
CONTENT = "content"  # what is published, moved or re-set (not discussions)


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
    directory = settings.PAGECACHE_GENERATIONS_DIR
    return _FileGenerations(directory) if directory else _CacheGenerations()


def _key(scope: str) -> str:
    return f"pc:gen:{scope}"


def version(*scopes: str) -> str:
    """The current generations of `scopes`, as one string to put in cache keys."""
    store = _store()
    return ".".join(store.get(_key(scope)) for scope in scopes)


def bump(*scopes: str) -> None:
    """Makes everything cached under `scopes` stale, once the current
    transaction commits (at once outside one)."""

    def run() -> None:
        store = _store()
        for scope in scopes:
            store.bump(_key(scope))

    transaction.on_commit(run)
