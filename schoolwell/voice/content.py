"""The shipped content of student voice, validated on load: the coping skills
(`fixtures/voice/coping_skills.json`) and the reviewed crisis phrases
(`fixtures/voice/crisis_phrases.json`)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

from schoolwell.voice.models import Feeling, GradeBand

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "voice"
LANGUAGES = ("en", "es")


class ContentError(ValueError):
    pass


@dataclass(frozen=True)
class CopingSkill:
    slug: str
    title: dict
    summary: dict
    steps: dict
    feelings: tuple[str, ...]
    grade_bands: tuple[str, ...]

    def in_language(self, language: str) -> dict:
        lang = language if language in LANGUAGES else "en"
        return {
            "slug": self.slug,
            "title": self.title[lang],
            "summary": self.summary[lang],
            "steps": self.steps[lang],
        }


def validate_skills(data: dict) -> list[CopingSkill]:
    """The skills of the file, or ContentError naming what is wrong and where."""
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ContentError("coping_skills.json: 'items' must be a non-empty list")
    skills, seen = [], set()
    for index, item in enumerate(items):
        where = f"coping_skills.json item {index} ({item.get('slug', '?')})"
        slug = item.get("slug")
        if not isinstance(slug, str) or not re.fullmatch(r"[a-z0-9-]{2,40}", slug):
            raise ContentError(f"{where}: slug must be 2–40 of a-z, 0-9, -")
        if slug in seen:
            raise ContentError(f"{where}: slug appears twice")
        seen.add(slug)
        feelings, bands = item.get("feelings"), item.get("grade_bands")
        if not feelings or any(f not in Feeling.values for f in feelings):
            raise ContentError(f"{where}: feelings must name known feelings")
        if not bands or any(b not in GradeBand.values for b in bands):
            raise ContentError(f"{where}: grade_bands must name known grade bands")
        for field in ("title", "summary"):
            for lang in LANGUAGES:
                value = (item.get(field) or {}).get(lang)
                if not isinstance(value, str) or not value.strip():
                    raise ContentError(f"{where}: {field}.{lang} is missing or empty")
        for lang in LANGUAGES:
            steps = (item.get("steps") or {}).get(lang)
            if (
                not isinstance(steps, list)
                or not steps
                or not all(isinstance(s, str) and s.strip() for s in steps)
            ):
                raise ContentError(f"{where}: steps.{lang} must be a list of texts")
        if len(item["steps"]["en"]) != len(item["steps"]["es"]):
            raise ContentError(f"{where}: steps differ in number between languages")
        skills.append(
            CopingSkill(
                slug=slug,
                title=item["title"],
                summary=item["summary"],
                steps=item["steps"],
                feelings=tuple(feelings),
                grade_bands=tuple(bands),
            )
        )
    # Every feeling meets a skill in every grade band: a student is never left without one.
    for feeling in Feeling.values:
        for band in GradeBand.values:
            if not any(feeling in s.feelings and band in s.grade_bands for s in skills):
                raise ContentError(f"coping_skills.json: no skill for {feeling} in {band}")
    return skills


@cache
def coping_skills() -> dict[str, CopingSkill]:
    with (FIXTURES / "coping_skills.json").open(encoding="utf-8") as fh:
        return {skill.slug: skill for skill in validate_skills(json.load(fh))}


def skill_for(*, feeling: str, band: str, day_number: int = 0) -> CopingSkill:
    """One skill suited to the feeling and grade band; `day_number` varies the choice from
    day to day among those that fit."""
    fitting = [
        s for s in coping_skills().values() if feeling in s.feelings and band in s.grade_bands
    ]
    return fitting[day_number % len(fitting)]


def fold(text: str) -> str:
    """Lower case without accents, punctuation as spaces: "Quiero MORIRME." → "quiero morirme"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def validate_phrases(data: dict) -> tuple[str, ...]:
    phrases = []
    for lang in LANGUAGES:
        found = data.get(lang) if isinstance(data, dict) else None
        if not isinstance(found, list) or not found:
            raise ContentError(f"crisis_phrases.json: '{lang}' must be a non-empty list")
        for phrase in found:
            if not isinstance(phrase, str) or not fold(phrase):
                raise ContentError(f"crisis_phrases.json: an empty phrase in '{lang}'")
            phrases.append(fold(phrase))
    return tuple(dict.fromkeys(phrases))


@cache
def _crisis_pattern() -> re.Pattern:
    with (FIXTURES / "crisis_phrases.json").open(encoding="utf-8") as fh:
        phrases = validate_phrases(json.load(fh))
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")


def message_is_crisis(message: str) -> bool:
    """Does the message hold a reviewed crisis phrase (EN or ES, any case or accents)?"""
    return bool(message) and _crisis_pattern().search(fold(message)) is not None
