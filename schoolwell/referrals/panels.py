"""What this app adds to shared pages (registered in apps.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.core.registry import NavItem, Panel
from schoolwell.referrals import selectors
from schoolwell.referrals.models import OPEN_STATUSES, Referral


def nav(scope) -> list[NavItem]:
    items = []
    if gate.may(scope, "referral.view"):
        items.append(NavItem(_("Referral queue"), "referrals:queue", 20))
        items.append(NavItem(_("Notifications"), "referrals:notifications", 21))
    if gate.may(scope, "school.administer"):
        items.append(NavItem(_("Referral rules"), "referrals:rules", 70))
    return items


def student_panel(request, student) -> Panel | None:
    if gate.may(request.user, "referral.view", student):
        referral = (
            Referral.objects.filter(student=student, status__in=OPEN_STATUSES)
            .select_related("assignee")
            .first()
        )
        return Panel(
            "referrals/panel_student_staff.html", {"referral": referral, "student": student}, 30
        )
    if gate.may(request.user, "class.teach"):
        return Panel(
            "referrals/panel_student_teacher.html",
            {
                "student": student,
                "concerns": selectors.concerns_raised_by(user=request.user, student=student),
            },
            30,
        )
    return None


def class_panel(request, klass) -> Panel | None:
    if not gate.may(request.user, "class.teach", klass):
        return None
    members = set(klass.enrollments.filter(active=True).values_list("student_id", flat=True))
    concerns = [
        c for c in selectors.concerns_raised_by(user=request.user) if c.student.pk in members
    ]
    return Panel("referrals/panel_class.html", {"concerns": concerns}, 30)


def home_panel(request, scope) -> Panel | None:
    if selectors.works_referrals(request.user):
        counts = selectors.queue_counts(user=request.user)
        return Panel(
            "referrals/panel_home_staff.html",
            {
                "open": sum(counts.values()),
                "new": counts["new"],
                "unread": selectors.unread_count(request.user),
            },
            20,
        )
    if gate.may(scope, "class.teach"):
        return Panel(
            "referrals/panel_home_teacher.html",
            {"concerns": selectors.concerns_raised_by(user=request.user)[:10]},
            20,
        )
    return None
