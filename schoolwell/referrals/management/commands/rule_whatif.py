"""manage.py rule_whatif RULE_ID [--weeks N] [--until DATE] [--set FIELD=VALUE ...]

Prints, as JSON, what the rule with these settings would have done over the school's last
N weeks beside the current rules (the replay of `referrals.whatif`; nothing is written).
Students are given by id only: the command has no reader whose rights would allow names.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from schoolwell.referrals.models import Priority, ThresholdRule
from schoolwell.referrals.whatif import DEFAULT_WEEKS, MAX_WEEKS, rule_copy, rule_whatif


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _priority(value: str) -> int:
    if value.isdigit():
        return Priority(int(value)).value
    return Priority[value.upper()].value


def _bool(value: str) -> bool:
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(value)


# What --set may change, and how its text becomes the field's value.
SETTABLE = {
    "threshold": Decimal,
    "count": int,
    "window_school_days": int,
    "bands": _list,
    "tags": _list,
    "instrument_code": str,
    "subscale": str,
    "priority": _priority,
    "due_within": int,
    "due_unit": str,
    "active": _bool,
}


class Command(BaseCommand):
    help = "Replay a rule (optionally changed with --set) over the last weeks; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("rule_id", type=int)
        parser.add_argument("--weeks", type=int, default=DEFAULT_WEEKS)
        parser.add_argument("--until", help="last day replayed, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help=f"change a setting first; fields: {', '.join(SETTABLE)} (lists comma-separated)",
        )

    @no_translations  # the operator's messages in English, whatever a caller activated
    def handle(self, *args, rule_id, weeks, until, set, **options):
        rule = ThresholdRule.objects.select_related("school").filter(pk=rule_id).first()
        if rule is None:
            raise CommandError(f"No threshold rule with id {rule_id}.")
        if not 1 <= weeks <= MAX_WEEKS:
            raise CommandError(f"--weeks must be 1–{MAX_WEEKS}.")
        try:
            today = dt.date.fromisoformat(until) if until else None
        except ValueError:
            raise CommandError(f"--until must be a date YYYY-MM-DD, got {until!r}.") from None
        proposed = rule_copy(rule)
        for assignment in set:
            field, sep, text = assignment.partition("=")
            if not sep or field not in SETTABLE:
                fields = ", ".join(SETTABLE)
                raise CommandError(f"--set {assignment!r}: use FIELD=VALUE, FIELD one of {fields}.")
            try:
                setattr(proposed, field, SETTABLE[field](text))
            except (ValueError, KeyError, InvalidOperation):
                raise CommandError(f"--set {assignment!r}: not a valid {field}.") from None
        try:
            proposed.clean()
        except ValidationError as error:
            raise CommandError(f"The changed rule is not valid: {error.messages}") from None
        whatif = rule_whatif(school=rule.school, proposed=proposed, weeks=weeks, today=today)
        self.stdout.write(json.dumps({"rule": rule.pk, **whatif.as_json()}, indent=2))
