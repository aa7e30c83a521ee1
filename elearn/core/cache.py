"""Keep what is slow to make, keyed by everything it is made from.

The key is a hash of the inputs, so a changed input is a new key and nothing needs to be
invalidated: stale entries simply expire. With ``REDIS_URL`` the cache is Redis, shared
by every worker and machine; otherwise a small cache in each process. A Redis outage
costs speed, never a page: :class:`TolerantRedisCache` answers every read with a miss and
makes every write a no-op while Redis is unreachable, logging one line per kind of failure
and interval, and uses Redis again as soon as it answers (redis-py reconnects by itself).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError

from elearn.core.outages import ThrottledLog
from elearn.extensions import cache

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


class TolerantRedisCache(RedisCache):
    """Flask-Caching's Redis cache that behaves like no cache while Redis cannot be reached.

    ``CACHE_TYPE = "elearn.core.cache.TolerantRedisCache"`` (elearn.config.cache_settings).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._failures = ThrottledLog(log)

    def _tolerant(self, operation: Callable[..., R], *args: Any, otherwise: R, **kwargs: Any) -> R:
        try:
            result = operation(*args, **kwargs)
        except RedisError as error:
            self._failures.warning(
                type(error).__name__, "cache unavailable, working without it: %s: %s", type(error).__name__, error
            )
            return otherwise
        if self._failures.failing:
            self._failures.recovered("cache reachable again")
        return result

    def get(self, key: str) -> Any:
        return self._tolerant(super().get, key, otherwise=None)

    def get_many(self, *keys: str) -> list[Any]:
        return self._tolerant(super().get_many, *keys, otherwise=[None] * len(keys))

    def set(self, key: str, value: Any, timeout: int | timedelta | None = None) -> Any:
        return self._tolerant(super().set, key, value, timeout=timeout, otherwise=False)

    def add(self, key: str, value: Any, timeout: int | timedelta | None = None) -> Any:
        return self._tolerant(super().add, key, value, timeout=timeout, otherwise=False)

    def set_many(self, mapping: dict[str, Any], timeout: int | timedelta | None = None) -> list[Any]:
        return self._tolerant(super().set_many, mapping, timeout=timeout, otherwise=[])

    def delete(self, key: str) -> bool:
        return self._tolerant(super().delete, key, otherwise=False)

    def delete_many(self, *keys: str) -> list[Any]:
        return self._tolerant(super().delete_many, *keys, otherwise=[])

    def has(self, key: str) -> bool:
        return self._tolerant(super().has, key, otherwise=False)

    def clear(self) -> bool:
        return self._tolerant(super().clear, otherwise=False)

    def inc(self, key: str, delta: int = 1) -> Any:
        return self._tolerant(super().inc, key, delta, otherwise=None)

    def dec(self, key: str, delta: int = 1) -> Any:
        return self._tolerant(super().dec, key, delta, otherwise=None)


def key_for(namespace: str, inputs) -> str:
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    return f"{namespace}:{digest}"


def remember(namespace: str, inputs, make: Callable[[], T], timeout: int | None = None) -> T:
    """The cached value for ``inputs``, or ``make()``'s, stored for next time."""
    key = key_for(namespace, inputs)
    value = cache.get(key)  # a miss, not an error, while Redis is down (TolerantRedisCache)
    if value is None:
        value = make()
        cache.set(key, value, timeout=timeout)
    return value
