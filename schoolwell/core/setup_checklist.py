"""The first-run checklist on an administrator's home page: what a school needs before it
can safely identify students in need, each item linking to where it is done.

A home panel (core.registry) that leads the page while anything is missing, and goes away
once every administered school is set up. A constant number of queries, whatever the
number of schools.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.core.registry import Panel
from schoolwell.roster.models import School, Student

# Over this many schools, an item names how many are missing and links to the first.
NAMED_SCHOOLS = 5


@dataclass(frozen=True)
class SetupItem:
    key: str
    label: str
    hint: str
    missing: list[School]  # administered schools where it is not done yet
    url: str  # where to do it (for the first school missing it)
    done: bool


def _crisis_plans_set(school_ids: set[int]) -> set[int]:
    """Schools whose crisis plan is their own: the shipped default names no local contact."""
    from schoolwell.screening.models import CrisisPlan
    from schoolwell.screening.services.catalogue import default_crisis_content

    default = default_crisis_content()
    return {
        plan.school_id
        for plan in CrisisPlan.objects.filter(school_id__in=school_ids)
        if plan.crisis_line != default["crisis_line"] or plan.staff_steps != default["staff_steps"]
    }


def setup_items(schools: list[School]) -> list[SetupItem]:
    from schoolwell.consent.gating import current_forms
    from schoolwell.consent.models import Purpose
    from schoolwell.referrals.models import OnCall, RuleChange, RuleReview

    ids = {school.pk for school in schools}
    rostered = set(
        Student.objects.filter(school_id__in=ids).values_list("school_id", flat=True).distinct()
    )
    on_call = set(
        OnCall.objects.filter(school_id__in=ids, active=True)
        .values_list("school_id", flat=True)
        .distinct()
    )
    crisis = _crisis_plans_set(ids)
    consent = {sid for sid, _purpose in current_forms(ids, [Purpose.UNIVERSAL_SCREENING])}
    reviewed = set(
        RuleReview.objects.filter(school_id__in=ids).values_list("school_id", flat=True)
    ) | set(
        RuleChange.objects.filter(rule__school_id__in=ids).values_list("rule__school_id", flat=True)
    )

    def item(key, label, hint, done: set[int], url) -> SetupItem:
        gaps = [school for school in schools if school.pk not in done]
        return SetupItem(
            key=key,
            label=label,
            hint=hint,
            missing=gaps,
            url=url(gaps[0] if gaps else None),
            # With no school yet, nothing is done: the roster import creates them.
            done=bool(schools) and not gaps,
        )

    def consent_url(school: School | None) -> str:
        url = reverse("consent:form_list")
        return f"{url}?{urlencode({'school': school.pk})}" if school else url

    return [
        item(
            "roster",
            _("Roster imported"),
            _("Students, classes and staff from your student information system."),
            rostered,
            lambda school: reverse("roster:import"),
        ),
        item(
            "on_call",
            _("On-call counsellors set"),
            _("Who is alerted at once about an urgent referral."),
            on_call,
            lambda school: reverse("admin:referrals_oncall_changelist"),
        ),
        item(
            "crisis",
            _("Crisis contacts set"),
            _("Your school's own steps and local crisis line, shown after a critical answer."),
            crisis,
            lambda school: reverse("admin:screening_crisisplan_changelist"),
        ),
        item(
            "consent",
            _("Consent forms published"),
            _("The universal-screening form families decide on this school year."),
            consent,
            consent_url,
        ),
        item(
            "rules",
            _("Referral rules reviewed"),
            _("Which screening results and check-ins open a referral, and how urgently."),
            reviewed,
            lambda school: reverse("referrals:rules"),
        ),
    ]


def home_panel(request, scope) -> Panel | None:
    if not gate.may(scope, "school.administer"):
        return None
    schools = list(gate.schools(scope, "school.administer").order_by("name").only("name"))
    items = setup_items(schools)
    todo = [item for item in items if not item.done]
    if not todo:
        return None
    return Panel(
        "core/panel_setup.html",
        {
            "todo": todo,
            "done": [item for item in items if item.done],
            "named": NAMED_SCHOOLS,
            "schools": len(schools),
        },
        order=-10,  # leads the page: what needs attention first
    )
