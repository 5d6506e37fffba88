"""A school's crisis steps (rule 4): checked the same way whether they come from the
shipped fixture or from the school administrator's form, so what staff read first always
fits one phone screen."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.core.phones import validate_phone
from schoolwell.roster.models import School
from schoolwell.screening.models import CrisisPlan
from schoolwell.screening.models.crisis import (
    FALLBACK_NAME_LENGTH,
    NEXT_STEPS_LENGTH,
    QUICK_STEP_LENGTH,
    QUICK_STEPS_MAX,
)
from schoolwell.screening.services.errors import ScreeningInputError

LANGUAGES = ("en", "es")


def crisis_short_problems(
    *, quick_steps: dict, next_steps: dict, fallback_name: dict, fallback_phone: str
) -> dict[str, str]:
    """Field → what is wrong with the short part of a plan; empty when it is fine.

    Every language needs its own steps: a Spanish-speaking teacher in a crisis must not
    be handed English (and the other way round).
    """
    problems: dict[str, str] = {}
    for lang in LANGUAGES:
        steps = quick_steps.get(lang) or []
        if not steps:
            problems[f"steps_{lang}"] = _("Give at least one step.")
        elif len(steps) > QUICK_STEPS_MAX:
            problems[f"steps_{lang}"] = _("At most %(n)d steps, so they fit one phone screen.") % {
                "n": QUICK_STEPS_MAX
            }
        else:
            long = [i for i, step in enumerate(steps, 1) if len(step) > QUICK_STEP_LENGTH]
            if long:
                problems[f"steps_{lang}"] = _(
                    "Step %(number)d is longer than %(max)d characters; keep each step short."
                ) % {"number": long[0], "max": QUICK_STEP_LENGTH}
        if len(next_steps.get(lang) or "") > NEXT_STEPS_LENGTH:
            problems[f"next_{lang}"] = _("At most %(max)d characters.") % {"max": NEXT_STEPS_LENGTH}
        if len(fallback_name.get(lang) or "") > FALLBACK_NAME_LENGTH:
            problems[f"fallback_name_{lang}"] = _("At most %(max)d characters.") % {
                "max": FALLBACK_NAME_LENGTH
            }
    if not fallback_phone:
        # Who to call when no counsellor is on call or has no phone: never nobody.
        problems["fallback_phone"] = _("Give a number to call when no counsellor is reachable.")
    else:
        try:
            validate_phone(fallback_phone)
        except ValidationError as exc:
            problems["fallback_phone"] = exc.messages[0]
    return problems


@transaction.atomic
def crisis_plan_set(
    *,
    school: School,
    by: User,
    quick_steps: dict[str, list[str]],
    next_steps: dict[str, str],
    fallback_name: dict[str, str],
    fallback_phone: str,
) -> CrisisPlan:
    """Set the short part of a school's crisis plan; the long guidance is kept as it was."""
    if not gate.may(by, "crisis.edit", school):
        raise PermissionDenied(_("Only the school's administrators change its crisis steps."))
    from schoolwell.screening.services.catalogue import default_crisis_content

    quick_steps = {
        lang: [s.strip() for s in quick_steps.get(lang, []) if s.strip()] for lang in LANGUAGES
    }
    next_steps = {lang: (next_steps.get(lang) or "").strip() for lang in LANGUAGES}
    fallback_name = {lang: (fallback_name.get(lang) or "").strip() for lang in LANGUAGES}
    fallback_phone = fallback_phone.strip()
    problems = crisis_short_problems(
        quick_steps=quick_steps,
        next_steps=next_steps,
        fallback_name=fallback_name,
        fallback_phone=fallback_phone,
    )
    if problems:
        raise ScreeningInputError(_("The crisis steps were not saved."), problems)
    plan = CrisisPlan.objects.select_for_update().filter(school=school).first()
    if plan is None:
        plan = CrisisPlan(school=school, **default_crisis_content())
    plan.quick_steps = quick_steps
    plan.next_steps = next_steps
    plan.fallback_name = fallback_name
    plan.fallback_phone = fallback_phone
    plan.updated_by = by
    plan.save()
    return plan
