"""The intervention catalogue: fixtures/support/interventions.json, validated, then synced.

Idempotent (by code): a second load updates texts in place; an entry dropped from the file
is deactivated, never deleted, since plans point at it. A bad file is rejected whole with
every problem named by code (or item number).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from schoolwell.support.models import Intervention, Tier

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "support" / "interventions.json"
CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGES = ("en", "es")
TEXT_FIELDS = ("name", "description", "dose")


class CatalogueError(ValueError):
    """The fixture is invalid; the message names every offending item."""


def validate(items) -> list[str]:
    if not isinstance(items, list) or not items:
        return ["items must be a non-empty list"]
    problems, seen = [], set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"item {index}: must be an object")
            continue
        code = item.get("code")
        where = f"intervention {code!r}" if isinstance(code, str) else f"item {index}"
        if not isinstance(code, str) or not CODE.match(code):
            problems.append(f"{where}: code must be lower-case letters, digits and hyphens")
        elif code in seen:
            problems.append(f"{where}: duplicate code")
        seen.add(code)
        if item.get("tier") not in Tier.values:
            problems.append(f"{where}: tier must be one of {Tier.values}")
        for field in TEXT_FIELDS:
            text = item.get(field)
            if not isinstance(text, dict) or any(
                not isinstance(text.get(lang), str) or not text[lang].strip() for lang in LANGUAGES
            ):
                problems.append(f"{where}: {field} needs a text in each of {list(LANGUAGES)}")
        extra = set(item) - {"code", "tier", *TEXT_FIELDS}
        if extra:
            problems.append(f"{where}: unknown fields {sorted(extra)}")
    return problems


def read(path: Path = FIXTURE) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path.name}: cannot read JSON ({exc})") from exc
    items = data.get("items") if isinstance(data, dict) else None
    if problems := validate(items):
        raise CatalogueError(f"{path.name}: " + "; ".join(problems))
    return items


@transaction.atomic
def interventions_sync(*, path: Path = FIXTURE) -> int:
    """Load the catalogue; returns how many entries it holds."""
    items = read(path)
    for order, item in enumerate(items):
        Intervention.objects.update_or_create(
            code=item["code"],
            defaults={
                "tier": item["tier"],
                "name": item["name"],
                "description": item["description"],
                "dose": item["dose"],
                "order": order,
                "active": True,
            },
        )
    Intervention.objects.exclude(code__in=[i["code"] for i in items]).update(active=False)
    return len(items)
