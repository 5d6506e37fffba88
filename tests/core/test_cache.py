"""The shared Redis cache bounds entry lifetimes where a missed delete must not last."""

import uuid

import pytest
import redis

from schoolwell.core.cache import ForgivingRedisCache

LOCATION = "redis://127.0.0.1:6379/13"  # a spare database; keys under a prefix of their own


@pytest.fixture
def redis_cache():
    def make(**params):
        prefix = f"test-cache-{uuid.uuid4().hex}"
        return ForgivingRedisCache(LOCATION, {"KEY_PREFIX": prefix, **params}), prefix

    store = redis.Redis.from_url(LOCATION)
    try:
        store.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    yield make, store
    for key in store.scan_iter("test-cache-*"):
        store.delete(key)


def ttls(store, prefix) -> list[int]:
    return sorted(store.ttl(key) for key in store.scan_iter(f"{prefix}:*"))


def test_max_timeout_bounds_every_write(redis_cache):
    make, store = redis_cache
    cache, prefix = make(MAX_TIMEOUT=300)
    cache.set("long", 1, 8 * 60 * 60)
    cache.set("forever", 1, None)
    cache.add("default", 1)  # the default timeout (300 s) is within the bound
    cache.set_many({"many": 1}, 3600)
    cache.set("short", 1, 30)
    found = ttls(store, prefix)
    assert len(found) == 5
    assert 0 < found[0] <= 30
    assert all(290 < t <= 300 for t in found[1:])


def test_without_max_timeout_the_caller_decides(redis_cache):
    make, store = redis_cache
    cache, prefix = make()
    cache.set("long", 1, 8 * 60 * 60)
    assert ttls(store, prefix)[0] > 8 * 60 * 60 - 10
