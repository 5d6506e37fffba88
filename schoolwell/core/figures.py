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

Consent coverage has a version of its own, which only what changes a student's effective
consent moves (`school_consent_changed`: decisions, notices, forms, the school's consent
settings, guardian links, students, the school year), so the figures a check-in or a
referral moves are recomputed without deriving 50,000 students' consent again (that count
was 60 % of a cold district dashboard). A consent change moves both versions.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

# The version tokens outlive the entries that carry them (an evicted token is only a miss).
VERSION_SECONDS = 7 * 24 * 3600
# Part of every per-school value's key: raise it when a value's shape or meaning changes
# (an indicator's part, the consent rules), so a release never reads what the previous one
# stored, which no version bump replaces (a deploy changes no data).
PARTS_FORMAT = 2


FIGURES = "figures"
CONSENT = "consent"


def _version_key(school_id: int, family: str = FIGURES) -> str:
    return f"schoolwell:{family}:version:{school_id}"


def _token() -> str:
    return secrets.token_hex(6)


def school_figures_changed(school_ids: Iterable[int | None]) -> None:
    """The figures of these schools change when the current transaction commits."""
    _changed(school_ids, (FIGURES,))


def school_consent_changed(school_ids: Iterable[int | None]) -> None:
    """The effective consent of these schools' students (and so their figures) changes when
    the current transaction commits."""
    _changed(school_ids, (FIGURES, CONSENT))


def _changed(school_ids: Iterable[int | None], families: tuple[str, ...]) -> None:
    ids = frozenset(pk for pk in school_ids if pk is not None)
    if ids:
        transaction.on_commit(partial(_bump, ids, families))


def _bump(school_ids: frozenset[int], families: tuple[str, ...]) -> None:
    cache.set_many(
        {_version_key(pk, family): _token() for pk in school_ids for family in families},
        VERSION_SECONDS,
    )


def school_versions(school_ids: Iterable[int], family: str = FIGURES) -> dict[int, str]:
    """Each school's current version (one cache round trip when all are known)."""
    keys = {_version_key(pk, family): pk for pk in school_ids}
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


def per_school(
    kind: str,
    school_ids: Iterable[int],
    compute: Callable[[set[int]], dict[int, T]],
    *,
    family: str,
    parts: tuple = (),
    seconds: int,
    empty: T,
    versions: dict[int, str] | None = None,
) -> dict[int, T]:
    """Each school's `kind` value from the cache under the school's `family` version (and
    `parts`, e.g. the local date), the schools missing computed together by `compute(ids)`
    (which may leave out a school whose value is `empty`) and kept `seconds`. A school's
    change then costs only that school's share, not the whole district's. `versions`: the
    schools' `family` versions when the caller has read them already (once for many kinds)."""
    ids = sorted(set(school_ids))
    # The versions are read before computing: a value computed from rows older than a
    # concurrent commit is stored under the version that commit replaced.
    versions = (versions or school_versions(ids, family)) if seconds else {}
    if not seconds or not all(versions.get(pk) for pk in ids):
        # No caching, or a version the cache could not give (Redis down): a value stored
        # under no version would be served after the change that should have replaced it.
        found = compute(set(ids))
        return {pk: found.get(pk, empty) for pk in ids}
    suffix = ":".join(map(str, (PARTS_FORMAT, *parts)))
    keys = {pk: f"schoolwell:{kind}:{pk}:{versions[pk]}:{suffix}" for pk in ids}
    cached = cache.get_many(keys.values())
    values = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = set(ids) - values.keys()
    if missing:
        computed = compute(missing)
        fresh = {pk: computed.get(pk, empty) for pk in missing}
        cache.set_many({keys[pk]: value for pk, value in fresh.items()}, seconds)
        values |= fresh
    return values
