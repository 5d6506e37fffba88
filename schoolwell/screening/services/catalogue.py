"""Data from fixtures into the database: instruments, default concern tags, crisis plans.

All idempotent: run by `load_instruments`, the demo and tests, as often as wanted.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from schoolwell.roster.models import School
from schoolwell.screening import instruments
from schoolwell.screening.models import ConcernTag, CrisisPlan, Instrument
from schoolwell.screening.services.errors import ScreeningInputError

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def instrument_sync(*, directory: Path | None = None) -> list[Instrument]:
    """Add a row for every fixture (code, version) not yet stored. An existing version is
    never rewritten: results scored with it must stay reproducible (rule 1)."""
    definitions = instruments.load_all(directory)  # validates every file first
    with transaction.atomic():
        stored = {(i.code, i.version): i for i in Instrument.objects.all()}
        rows = []
        for code, definition in definitions.items():
            row = stored.get((code, definition["version"]))
            if row is None:
                row = Instrument.objects.create(
                    code=code,
                    version=definition["version"],
                    name=definition["name"],
                    respondent=definition["respondent"],
                    definition=definition,
                )
                # The newest version is the one new windows and sessions use.
                Instrument.objects.filter(code=code).exclude(pk=row.pk).update(active=False)
            rows.append(row)
    return rows


def _fixture(path: str) -> dict:
    return json.loads((FIXTURES / path).read_text(encoding="utf-8"))


def concern_tags_sync() -> int:
    """Add missing district-default tags from fixtures/screening/concern_tags.json."""
    data = _fixture("screening/concern_tags.json")
    with transaction.atomic():
        existing = set(ConcernTag.objects.filter(school=None).values_list("code", flat=True))
        new = [
            ConcernTag(
                school=None,
                code=item["code"],
                label=item["label"],
                sensitive=item.get("sensitive", False),
                order=index,
            )
            for index, item in enumerate(data["items"])
            if item["code"] not in existing
        ]
        ConcernTag.objects.bulk_create(new)
    return len(new)


def default_crisis_content() -> dict:
    """The shipped crisis plan (fixtures/crisis/default_steps.json), in CrisisPlan's shape;
    its short steps are checked like an administrator's, so a bad edit fails at load."""
    from schoolwell.screening.services.crisis import crisis_short_problems

    item = _fixture("crisis/default_steps.json")["items"][0]
    short = {
        "quick_steps": item["quick_steps"],
        "next_steps": item["next_steps"],
        "fallback_name": item["fallback"]["name"],
        "fallback_phone": item["fallback"]["phone"],
    }
    problems = crisis_short_problems(**short)
    if problems:
        raise ValueError(f"fixtures/crisis/default_steps.json: {problems}")
    return {
        "staff_title": item.get("staff_title", {}),
        **short,
        "staff_steps": item["staff_steps"],
        "crisis_line": item["crisis_line"],
        "student_message": item["student_message"],
        "parent_message": item.get("parent_message", {}),
    }


def crisis_plans_sync(*, schools=None) -> int:
    """Give each school without a plan a copy of the default, for its admins to adapt."""
    schools = School.objects.all() if schools is None else schools
    content = default_crisis_content()
    with transaction.atomic():
        missing = list(schools.filter(crisis_plan__isnull=True))
        CrisisPlan.objects.bulk_create([CrisisPlan(school=s, **content) for s in missing])
    return len(missing)


def concern_tag_set(
    *, school: School, code: str, label: dict, sensitive: bool, active: bool
) -> ConcernTag:
    """Add or change a school's own tag; changing a default copies it for the school only."""
    code = slugify(code).replace("-", "_")[:40]
    label = {lang: (label.get(lang) or "").strip()[:80] for lang in ("en", "es")}
    default = ConcernTag.objects.filter(school=None, code=code).first()
    if default and not label["en"]:
        label = default.label
    if not code or not label["en"]:
        raise ScreeningInputError(_("A tag needs a code and an English label."))
    label["es"] = label["es"] or label["en"]
    with transaction.atomic():
        tag, _created = ConcernTag.objects.update_or_create(
            school=school,
            code=code,
            defaults={
                "label": label,
                "sensitive": sensitive,
                "active": active,
                "order": default.order if default else 100,
            },
        )
    return tag
