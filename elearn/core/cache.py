"""Keep what is slow to make, keyed by everything it is made from.

The key is a hash of the inputs, so a changed input is a new key and nothing needs to be
invalidated: stale entries simply expire. With ``REDIS_URL`` the cache is Redis, shared
by every worker and machine; otherwise a small cache in each process. A Redis outage
costs speed, never a page: the value is made as if the cache were empty.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import TypeVar

from redis.exceptions import RedisError

from elearn.extensions import cache

log = logging.getLogger(__name__)
T = TypeVar("T")


def key_for(namespace: str, inputs) -> str:
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
    return f"{namespace}:{digest}"


def remember(namespace: str, inputs, make: Callable[[], T], timeout: int | None = None) -> T:
    """The cached value for ``inputs``, or ``make()``'s, stored for next time."""
    key = key_for(namespace, inputs)
    try:
        value = cache.get(key)
    except RedisError as error:
        log.warning("cache unavailable, making %s without it: %s", namespace, error)
        return make()
    if value is None:
        value = make()
        try:
            cache.set(key, value, timeout=timeout)
        except RedisError as error:
            log.warning("cache unavailable, %s not stored: %s", namespace, error)
    return value
