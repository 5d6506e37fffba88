"""The shared cache in production: Redis, forgiving when Redis does not answer.

What the site keeps there (each user's access scope, dashboard figures and their per-school
versions) can always be recomputed from the database, so an unreachable Redis turns into a
miss and a skipped write, never into a 500 on every page: a cache outage costs speed, not
service. Keys carry versions (grants, figures), and entries expire, so a write skipped
during an outage cannot leave a stale answer behind for longer than an entry's timeout.
A cache whose entries must not outlive a missed delete for long (signed-in sessions: a
sign-out while Redis did not answer) sets MAX_TIMEOUT, which bounds every entry's lifetime.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ForgivingRedisCache(RedisCache):
    """Django's RedisCache; a Redis that does not answer reads as a miss, a write as done."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.max_timeout = params.get("MAX_TIMEOUT")

    def _bounded(self, timeout):
        if self.max_timeout is None:
            return timeout
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return self.max_timeout if timeout is None else min(timeout, self.max_timeout)

    def _forgive(self, what: str, default, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache %s skipped: Redis unreachable (%s)", what, type(error).__name__)
            return default

    def get(self, key, default=None, version=None):
        return self._forgive("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._forgive("get_many", {}, super().get_many, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forgive("set", None, super().set, key, value, self._bounded(timeout), version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive(
            "set_many", [], super().set_many, data, self._bounded(timeout), version
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("add", False, super().add, key, value, self._bounded(timeout), version)

    def delete(self, key, version=None):
        return self._forgive("delete", False, super().delete, key, version)
