"""Counting attempts per client in Django's cache, in fixed windows.

Redis in production (shared by every web process), local memory in the demo and
tests. A fixed window is coarse (a burst at a window's edge can reach twice the
limit) but needs one atomic `incr` per attempt, which every cache backend offers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` attempts per `period` seconds for one client in one `scope`.

    A client is any string: usually `network.ip_network_key(client_ip(request))`, or
    an e-mail address to cap the mail one inbox receives.
    """

    scope: str
    limit: int
    period: int

    def _key(self, client: str, now: float) -> str:
        # Hashed: cache keys are readable by anyone with access to Redis, and clients
        # are IP or e-mail addresses.
        digest = salted_hmac("tribune.ratelimit", client, algorithm="sha256")
        window = int(now // self.period)
        return f"ratelimit:{self.scope}:{digest.hexdigest()[:32]}:{window}"

    def hit(self, client: str) -> int | None:
        """Counts one attempt; returns None if allowed, else seconds to wait."""
        now = time.time()
        key = self._key(client, now)
        cache.add(key, 0, timeout=self.period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.period + 1)
            count = 1
        if count <= self.limit:
            return None
        window_end = (int(now // self.period) + 1) * self.period
        return max(1, math.ceil(window_end - now))

    def refund(self, client: str) -> None:
        """Takes back an attempt that did no work (the form was invalid)."""
        try:
            cache.decr(self._key(client, time.time()))
        except ValueError:
            pass
