"""Durations in words ("14 days", "1 hour"), in the reader's language, for reports."""

from __future__ import annotations

from django.utils.translation import ngettext


def humanise_hours(hours: float) -> str:
    """Whole days from two days up, whole hours from one hour, else minutes: a median of
    336 h reads "14 days", and 1 h reads "1 hour" (never "1 hours" or "336.0 h")."""
    if hours >= 48:
        days = round(hours / 24)
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if hours >= 1:
        whole = round(hours)
        return ngettext("%(n)s hour", "%(n)s hours", whole) % {"n": whole}
    minutes = round(hours * 60)
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
