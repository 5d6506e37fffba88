"""The export kinds, one module each; `KINDS` is what pages, tasks and the command offer."""

from __future__ import annotations

from schoolwell.reports.exports.aggregate import AggregateExport
from schoolwell.reports.exports.base import ExportFilters, ExportKind, ExportScope
from schoolwell.reports.exports.checkins import CheckInExport
from schoolwell.reports.exports.consent import ConsentExport
from schoolwell.reports.exports.referrals import ReferralExport
from schoolwell.reports.exports.roster import RosterExport
from schoolwell.reports.exports.screening import ScreeningResultExport
from schoolwell.reports.exports.sel import SelExport
from schoolwell.reports.exports.support import SupportExport

KINDS: dict[str, ExportKind] = {
    kind.code: kind
    for kind in [
        RosterExport(),
        CheckInExport(),
        ScreeningResultExport(),
        ReferralExport(),
        ConsentExport(),
        SelExport(),
        SupportExport(),
        AggregateExport(),
    ]
}


def kinds_for(user) -> list[ExportKind]:
    return [kind for kind in KINDS.values() if kind.allowed_for(user)]


__all__ = ["KINDS", "ExportFilters", "ExportKind", "ExportScope", "kinds_for"]
