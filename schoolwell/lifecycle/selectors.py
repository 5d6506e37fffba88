"""Reads of the lifecycle app. `holdings` is "what we hold about your child": the same rows
feed the page, the printable page and the XLSX copy, so the three never differ."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from schoolwell.accounts import gate
from schoolwell.lifecycle.models import (
    Category,
    ErasureRequest,
    ErasureStatus,
    LegalHold,
    RecordRequest,
    RequestStatus,
)
from schoolwell.lifecycle.policy import NEVER_SHOWN, shown_categories

DISCLOSURES_SHOWN = 200  # the newest; the full record is on the disclosure page


@dataclass
class Section:
    category: str
    label: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each cell with its column's name (a phone shows the table as labelled lines)."""
        return [list(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class Holdings:
    student: object
    sections: list[Section]
    hidden: list[tuple[str, str]]  # (category label, why)
    never_shown: list[tuple[str, str]]


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return date_format(value, "SHORT_DATE_FORMAT")


def _checkins(student) -> Section:
    from schoolwell.screening.models import CheckIn

    since = timezone.localdate() - dt.timedelta(days=365)
    facts = CheckIn.objects.filter(student=student, date__gte=since).aggregate(
        n=Count("pk"),
        absent=Count("pk", filter=Q(absent=True)),
        first=Min("date"),
        last=Max("date"),
        mean=Avg("wellbeing"),
    )
    section = Section(
        Category.CHECKINS,
        str(Category.CHECKINS.label),
        [_("Check-ins in the last 12 months"), _("First"), _("Latest"), _("Average wellbeing")],
        note=_(
            "Teachers note each day how a student seems, from 1 (struggling) to 5 (doing "
            "well). This is an observation, not a test."
        ),
    )
    if facts["n"]:
        mean = facts["mean"]
        section.rows.append(
            [
                str(facts["n"]),
                _day(facts["first"]),
                _day(facts["last"]),
                _("%(mean)s of 5") % {"mean": f"{mean:.1f}"} if mean is not None else "",
            ]
        )
    return section


def _own_checkins(student) -> Section:
    """The student's own daily check-ins (schoolwell.voice): how many, and the feelings
    chosen; their messages are read by counsellors and not listed here."""
    from schoolwell.voice.models import Feeling, StudentCheckIn

    since = timezone.localdate() - dt.timedelta(days=365)
    mine = StudentCheckIn.objects.filter(student=student, current=True, date__gte=since)
    facts = mine.aggregate(n=Count("pk"), first=Min("date"), last=Max("date"))
    section = Section(
        Category.CHECKINS,
        _("Your child's own check-ins"),
        [_("Own check-ins in the last 12 months"), _("First"), _("Latest"), _("Feelings chosen")],
        note=_(
            "Your child may answer a short daily question about how they feel. Counsellors "
            "read any message your child writes; ask them if you would like to talk about it."
        ),
    )
    if facts["n"]:
        labels = dict(Feeling.choices)
        counts = mine.values_list("feeling").annotate(k=Count("pk")).order_by("-k", "feeling")
        feelings = ", ".join(f"{labels.get(code, code)} ({k})" for code, k in counts)
        section.rows.append([str(facts["n"]), _day(facts["first"]), _day(facts["last"]), feelings])
    return section


def band_meaning(definition: dict, band_key: str, language: str) -> str:
    """The band in plain words: which of the instrument's ranges, lowest to highest, from
    the band data of the version the result was scored with."""
    from schoolwell.screening.instruments import localized, scales

    for scale in [*scales(definition), definition["scoring"]]:
        keys = [band["key"] for band in scale.get("bands", [])]
        if band_key in keys:
            position, count = keys.index(band_key) + 1, len(keys)
            if position == 1:
                where = _("the lowest of %(count)s ranges") % {"count": count}
            elif position == count:
                where = _("the highest of %(count)s ranges") % {"count": count}
            else:
                where = _("range %(position)s of %(count)s, counting from the lowest") % {
                    "position": position,
                    "count": count,
                }
            label = localized(scale["bands"][position - 1]["label"], language)
            return _(
                "“%(label)s”: the answers fell in %(where)s of this questionnaire. "
                "A screening result is not a diagnosis."
            ) % {"label": label, "where": where}
    return _("A screening result is not a diagnosis.")


def _screening(student, language: str) -> Section:
    from schoolwell.screening.instruments import localized
    from schoolwell.screening.models import ScreeningResult
    from schoolwell.screening.selectors import result_bands

    section = Section(
        Category.SCREENING,
        str(Category.SCREENING.label),
        [_("Date"), _("Questionnaire"), _("Result"), _("What it means")],
    )
    results = ScreeningResult.objects.filter(student=student).select_related("instrument")
    for result in results:
        definition = result.instrument.definition
        meaning = band_meaning(definition, result.band, language) if result.band else ""
        if not result.complete:
            meaning = _("Not all questions were answered, so no result was given.")
        if result.consent_revoked_at:
            meaning += " " + _(
                "Permission was withdrawn later; kept as the school's schedule says."
            )
        section.rows.append(
            [
                _day(result.administered_at),
                localized(definition.get("name", result.instrument.code), language),
                next((b.label for b in result_bands(result, language) if not b.scale), "")
                or result.band_label,
                meaning,
            ]
        )
    return section


def _support(student) -> Section:
    from schoolwell.referrals.models import Referral
    from schoolwell.support.models import SupportPlan

    section = Section(
        Category.SUPPORT,
        str(Category.SUPPORT.label),
        [_("What"), _("Started"), _("Status"), pgettext("date closed", "Closed")],
    )
    for referral in Referral.objects.filter(student=student).order_by("-opened_at"):
        section.rows.append(
            [
                _("Referral to the school counsellor"),
                _day(referral.opened_at),
                referral.get_status_display(),
                _day(referral.closed_at),
            ]
        )
    for plan in SupportPlan.objects.filter(student=student).order_by("-start_date"):
        section.rows.append(
            [
                _("Support plan (tier %(tier)s)") % {"tier": plan.tier},
                _day(plan.start_date),
                plan.get_status_display(),
                _day(plan.closed_on),
            ]
        )
    return section


def _consent(student) -> Section:
    from schoolwell.consent.selectors import consent_history

    section = Section(
        Category.CONSENT,
        str(Category.CONSENT.label),
        [_("Date"), _("Form"), _("Decision"), _("By")],
    )
    for decision in consent_history(student):
        section.rows.append(
            [
                _day(decision.at),
                decision.form.text().title,
                decision.get_decision_display(),
                decision.guardian.get_full_name() or decision.guardian.username,
            ]
        )
    return section


def _disclosures(student) -> Section:
    from schoolwell.audit.selectors import disclosure_record

    section = Section(
        Category.DISCLOSURES,
        str(Category.DISCLOSURES.label),
        [_("Date"), _("Who"), _("What"), _("How")],
        note=_("The newest %(count)s entries; the full record is on the disclosure page.")
        % {"count": DISCLOSURES_SHOWN},
    )
    for row in disclosure_record(student)[:DISCLOSURES_SHOWN]:
        section.rows.append(
            [
                _day(row.at),
                row.user.get_full_name() or row.user.username,
                row.what_display,
                row.get_action_display(),
            ]
        )
    return section


def holdings(student, language: str) -> Holdings:
    """What the school holds about the student, by category, as the school's policy shows it
    to guardians. Private and restricted notes are never read here at all."""
    shown = shown_categories(student.school_id)
    builders = {
        Category.CHECKINS: lambda: _checkins(student),
        Category.SCREENING: lambda: _screening(student, language),
        Category.SUPPORT: lambda: _support(student),
        Category.CONSENT: lambda: _consent(student),
        Category.DISCLOSURES: lambda: _disclosures(student),
    }
    sections, hidden = [], []
    why = _(
        "Your school does not show this on the parent portal. You may still ask the school to "
        "inspect it in person."
    )
    for category in Category:
        if shown[category]:
            sections.append(builders[category]())
            if category == Category.CHECKINS:
                sections.append(_own_checkins(student))
        else:
            hidden.append((str(category.label), why))
    never = [(str(label), str(reason)) for label, reason in NEVER_SHOWN]
    return Holdings(student=student, sections=sections, hidden=hidden, never_shown=never)


def guardian_requests(user, student):
    """The correction requests of the student's guardians, newest first."""
    gate.require(user, "student.guard", student)
    return RecordRequest.objects.filter(student=student).select_related("guardian")


def open_requests(user):
    """Correction requests waiting in the schools the user decides for."""
    return (
        RecordRequest.objects.filter(
            student__school_id__in=gate.school_ids(user, "records.decide"),
        )
        .select_related("student", "student__school", "guardian", "decided_by")
        .order_by("status", "-created_at")
    )


def pending_requests(user):
    return open_requests(user).filter(status=RequestStatus.OPEN)


def erasures(user):
    return ErasureRequest.objects.filter(
        student__school_id__in=gate.school_ids(user, "records.erase")
    ).select_related("student", "requested_by", "decided_by")


def pending_erasures(user):
    return erasures(user).filter(status=ErasureStatus.REQUESTED)


def holds(user):
    return LegalHold.objects.filter(
        student__school_id__in=gate.school_ids(user, "records.erase"), released_at__isnull=True
    ).select_related("student", "placed_by")
