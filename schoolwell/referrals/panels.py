"""What this app adds to shared pages (registered in apps.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record_many
from schoolwell.core.registry import NavItem, Panel, action_items
from schoolwell.referrals import caseload, selectors
from schoolwell.referrals.models import OPEN_STATUSES, Referral

CASELOAD_PREVIEW = 8  # students on the home page; the caseload page lists them all


def nav(scope) -> list[NavItem]:
    items = []
    if gate.may(scope, "referral.view"):
        items.append(NavItem(_("Referral queue"), "referrals:queue", 20))
        items.append(NavItem(_("Notifications"), "referrals:notifications", 21))
    if gate.may(scope, "school.counsel"):
        items.append(NavItem(_("My caseload"), "referrals:caseload", 19))
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


def counsellor_home_panel(request, scope) -> Panel | None:
    """A counsellor's day first: what needs action today, then their caseload."""
    if not gate.may(scope, "referral.work"):
        return None
    today = timezone.localdate()
    items = action_items(request, scope, today)
    rows = caseload.caseload(user=request.user, today=today)
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    shown = {i.student_id for i in items if i.student_id} | {
        r.student.pk for r in rows[:CASELOAD_PREVIEW]
    }
    # Naming a student beside "risk assessment needed" discloses their record (FERPA log).
    access_log_record_many(
        user=request.user,
        students=sorted(shown),
        what="home: action items",
        request=request,
        action="view",
    )
    return Panel(
        "referrals/panel_home_counsellor.html",
        {
            "groups": list(groups.items()),
            "caseload": rows[:CASELOAD_PREVIEW],
            "caseload_total": len(rows),
            "now": timezone.now(),
            "today": today,
        },
        5,
    )


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
