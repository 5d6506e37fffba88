"""What the pathway adds to shared pages (registered in apps.py): a section of the referral
page, items on the counsellor's home ("needs action today") and caseload."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record
from schoolwell.core.registry import ActionItem, NavItem, Panel
from schoolwell.safety import selectors
from schoolwell.safety.models import GuardianPolicy

LIMIT = 10  # per group on the home page; the queue and caseload list the rest


def nav(scope) -> list[NavItem]:
    if gate.may(scope, "safety.settings"):
        return [NavItem(_lazy("Safety pathway settings"), "safety:settings", 71)]
    return []


def referral_panel(request, referral) -> Panel | None:
    if not gate.may(request.user, "safety.read", referral):
        return None  # administrators, and anyone else, never see the pathway
    path = selectors.pathway(referral)
    access_log_record(
        user=request.user, student=referral.student, what="safety pathway", request=request
    )
    return Panel(
        "safety/panel_referral.html",
        {
            "referral": referral,
            "pathway": path,
            "policy_label": GuardianPolicy(path.policy).label,
            "today": timezone.localdate(),
        },
        # A critical referral leads with its pathway, above the referral's own facts.
        -10 if path.critical else 40,
    )


def _detail_url(referral_id: int) -> str:
    return reverse("referrals:detail", args=[referral_id])


def _assessment_items(referrals) -> list[ActionItem]:
    return [
        ActionItem(
            group=_("New critical items"),
            group_order=20,
            title=_("Risk assessment needed"),
            url=reverse("safety:assessment", args=[r.pk]),
            student_id=r.student_id,
            student_name=r.student.display_name,
            when=r.due_at,  # the referral's own due time: how soon to assess
            badge="urgent",
        )
        for r in referrals
    ]


def _follow_up_items(follow_ups, today: dt.date) -> list[ActionItem]:
    return [
        ActionItem(
            group=_("Follow-ups due"),
            group_order=30,
            title=_("Follow-up contact"),
            url=_detail_url(f.referral_id),
            student_id=f.student_id,
            student_name=f.student.display_name,
            when=f.due_on,
            badge="overdue" if f.due_on < today else "high",
        )
        for f in follow_ups
    ]


def action_items(request, scope, today: dt.date) -> list[ActionItem]:
    if not gate.may(scope, "safety.read"):
        return []
    user = request.user
    return _assessment_items(selectors.assessments_needed(user=user)[:LIMIT]) + _follow_up_items(
        selectors.follow_ups_due(user=user, today=today)[:LIMIT], today
    )


def caseload(user, today: dt.date) -> list[ActionItem]:
    """Pathway steps on the user's own referrals."""
    needed = selectors.assessments_needed(user=user).filter(assignee=user)
    follow_ups = selectors.open_follow_ups(user=user).select_related("student")
    return _assessment_items(needed) + _follow_up_items(follow_ups, today)
