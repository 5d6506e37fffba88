"""Loading the competencies and the starter library from fixtures/sel/, validated first.

Idempotent: competencies by code, lessons by slug; a second load updates in place. A bad
fixture is rejected whole, with every problem named by lesson slug (or item number).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.db import transaction

from schoolwell.sel.models import Competency, GradeBand, Lesson
from schoolwell.sel.texts import search_text

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "sel"
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MAX_MINUTES = 180


class LibraryError(ValueError):
    """The fixture is invalid; the message names every offending item."""


def _read(path: Path) -> list[dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LibraryError(f"{path.name}: cannot read JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise LibraryError(f'{path.name}: expected {{"version": ..., "items": [...]}}')
    return data["items"]


def _text_problem(value, field: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("en"), str):
        return f"{field} must be an object with an English text"
    if required and not value["en"].strip():
        return f"{field} has an empty English text"
    if any(not isinstance(text, str) for text in value.values()):
        return f"{field} texts must be strings"
    return None


def _list_problems(value, field: str, *, required: bool) -> list[str]:
    if not isinstance(value, list):
        return [f"{field} must be a list"]
    if required and not value:
        return [f"{field} must not be empty"]
    found = (_text_problem(item, f"{field}[{i}]") for i, item in enumerate(value))
    return [problem for problem in found if problem]


def validate_competencies(items: list[dict]) -> list[str]:
    problems = []
    seen = set()
    for index, item in enumerate(items):
        code = item.get("code") if isinstance(item, dict) else None
        where = f"competency {code!r}" if code else f"competency item {index}"
        if not isinstance(code, str) or not SLUG.match(code):
            problems.append(f"{where}: code must be a slug")
            continue
        if code in seen:
            problems.append(f"{where}: duplicate code")
        seen.add(code)
        for field in ("name", "description"):
            if problem := _text_problem(item.get(field), field):
                problems.append(f"{where}: {problem}")
        if not isinstance(item.get("order", 0), int):
            problems.append(f"{where}: order must be an integer")
    return problems


def validate_lessons(items: list[dict], competency_codes: set[str]) -> list[str]:
    problems = []
    seen = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"lesson item {index}: must be an object")
            continue
        slug = item.get("slug")
        where = f"lesson {slug!r}" if slug else f"lesson item {index}"
        found = []
        if not isinstance(slug, str) or not SLUG.match(slug):
            found.append("slug must be lower-case letters, digits and hyphens")
        elif slug in seen:
            found.append("duplicate slug")
        seen.add(slug)
        found.append(_text_problem(item.get("title"), "title"))
        found.append(
            _text_problem(item.get("reflection_prompt"), "reflection_prompt", required=False)
        )
        if item.get("grade_band") not in GradeBand.values:
            found.append(f"grade_band must be one of {', '.join(GradeBand.values)}")
        codes = item.get("competencies")
        if not isinstance(codes, list) or not codes:
            found.append("competencies must be a non-empty list (first = primary)")
        else:
            unknown = [c for c in codes if c not in competency_codes]
            if unknown:
                found.append(f"unknown competencies {unknown}")
            if len(set(map(str, codes))) != len(codes):
                found.append("competencies repeat")
        minutes = item.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            found.append("minutes must be a whole number")
        elif not 1 <= minutes <= MAX_MINUTES:
            found.append(f"minutes must be between 1 and {MAX_MINUTES}")
        found.extend(_list_problems(item.get("objectives"), "objectives", required=True))
        found.extend(_list_problems(item.get("materials", []), "materials", required=False))
        found.extend(_list_problems(item.get("steps"), "steps", required=True))
        found.extend(_unit_problems(item.get("unit")))
        problems.extend(f"{where}: {problem}" for problem in found if problem)
    return problems


def _unit_problems(unit) -> list[str]:
    if unit is None:
        return []
    if not isinstance(unit, dict):
        return ["unit must be null or an object with slug, title and position"]
    found = []
    if not isinstance(unit.get("slug"), str) or not SLUG.match(unit["slug"]):
        found.append("unit.slug must be a slug")
    found.append(_text_problem(unit.get("title"), "unit.title"))
    position = unit.get("position")
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        found.append("unit.position must be a whole number from 1")
    return found


@transaction.atomic
def load_library(directory: Path = FIXTURES) -> tuple[int, int]:
    """Load competencies and starter lessons; returns (competencies, lessons) loaded."""
    competency_items = _read(directory / "competencies.json")
    if problems := validate_competencies(competency_items):
        raise LibraryError("; ".join(problems))
    lesson_items = _read(directory / "lessons.json")
    codes = {item["code"] for item in competency_items}
    if problems := validate_lessons(lesson_items, codes):
        raise LibraryError("; ".join(problems))
    taken = set(
        Lesson.objects.filter(
            slug__in=[i["slug"] for i in lesson_items], school__isnull=False
        ).values_list("slug", flat=True)
    )
    if taken:
        raise LibraryError(f"slugs already used by school lessons: {sorted(taken)}")

    competencies = {}
    for item in competency_items:
        competencies[item["code"]], _ = Competency.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "order": item.get("order", 0),
            },
        )
    for item in lesson_items:
        unit = item.get("unit") or {}
        objectives = item["objectives"]
        lesson, _ = Lesson.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "grade_band": item["grade_band"],
                "primary_competency": competencies[item["competencies"][0]],
                "minutes": item["minutes"],
                "objectives": objectives,
                "materials": item.get("materials", []),
                "steps": item["steps"],
                "reflection_prompt": item.get("reflection_prompt") or {},
                "unit": unit.get("slug", ""),
                "unit_title": unit.get("title", {}),
                "sequence": unit.get("position", 0),
                "school": None,
                "based_on": None,
                "active": True,
                "search_text": search_text(item["title"], objectives),
            },
        )
        lesson.competencies.set([competencies[code] for code in item["competencies"]])
    return len(competency_items), len(lesson_items)
