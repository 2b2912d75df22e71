"""Who is commenting or voting, and how often they may.

A *reader key* names one reader: `u:<id>` when signed in, else `g:<token>` from a
signed, long-lived cookie. Votes and edit rights hang on it. Clearing the cookie
makes a new reader, which is why every limit also counts per IP address (kept
only as a salted hash).
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware

from accounts.network import client_ip, ip_hash, ip_network_key

READER_COOKIE = "tribune_reader"
# Set while a guest can still edit a comment: their pages are rendered fresh
# (PAGECACHE_BYPASS_COOKIES names it).
RECENT_COOKIE = "tribune_recent"
# The reader's chosen order of comments (PAGECACHE_VARY_COOKIES names it).
SORT_COOKIE = "tribune_sort"
READER_COOKIE_SALT = "discussion.reader"
READER_COOKIE_AGE = 2 * 365 * 24 * 3600


@dataclass(frozen=True)
class Reader:
    key: str
    ip_hash: str  # of the exact address, stored with comments and votes
    user: object | None = None  # the signed-in User, if any
    is_new: bool = False  # the key was made for this request: set the cookie
    # Of the unit rate limits count: the address for IPv4, its /64 for IPv6
    # (one subscriber usually holds a whole /64). Empty: the exact address's.
    network_hash: str = ""

    @property
    def limit_key(self) -> str:
        return self.network_hash or self.ip_hash

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @classmethod
    def from_request(cls, request) -> Reader:
        """The reader behind a request; cached on it so every caller agrees."""
        cached = getattr(request, "_tribune_reader", None)
        if cached is not None:
            return cached
        ip = client_ip(request)
        network = ip_network_key(ip)
        hashes = {
            "ip_hash": ip_hash(ip),
            "network_hash": ip_hash(network) if network != ip else "",
        }
        user = request.user if request.user.is_authenticated else None
        if user is not None:
            reader = cls(key=f"u:{user.pk}", user=user, **hashes)
        else:
            token = request.get_signed_cookie(
                READER_COOKIE, default=None, salt=READER_COOKIE_SALT
            )
            if token and len(token) <= 40:
                reader = cls(key=f"g:{token}", **hashes)
            else:
                reader = cls(
                    key=f"g:{secrets.token_urlsafe(18)}", is_new=True, **hashes
                )
        request._tribune_reader = reader
        return reader

    @classmethod
    def personal_key(cls, request) -> str | None:
        """The reader's key when what a request shows is for them alone: they are
        signed in, or a guest who commented lately (never served from the page
        cache); their own held and hidden comments are shown to them. None for
        everyone else, who see what all see."""
        if request.user.is_authenticated or RECENT_COOKIE in request.COOKIES:
            return cls.from_request(request).key
        return None

    def remember(self, response) -> None:
        """Sets the guest cookie on `response` if this reader was just made."""
        if self.is_new and self.key.startswith("g:"):
            response.set_signed_cookie(
                READER_COOKIE,
                self.key[2:],
                salt=READER_COOKIE_SALT,
                max_age=READER_COOKIE_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )


def _origin_ok(request) -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # not a browser: it cannot ride a reader's cookies
    host = urlsplit(origin).netloc
    allowed = {request.get_host(), urlsplit(settings.SITE_URL).netloc}
    allowed.update(urlsplit(o).netloc for o in settings.CSRF_TRUSTED_ORIGINS)
    return host in allowed


def forgery_refusal(request) -> dict[str, str] | None:
    """Why a form post cannot be trusted to come from the reader, or None.

    Anonymous readers are served cached pages, which cannot carry a per-reader
    CSRF token, so their posts are checked by origin (the reader cookie is
    SameSite=Lax). Signed-in readers, never served from the cache, need Django's
    CSRF token as everywhere else. Forms of other apps (ratings) use it too.
    """
    if request.user.is_authenticated:
        checker = CsrfViewMiddleware(lambda r: HttpResponse())
        if checker.process_view(request, None, (), {}) is not None:
            return {"__all__": "Your session expired; reload the page."}
        return None
    if not _origin_ok(request):
        return {"__all__": "This form was sent from another site."}
    return None


def edit_token(comment_id: int, reader_key: str) -> str:
    """A token that lets whoever holds it edit or delete one comment (API clients)."""
    return signing.dumps({"c": comment_id, "r": reader_key}, salt="discussion.edit")


def reader_key_from_edit_token(token: str, comment_id: int) -> str | None:
    try:
        data = signing.loads(
            token, salt="discussion.edit", max_age=settings.DISCUSSION_EDIT_WINDOW + 60
        )
    except signing.BadSignature:
        return None
    return data.get("r") if data.get("c") == comment_id else None


def over_limit(action: str, identities: dict[str, tuple[int, int]]) -> int:
    """Counts one `action` for each identity; 0 if all are within their limit,
    else the seconds until the tightest one resets.

    `identities` maps an identity (reader key, IP hash) to (requests, seconds).
    Fixed windows in the shared cache: cheap, and Redis keeps them across
    processes in production.
    """
    now = time.time()
    retry_after = 0
    for identity, (limit, window) in identities.items():
        if not identity:
            continue
        bucket = int(now // window)
        key = f"rl:{action}:{identity}:{bucket}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
        if count > limit:
            reset = math.ceil((bucket + 1) * window - now)
            retry_after = max(retry_after, max(reset, 1))
    return retry_after
