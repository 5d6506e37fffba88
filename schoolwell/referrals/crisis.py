"""What referrals tells the crisis steps (rule 4), through `core.registry`: who is on call
at a school and how to reach them, and which concerns are urgent there."""

from __future__ import annotations

from schoolwell.accounts import gate
from schoolwell.core.registry import OnCallContact
from schoolwell.referrals.models import OnCall, Priority, RuleKind, ThresholdRule


def on_call_contacts(school_id: int) -> list[OnCallContact]:
    """The school's active on-call counsellors who still counsel there, in roster order."""
    rows = (
        OnCall.objects.filter(
            school_id=school_id,
            active=True,
            counsellor__in=gate.counsellors_of([school_id]),
        )
        .select_related("counsellor")
        .order_by("pk")
    )
    return [
        OnCallContact(
            name=row.counsellor.get_full_name() or row.counsellor.username, phone=row.phone
        )
        for row in rows
    ]


def concern_priorities(school_id: int) -> dict[str, int]:
    """Each concern tag's most urgent priority under the school's active concern-tag rules:
    the same rules that decide a check-in's referral decide how severe a concern is."""
    rows = ThresholdRule.objects.filter(
        school_id=school_id, kind=RuleKind.CONCERN_TAG, active=True
    ).values_list("tags", "priority")
    priorities: dict[str, int] = {}
    for tags, priority in rows:
        for tag in tags:
            priorities[tag] = min(priority, priorities.get(tag, priority))
    return priorities


def urgent_concern_tags(school_id: int) -> set[str]:
    return {tag for tag, p in concern_priorities(school_id).items() if p == Priority.URGENT}
