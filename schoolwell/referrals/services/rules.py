"""Administrators' changes to threshold rules. A rule is never deleted, only disabled:
reasons already raised keep pointing at it, and every change leaves a RuleChange row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.referrals.models import RuleChange, RuleReview, ThresholdRule
from schoolwell.roster.models import School

# The settings an administrator edits (kind and school are fixed once created).
RULE_FIELDS = (
    "name",
    "instrument_code",
    "subscale",
    "threshold",
    "bands",
    "tags",
    "count",
    "window_school_days",
    "priority",
    "due_within",
    "due_unit",
)


def rule_settings(rule: ThresholdRule) -> dict[str, Any]:
    """A rule's settings as JSON-able values (for RuleChange and the what-if digest)."""
    values = {field: getattr(rule, field) for field in RULE_FIELDS}
    values["threshold"] = None if rule.threshold is None else str(rule.threshold)
    values.update(kind=rule.kind, active=rule.active)
    return values


def _require_admin(by: User, school_id: int) -> None:
    if school_id not in gate.school_ids(by, "rules.edit"):
        raise PermissionDenied(_("Only the school's administrators change its rules."))


def _unique_code(rule: ThresholdRule) -> str:
    base = slugify(f"{rule.kind}-{rule.instrument_code}-{rule.subscale}".strip("-"))[:56]
    taken = set(
        ThresholdRule.objects.filter(school_id=rule.school_id, code__startswith=base).values_list(
            "code", flat=True
        )
    )
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def _change(rule: ThresholdRule, action: str, by: User, before: dict) -> None:
    from schoolwell.referrals.rules import rules_forget  # rules imports services: no cycle

    RuleChange.objects.create(
        rule=rule,
        action=action,
        by=by,
        at=timezone.now(),
        before=before,
        after=rule_settings(rule),
    )
    rules_forget()  # a hook later in this transaction must see the new settings


def threshold_rule_create(*, school: School, kind: str, by: User, **settings: Any) -> ThresholdRule:
    """A new active rule for `school`, with a code of its own."""
    _require_admin(by, school.pk)
    with transaction.atomic():
        rule = ThresholdRule(school=school, kind=kind, active=True)
        for field, value in settings.items():
            if field not in RULE_FIELDS:
                raise ValueError(f"not a rule setting: {field}")
            setattr(rule, field, value)
        rule.code = _unique_code(rule)
        rule.full_clean()
        rule.save()
        _change(rule, RuleChange.Action.CREATED, by, {})
    return rule


def threshold_rule_update(*, rule: ThresholdRule, by: User, **settings: Any) -> ThresholdRule:
    _require_admin(by, rule.school_id)
    with transaction.atomic():
        rule = ThresholdRule.objects.select_for_update().get(pk=rule.pk)
        before = rule_settings(rule)
        for field, value in settings.items():
            if field not in RULE_FIELDS:
                raise ValueError(f"not a rule setting: {field}")
            setattr(rule, field, value)
        rule.full_clean()
        rule.save()
        _change(rule, RuleChange.Action.CHANGED, by, before)
    return rule


def threshold_rule_set_active(*, rule: ThresholdRule, by: User, active: bool) -> ThresholdRule:
    """Disable (the app's "delete") or enable again; history and raised reasons stay."""
    _require_admin(by, rule.school_id)
    with transaction.atomic():
        rule = ThresholdRule.objects.select_for_update().get(pk=rule.pk)
        if rule.active == active:
            return rule
        before = rule_settings(rule)
        rule.active = active
        rule.save(update_fields=["active"])
        action = RuleChange.Action.ENABLED if active else RuleChange.Action.DISABLED
        _change(rule, action, by, before)
    return rule


def threshold_rules_mark_reviewed(*, school: School, by: User) -> RuleReview:
    """The administrator has looked through the school's rules and keeps them as they are."""
    _require_admin(by, school.pk)
    with transaction.atomic():
        return RuleReview.objects.create(school=school, by=by, at=timezone.now())


def threshold_rules_install_defaults(*, school: School, by: User) -> int:
    """Copy the shipped default rules (fixtures/referrals/default_rules.json) to a school
    that lacks them: a fresh school starts with the district's defaults, then edits."""
    from schoolwell.referrals.demo import rules_install_defaults

    _require_admin(by, school.pk)
    with transaction.atomic():
        before = set(ThresholdRule.objects.filter(school=school).values_list("pk", flat=True))
        created = rules_install_defaults(school=school)
        for rule in ThresholdRule.objects.filter(school=school).exclude(pk__in=before):
            _change(rule, RuleChange.Action.CREATED, by, {})
    return created
