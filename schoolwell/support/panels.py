"""What support plans add to shared pages (registered in apps.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.core.registry import NavItem, Panel
from schoolwell.support import selectors


def nav(scope) -> list[NavItem]:
    if gate.may(scope, "support.plan.view"):
        return [NavItem(_("Support plans"), "support:list", 22)]
    return []


def student_panel(request, student) -> Panel | None:
    if gate.may(request.user, "support.plan.view", student):
        plans = selectors.student_plans(user=request.user, student=student)
        return Panel(
            "support/panel_student_staff.html",
            {
                "student": student,
                "plans": plans,
                "may_start": gate.may(request.user, "support.plan.edit", student)
                and not any(p.is_active for p in plans),
            },
            32,
        )
    if gate.may(request.user, "class.teach"):
        parts = selectors.teacher_parts(user=request.user, student=student)
        # A teacher learns that a plan exists only through their own part in it.
        return Panel("support/panel_student_teacher.html", {"parts": parts}, 32) if parts else None
    return None


def home_panel(request, scope) -> Panel | None:
    today = timezone.localdate()
    if gate.may(scope, "support.plan.edit"):
        return Panel(
            "support/panel_home_counsellor.html",
            {
                "reviews": selectors.reviews_due(user=request.user, today=today),
                "follow_ups": selectors.follow_ups_due(user=request.user, today=today),
                "today": today,
                "follow_up_days": selectors.FOLLOW_UP_DAYS,
            },
            22,
        )
    if gate.may(scope, "class.teach"):
        parts = selectors.teacher_parts(user=request.user)
        return Panel("support/panel_home_teacher.html", {"parts": parts}, 35) if parts else None
    return None
