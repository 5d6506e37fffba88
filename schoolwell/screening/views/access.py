"""Lookups every screening view shares: out-of-scope ids are a 404, never data (rule 9)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from schoolwell.accounts import gate
from schoolwell.roster.models import Class
from schoolwell.roster.selectors import visible_classes
from schoolwell.screening.models import ScreeningWindow
from schoolwell.screening.selectors import windows_for


def window_or_404(user, pk: int) -> ScreeningWindow:
    return get_object_or_404(windows_for(user), pk=pk)


def window_class_or_404(user, window: ScreeningWindow, class_pk: int) -> Class:
    return get_object_or_404(
        visible_classes(user).filter(school_id=window.school_id).select_related("school"),
        pk=class_pk,
    )


def teaches(user, klass: Class) -> bool:
    return gate.may(user, "class.teach", klass)


def counsels(user, school_id: int) -> bool:
    return school_id in gate.school_ids(user, "school.counsel")


def administers(user, school_id: int) -> bool:
    return school_id in gate.school_ids(user, "school.administer")
