"""Consent coverage: active students per purpose and effective consent state.

Counted by the database in one grouped query: each student's state comes from
`consent.gating_sql`, the SQL form of `consent.gating`'s rules (proven equal by a property
test), so no student is loaded into Python. The dashboards keep each school's counts in the
cache under the school's consent version and the local date (`core.figures.per_school`):
only a consent-relevant change (or midnight, when notice periods end and birthdays pass)
makes a school's counts be derived again, and a district sums the schools' counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from schoolwell.core import figures
from schoolwell.reports.indicators.counts import count_table, summed
from schoolwell.reports.routing import replica_configured
from schoolwell.reports.suppression import SuppressedTable
from schoolwell.roster.models import Student

# A school's counts are replaced when its consent version or the local date moves, and in
# any case after ten minutes: the bound on a change whose version bump was lost (Redis
# unreachable at that commit) or raced a lagging replica (counts read there just after the
# commit are stored under the new version). With a replica, the dashboards' own bound.
COUNTS_SECONDS = 10 * 60


def _counts_seconds() -> int:
    if not figures.cache_seconds():
        return 0
    return figures.cache_seconds() if replica_configured() else COUNTS_SECONDS


def _counts_by_school(
    students: QuerySet[Student], school_ids: Collection[int] | None
) -> dict[int, Counter]:
    """school id → {(purpose, state): active students}, in one grouped query."""
    from schoolwell.consent.gating import Purpose
    from schoolwell.consent.gating_sql import with_consent_states

    annotated, names = with_consent_states(
        students.filter(active=True), list(Purpose.values), school_ids=school_ids
    )
    # Grouped around the compiled per-student query rather than by the ORM, which would
    # compile every state's expression a second time for its GROUP BY (half this
    # indicator's CPU); the column names are ours, the values stay parameters.
    try:
        query = annotated.order_by().values_list("school_id", *names.values()).query
        # Compiled for the database it runs on (a replica inside replica_reads()).
        sql, params = query.get_compiler(using=annotated.db).as_sql()
    except EmptyResultSet:  # no students in scope (e.g. a district with no schools yet)
        return {}
    columns = ", ".join(["school_id", *names.values()])
    counts: dict[int, Counter] = defaultdict(Counter)
    with connections[annotated.db].cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, COUNT(*) FROM ({sql}) states GROUP BY {columns}",  # noqa: S608
            params,
        )
        for school_id, *states, n in cursor.fetchall():
            for purpose, state in zip(names, states, strict=True):
                counts[school_id][(purpose, state)] += n
    return counts


def _table(counts: Counter, threshold: int | None) -> SuppressedTable:
    from schoolwell.consent.gating import ConsentState, Purpose

    present = {state for _purpose, state in counts}
    return count_table(
        counts,
        rows=[(p.value, str(p.label)) for p in Purpose],
        columns=[(s.value, str(s.label)) for s in ConsentState if s.value in present],
        threshold=threshold,
    )


def consent_coverage(
    students: QuerySet[Student],
    *,
    threshold: int | None = None,
    school_ids: Collection[int] | None = None,
) -> SuppressedTable:
    """Active students of `students` per consent purpose (rows) and effective state
    (columns). `school_ids`: schools that include every student's, if known."""
    return _table(summed(_counts_by_school(students, school_ids)), threshold)


def school_consent_coverage(
    school_ids: Collection[int], *, threshold: int | None = None
) -> SuppressedTable:
    """`consent_coverage` of every active student of these schools, each school's counts
    from the cache unless its consent version or the local date moved (the dashboards)."""
    per_school = figures.per_school(
        "consent-counts",
        school_ids,
        lambda missing: _counts_by_school(Student.objects.filter(school_id__in=missing), missing),
        family=figures.CONSENT,
        parts=(timezone.localdate().isoformat(),),
        seconds=_counts_seconds(),
        empty=Counter(),
    )
    return _table(summed(per_school), threshold)
