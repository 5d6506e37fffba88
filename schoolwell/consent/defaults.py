"""The default consent form texts shipped in `fixtures/consent/forms.json`, validated on load."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings

from schoolwell.consent.models import Policy, Purpose

FORMS_FILE = Path(settings.BASE_DIR) / "fixtures" / "consent" / "forms.json"
LANGUAGES = ("en", "es")
TEXT_FIELDS = ("title", "summary", "grant_label", "deny_label", "revoke_label")


class DefaultFormsError(ValueError):
    pass


def validate_default_forms(data: dict) -> list[dict]:
    """The items of the file, or DefaultFormsError naming what is wrong and where."""
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise DefaultFormsError("forms.json: 'items' must be a non-empty list")
    seen = set()
    for index, item in enumerate(items):
        where = f"forms.json item {index} ({item.get('purpose', '?')})"
        if item.get("purpose") not in Purpose.values:
            raise DefaultFormsError(f"{where}: unknown purpose")
        if item["purpose"] in seen:
            raise DefaultFormsError(f"{where}: purpose appears twice")
        seen.add(item["purpose"])
        if item.get("default_policy") not in Policy.values:
            raise DefaultFormsError(f"{where}: default_policy must be active or passive")
        days = item.get("default_notice_days")
        if not isinstance(days, int) or not 0 <= days <= 120:
            raise DefaultFormsError(f"{where}: default_notice_days must be 0–120")
        for field in (*TEXT_FIELDS, "body"):
            for lang in LANGUAGES:
                value = item.get(field, {}).get(lang)
                ok = (
                    isinstance(value, list) and value and all(isinstance(p, str) for p in value)
                    if field == "body"
                    else isinstance(value, str) and value.strip()
                )
                if not ok:
                    raise DefaultFormsError(f"{where}: {field}.{lang} is missing or empty")
    return items


@cache
def default_forms() -> dict[str, dict]:
    """purpose → the default form item (title, summary, body, labels per language, policy)."""
    with FORMS_FILE.open(encoding="utf-8") as fh:
        items = validate_default_forms(json.load(fh))
    return {item["purpose"]: item for item in items}
