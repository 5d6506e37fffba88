"""The family resources library: `fixtures/lifecycle/resources.json` (written for this
project, English and Spanish, sources cited), curated per district (hidden entries, local
services added), served by audience: families see family resources, staff see both."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import get_language

from schoolwell.accounts import gate
from schoolwell.lifecycle.models import Audience, HiddenResource, LocalResource
from schoolwell.screening.instruments import localized

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "lifecycle" / "resources.json"
LANGUAGES = ("en", "es")


@dataclass(frozen=True)
class Resource:
    slug: str
    audience: tuple[str, ...]
    title: dict
    summary: dict
    body: dict
    sources: tuple[dict, ...]
    school_contacts: bool = False


@dataclass(frozen=True)
class Shown:
    """A resource in the reader's language (a library entry or a district's own)."""

    slug: str
    title: str
    summary: str
    paragraphs: list[str]
    sources: tuple[dict, ...] = ()
    school_contacts: bool = False
    phone: str = ""
    url: str = ""
    local: bool = False
    language: str = ""  # a district's own text: the language it was written in


def _check(entry: dict) -> Resource:
    for key in ("title", "summary", "body"):
        missing = [lang for lang in LANGUAGES if not entry[key].get(lang)]
        if missing:
            raise ValueError(f"resource {entry['slug']}: {key} lacks {missing}")
    if not entry.get("sources"):
        raise ValueError(f"resource {entry['slug']}: no sources cited")
    if not set(entry["audience"]) <= set(Audience.values):
        raise ValueError(f"resource {entry['slug']}: unknown audience")
    return Resource(
        slug=entry["slug"],
        audience=tuple(entry["audience"]),
        title=entry["title"],
        summary=entry["summary"],
        body=entry["body"],
        sources=tuple(entry["sources"]),
        school_contacts=entry.get("school_contacts", False),
    )


@functools.cache
def library() -> tuple[Resource, ...]:
    """The shipped library, validated on load (every text in both languages, sources)."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return tuple(_check(entry) for entry in data["resources"])


def _district_ids(user) -> set[int]:
    from schoolwell.roster.models import Student

    ids = set(
        Student.objects.filter(pk__in=gate.students(user, "student.guard").values("pk"))
        .values_list("school__district_id", flat=True)
        .distinct()
    )
    ids |= set(gate.schools(user, "school.work").values_list("district_id", flat=True))
    return ids | set(gate.district_ids(user) or ())


def audiences_for(user) -> set[str]:
    staff = gate.may(user, "school.work") or bool(gate.district_ids(user))
    return {Audience.FAMILY, Audience.STAFF} if staff else {Audience.FAMILY}


def resources_for(user, *, audiences: set[str] | None = None, district_ids=None) -> list[Shown]:
    """What this user is shown, in the active language: two queries."""
    language = (get_language() or "en")[:2]
    audiences = audiences if audiences is not None else audiences_for(user)
    districts = district_ids if district_ids is not None else _district_ids(user)
    hidden = set(
        HiddenResource.objects.filter(district_id__in=districts).values_list("slug", flat=True)
    )
    shown = [
        Shown(
            slug=r.slug,
            title=localized(r.title, language),
            summary=localized(r.summary, language),
            paragraphs=list(localized(r.body, language)),
            sources=r.sources,
            school_contacts=r.school_contacts,
        )
        for r in library()
        if r.slug not in hidden and audiences & set(r.audience)
    ]
    local = LocalResource.objects.filter(district_id__in=districts, audience__in=audiences)
    return shown + [
        Shown(
            slug=f"local-{r.pk}",
            title=r.title,
            summary="",
            paragraphs=[r.body],
            phone=r.phone,
            url=r.url,
            local=True,
            language=r.language,
        )
        for r in local
    ]
