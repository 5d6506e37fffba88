"""Reads of the reports app, scoped to the user asking."""

from __future__ import annotations

from django.db.models import QuerySet

from schoolwell.reports.models import Export

RECENT_EXPORTS = 20


def my_exports(user) -> QuerySet[Export]:
    """The user's own exports, newest first: an export is never visible to anyone else."""
    return Export.objects.filter(requested_by=user).order_by("-created_at", "-pk")[:RECENT_EXPORTS]


def my_export(user, pk: int) -> Export | None:
    return Export.objects.filter(requested_by=user, pk=pk).first()
