"""What staff see first when a student may be at risk (rule 4): the school's short steps,
who to call now with a tap-to-call link, and what happens next.

The on-call roster and which concerns are urgent belong to referrals; they come through
`core.registry` so screening never imports referrals (referrals builds on screening).
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolwell.core import registry
from schoolwell.core.phones import tel_uri
from schoolwell.roster.models import School
from schoolwell.screening.instruments import localized
from schoolwell.screening.models import CrisisPlan


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str

    @property
    def tel(self) -> str:
        return tel_uri(self.phone)


@dataclass(frozen=True)
class CrisisCard:
    title: str
    steps: list[str]
    on_call: list[Contact]
    fallback: Contact
    next_steps: str

    @property
    def on_call_reachable(self) -> list[Contact]:
        return [c for c in self.on_call if c.tel]


def crisis_card(*, school: School, language: str, plan: CrisisPlan | None = None) -> CrisisCard:
    """The card for `school` in `language` (English where a text is missing)."""
    from schoolwell.screening.selectors import crisis_plan_for

    plan = plan or crisis_plan_for(school)
    on_call = [
        Contact(name=c.name, phone=c.phone)
        for provider in registry.on_call_providers
        for c in provider(school.pk)
    ]
    steps = plan.quick_steps.get(language) or plan.quick_steps.get("en") or []
    return CrisisCard(
        title=localized(plan.staff_title, language),
        steps=list(steps),
        on_call=on_call,
        fallback=Contact(name=localized(plan.fallback_name, language), phone=plan.fallback_phone),
        next_steps=localized(plan.next_steps, language),
    )


def urgent_concern_tags(school_id: int) -> set[str]:
    """The concern tags whose check-in opens an urgent referral at this school: the same
    threshold rules that decide the referral decide whether the crisis steps are shown."""
    return {tag for provider in registry.urgent_tag_providers for tag in provider(school_id)}
