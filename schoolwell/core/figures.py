"""Per-school versions of the figures that dashboards cache.

The school and district dashboards keep their figures in the cache for
`DASHBOARD_CACHE_SECONDS` under keys that carry each school's version. The services that
change what they count (screening results, referral events — a check-in that trips a rule
makes one —, consent decisions, SEL deliveries, support plans and their progress, check-in
averages of plan goals included) call `school_figures_changed` inside their transaction; the
version moves when the transaction commits, so the next request, the writer's own included,
misses the old entry and reads the committed rows. A request that computed figures just
before the commit stores them under the old version, which no one asks for again.

A version is an opaque token, not a counter: a version evicted from the cache comes back
as a new token, never as one an old entry was stored under.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

# The version tokens outlive the entries that carry them (an evicted token is only a miss).
VERSION_SECONDS = 7 * 24 * 3600


def _version_key(school_id: int) -> str:
    return f"schoolwell:figures:version:{school_id}"


def _token() -> str:
    return secrets.token_hex(6)


def school_figures_changed(school_ids: Iterable[int | None]) -> None:
    """The figures of these schools change when the current transaction commits."""
    ids = frozenset(pk for pk in school_ids if pk is not None)
    if ids:
        transaction.on_commit(partial(_bump, ids))


def _bump(school_ids: frozenset[int]) -> None:
    cache.set_many({_version_key(pk): _token() for pk in school_ids}, VERSION_SECONDS)


def school_versions(school_ids: Iterable[int]) -> dict[int, str]:
    """Each school's current version (one cache round trip when all are known)."""
    keys = {_version_key(pk): pk for pk in school_ids}
    found = cache.get_many(keys)
    for key in keys.keys() - found.keys():
        cache.add(key, _token(), VERSION_SECONDS)
    if len(found) < len(keys):
        found |= cache.get_many([key for key in keys if key not in found])
    return {pk: found.get(key, "") for key, pk in keys.items()}


def cache_seconds() -> int:
    return settings.DASHBOARD_CACHE_SECONDS


def figures_key(kind: str, *parts: object, school_ids: Iterable[int]) -> str:
    """A cache key for figures over these schools: it changes when any school's version does
    (and with every other part: the reader's language, the shape of their access…)."""
    versions = school_versions(sorted(set(school_ids)))
    digest = hashlib.sha256(
        repr((parts, sorted(versions.items()))).encode(), usedforsecurity=False
    ).hexdigest()[:32]
    return f"schoolwell:figures:{kind}:{digest}"


def screening_result_saved(result) -> None:
    """`screening_result_hooks` entry."""
    school_figures_changed([result.student.school_id])
