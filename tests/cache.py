"""A Redis cache for tests that share a Redis database with other processes."""

import re

from django.core.cache.backends.redis import RedisCache


class OwnKeysRedisCache(RedisCache):
    """Django's Redis cache, except that `clear()` deletes only the keys under this
    cache's KEY_PREFIX instead of emptying the whole database (FLUSHDB), which
    would pull the cache from under every other test process using it."""

    def clear(self) -> bool:
        client = self._cache.get_client(None, write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
        return True
