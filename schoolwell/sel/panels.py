"""What SEL adds to the shared pages: navigation, the class page, the home page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.core.registry import NavItem, Panel
from schoolwell.sel import selectors


def nav(scope) -> list[NavItem]:
    items = []
    if gate.may(scope, "class.teach"):
        items.append(NavItem(_("SEL week"), "sel:week", 40))
    if gate.may(scope, "student.view_staff"):
        items.append(NavItem(_("Lesson library"), "sel:library", 41))
    if gate.may(scope, "school.view"):
        items.append(NavItem(_("SEL coverage"), "sel:coverage", 42))
    return items


def class_panel(request, klass) -> Panel | None:
    """The class's next SEL lessons, for those who run them (its teachers and admins)."""
    if not selectors.sel_classes(request.user).filter(pk=klass.pk).exists():
        return None
    today = timezone.localdate()
    upcoming = selectors.upcoming_for_class(user=request.user, klass=klass, today=today)
    return Panel(
        "sel/panels/class.html", {"klass": klass, "lessons": upcoming, "today": today}, order=30
    )


def home_panel(request, scope) -> Panel | None:
    if not gate.may(scope, "class.teach"):
        return None
    today = timezone.localdate()
    lessons = selectors.day_plan(user=request.user, day=today, today=today)
    return Panel("sel/panels/home.html", {"lessons": lessons, "today": today}, order=30)
