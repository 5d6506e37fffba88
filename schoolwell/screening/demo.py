"""Screening in the demo district: instruments, tags, crisis plans, fall windows, six weeks
of check-ins with real trends, and results in every band of every instrument used.

Everything goes through the services, so consent gates every result (rule 2: students
without screening consent from the consent demo step get none) and the referral hooks fire.
Idempotent: each part checks for its own data first.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from schoolwell.accounts.roles import Role
from schoolwell.roster.models import Class, School
from schoolwell.roster.selectors import class_roster
from schoolwell.roster.services import class_teachers, school_staff_group
from schoolwell.screening.consent import screening_consent
from schoolwell.screening.instruments import options_by_item
from schoolwell.screening.models import (
    CheckIn,
    Instrument,
    Respondent,
    ScreeningResult,
    ScreeningWindow,
    WindowState,
)
from schoolwell.screening.services import (
    CheckInEntry,
    ScreeningInputError,
    checkins_record,
    concern_tags_sync,
    crisis_plans_sync,
    instrument_sync,
    screening_result_record,
    screening_window_end,
    screening_window_open,
)

WEEKS = 6
WINDOW_OPENED_DAYS_AGO = 21
# (school code, instrument, grades, students screened per window: None = rated by class)
WINDOWS = [
    ("riverside-elementary", "srss-ie", [3, 4, 5], None),
    ("riverside-elementary", "psc-17", [3, 4, 5], None),
    ("riverside-secondary", "srss-ie", list(range(6, 13)), None),
    ("riverside-secondary", "phq-a", list(range(7, 13)), 60),
    ("riverside-secondary", "gad-7", list(range(9, 13)), 40),
    ("riverside-secondary", "who-5", list(range(7, 13)), 40),
    ("riverside-secondary", "asq", list(range(9, 13)), 30),
]
# Band indexes in definition order: WHO-5's first band is the poor one; ASQ is mostly negative.
BAND_WEIGHTS = {"who-5": [0.25, 0.75], "asq": [0.88, 0.06, 0.03, 0.03]}
PLAIN_TAGS = ["withdrawn", "tearful", "tired", "irritable", "anxious_worried"]
NOTES = ["Quiet today", "Said they slept badly", "Upset after break", "Didn't eat lunch"]


@transaction.atomic
def seed(district, rng: random.Random, stdout) -> None:
    instrument_sync()
    concern_tags_sync()
    crisis_plans_sync(schools=School.objects.filter(district=district))
    schools = {s.code: s for s in School.objects.filter(district=district)}
    windows = _windows(schools)
    if not CheckIn.objects.filter(student__school__district=district).exists():
        count = _checkins(district, rng)
        stdout.write(f"screening: {count} check-ins over {WEEKS} weeks")
    if not ScreeningResult.objects.filter(student__school__district=district).exists():
        count = sum(_results(window, rng, per) for window, per in windows)
        stdout.write(f"screening: {count} screening results (consented students only)")


def _windows(schools) -> list[tuple[ScreeningWindow, int | None]]:
    today = timezone.localdate()
    year = today.year if today.month >= 8 else today.year - 1
    made = []
    for code, instrument_code, grades, per in WINDOWS:
        school = schools.get(code)
        instrument = Instrument.objects.filter(code=instrument_code, active=True).first()
        if school is None or instrument is None:
            continue
        # By code: a newer instrument version must not open a second, overlapping window.
        window = (
            ScreeningWindow.objects.filter(school=school, instrument__code=instrument_code)
            .exclude(state=WindowState.CANCELLED)
            .first()
        )
        if window is None:
            window = screening_window_open(
                school=school,
                instrument=instrument,
                name=f"Fall {year}",
                grades=grades,
                opens_on=today - dt.timedelta(days=WINDOW_OPENED_DAYS_AGO),
                closes_on=today + dt.timedelta(days=14),
                by=_staff(school, Role.SCHOOL_ADMIN),
            )
        made.append((window, per))
    _cancelled_window(schools.get("riverside-secondary"), year)
    return made


def _cancelled_window(school, year: int) -> None:
    """A window an administrator planned and cancelled (the windows list shows it so)."""
    instrument = Instrument.objects.filter(code="who-5", active=True).first()
    if school is None or instrument is None:
        return
    name = f"Spring {year + 1} (moved to the wellbeing week)"
    if ScreeningWindow.objects.filter(school=school, name=name).exists():
        return
    admin = _staff(school, Role.SCHOOL_ADMIN)
    window = screening_window_open(
        school=school,
        instrument=instrument,
        name=name,
        grades=[9, 10],
        opens_on=dt.date(year + 1, 3, 9),
        closes_on=dt.date(year + 1, 3, 20),
        by=admin,
    )
    screening_window_end(window=window, by=admin, cancel=True)


def _staff(school, role: Role):
    return school_staff_group(school=school, role=role).user_set.order_by("pk").first()


def _school_days(today: dt.date) -> list[dt.date]:
    # Today is left for the demo teacher to do live.
    days = [today - dt.timedelta(days=n) for n in range(1, WEEKS * 7 + 1)]
    return sorted(d for d in days if d.weekday() < 5)


def _checkins(district, rng: random.Random) -> int:
    """A trajectory per student: most steady at 3–4, some declining, a few absent often."""
    days = _school_days(timezone.localdate())
    recent = days[-10:]
    total = 0
    for klass in Class.objects.filter(school__district=district, active=True).order_by("pk"):
        teacher = class_teachers(klass).first()
        if teacher is None:
            continue
        plans = {}
        for student in class_roster(klass):
            roll = rng.random()
            # A realistic share needs attention (about 5%): the rest must not flood the queue.
            kind = "declining" if roll < 0.035 else "low" if roll < 0.05 else "steady"
            plans[student.pk] = (kind, rng.choice([3, 3, 4, 4, 4, 5]), rng.random() < 0.05)
        history = []
        for day in days:
            entries = [_entry(sid, plan, day in recent, rng) for sid, plan in plans.items()]
            if day in recent:
                # The last two weeks go through the service, so check-in rules fire.
                saved = checkins_record(klass=klass, teacher=teacher, date=day, entries=entries)
                total += len(saved)
            else:
                history += [
                    CheckIn(student_id=e.student_id, teacher=teacher, klass=klass, date=day,
                            wellbeing=e.wellbeing, absent=e.absent, tags=e.tags, note=e.note)
                    for e in entries
                ]  # fmt: skip
        total += len(CheckIn.objects.bulk_create(history))
    return total


def _entry(sid, plan, is_recent: bool, rng: random.Random) -> CheckInEntry:
    kind, base, often_absent = plan
    if rng.random() < (0.25 if often_absent else 0.04):
        return CheckInEntry(student_id=sid, absent=True)
    value = base + rng.choice([-1, 0, 0, 0, 0, 1])
    if kind == "declining" and is_recent:
        value = rng.choice([1, 2, 2, 3])
    elif kind == "low":
        value = rng.choice([2, 2, 3])
    elif rng.random() < 0.97:
        value = max(3, value)  # steady students have an off day only rarely
    value = max(1, min(5, value))
    tags = rng.sample(PLAIN_TAGS, k=rng.choice([1, 1, 2])) if value <= 2 else []
    if kind == "declining" and value == 1 and rng.random() < 0.3:
        tags.append("disclosed_worry")
    note = rng.choice(NOTES) if tags and rng.random() < 0.3 else ""
    return CheckInEntry(student_id=sid, wellbeing=value, tags=sorted(tags), note=note)


def _scales(definition: dict, grade: int) -> list[dict]:
    scoring = definition["scoring"]
    scales = ([scoring["total"]] if "total" in scoring else []) + scoring.get("subscales", [])
    return [
        s
        for s in scales
        if not s.get("grades") or s["grades"]["min"] <= grade <= s["grades"]["max"]
    ]


def _answers_in_bands(definition, grade, band_index, rng, *, avoid=()) -> dict:
    """Answers whose scales land in the `band_index`-th band of each (clamped), spreading
    each target over the items no earlier scale has set."""
    options = options_by_item(definition)
    answers = {i["id"]: 0 for i in definition["items"] if i["required"]}
    fixed: set[str] = set()
    for scale in _scales(definition, grade):
        bands = scale["bands"]
        band = bands[min(band_index, len(bands) - 1)]
        target = rng.randint(band["min"], min(band["max"], band["min"] + 4))
        free = [i for i in scale["items"] if i not in fixed and i not in avoid]
        rng.shuffle(free)
        remaining = target - sum(answers[i] for i in scale["items"])
        for item in free:
            top = max(o["value"] for o in options[item])
            step = max(0, min(top - answers[item], remaining))
            answers[item] += step
            remaining -= step
        fixed.update(scale["items"])
    return answers


def _asq_answers(band_index: int) -> dict:
    no = dict.fromkeys(["q1", "q2", "q3", "q4"], "no")
    return [
        no,
        no | {"q1": "yes", "q5": "no"},
        no | {"q2": "yes", "q3": "yes", "q5": "yes"},
        no | {"q1": "refused"},
    ][band_index]


def _band_order(code: str, count: int, n_bands: int, rng: random.Random) -> list[int]:
    """Every band at least once, then a realistic spread: most students in the healthy band."""
    weights = BAND_WEIGHTS.get(code, [0.6, 0.25, 0.1, 0.03, 0.02])[:n_bands]
    spread = rng.choices(range(n_bands), weights=weights, k=max(0, count - n_bands))
    return list(range(n_bands)) + spread


def _results(window: ScreeningWindow, rng: random.Random, per: int | None) -> int:
    definition = window.instrument.definition
    classes = Class.objects.filter(school=window.school, active=True).order_by("pk")
    pairs = []  # (student, rater)
    for klass in classes:
        roster = [s for s in class_roster(klass) if s.grade in window.grades]
        if not roster:
            continue
        if window.instrument.respondent == Respondent.TEACHER:
            rater = class_teachers(klass).first()
            # Leave part of each class due, so the grid can be shown live.
            pairs += [(s, rater) for s in roster[: int(len(roster) * 0.6)]]
        else:
            pairs += [(s, None) for s in roster]
    seen, unique = set(), []
    for student, rater in pairs:
        if student.pk not in seen:
            seen.add(student.pk)
            unique.append((student, rater))
    consents = screening_consent([s for s, _r in unique])
    allowed = [(s, r) for s, r in unique if consents[s.pk].allowed]
    if per is not None:
        allowed = rng.sample(allowed, min(per, len(allowed)))
    counsellor = _staff(window.school, Role.COUNSELLOR)
    n_bands = (
        4
        if window.instrument.code == "asq"
        else max(len(s["bands"]) for s in _scales(definition, 9))
    )
    order = _band_order(window.instrument.code, len(allowed), n_bands, rng)
    stored = 0
    for (student, rater), band_index in zip(allowed, order, strict=False):
        answers = _answers_for(window.instrument.code, definition, student, band_index, rng)
        days_ago = rng.randint(1, WINDOW_OPENED_DAYS_AGO - 1)
        at = timezone.now() - dt.timedelta(days=days_ago, hours=rng.randint(0, 4))
        try:
            screening_result_record(
                student=student,
                instrument=window.instrument,
                answers=answers,
                by=rater or counsellor,
                window=window,
                respondent=window.instrument.respondent,
                administered_at=at,
            )
        except ScreeningInputError:
            continue
        stored += 1
    return stored


def _answers_for(code, definition, student, band_index, rng) -> dict:
    if code == "asq":
        return _asq_answers(band_index)
    if code != "phq-a":
        return _answers_in_bands(definition, student.grade, band_index, rng)
    answers = _answers_in_bands(definition, student.grade, band_index, rng, avoid={"q9"})
    answers |= {"dysthymia": "no", "difficulty": min(band_index, 3)}
    answers |= {"suicidal-thoughts-past-month": "no", "suicide-attempt-lifetime": "no"}
    if band_index >= 3:  # a few critical answers: the two highest bands
        answers["q9"] = 1
        lowered = next(k for k in ("q1", "q2", "q3", "q4") if answers[k] > 0)
        answers[lowered] -= 1
        answers["suicidal-thoughts-past-month"] = "yes"
    return answers
