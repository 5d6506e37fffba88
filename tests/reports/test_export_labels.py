"""Exports speak the requester's language and name people (issue 12): statuses, outcomes,
priorities and event kinds as their labels, reasons and events in words, people by their
full name (the username only when no name is recorded) — never a stored code or a login."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from schoolwell.accounts.models import User
from schoolwell.referrals.models import Priority, Referral, ReferralEvent, Source, Status
from schoolwell.reports.exports import KINDS
from schoolwell.screening.models import CheckIn, ConcernTag
from tests.conftest import make_user

H = dt.timedelta(hours=1)
OUTCOME = "resolved_no_further_action"
# A stored code: lower case, no spaces ("closed", "resolved_no_further_action").
CODE = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")
LABELLED = re.compile(r"status|outcome|priority|estado|resultado|prioridad", re.I)


@pytest.fixture
def closed_referral(school_a, student_a, counsellor):
    opened = timezone.now() - 100 * H
    referral = Referral.objects.create(
        school=school_a,
        student=student_a,
        source=Source.RULE,
        priority=Priority.HIGH,
        status=Status.CLOSED,
        assignee=counsellor,
        opened_at=opened,
        due_at=opened + 24 * H,
        claimed_at=opened + 2 * H,
        closed_at=opened + 48 * H,
        outcome=OUTCOME,
    )
    nameless = make_user("nameless_counsellor")  # no first or last name recorded
    for at, kind, actor, data in [
        (opened, ReferralEvent.Kind.CREATED, None, {"priority": Priority.HIGH}),
        (opened + 2 * H, ReferralEvent.Kind.CLAIMED, counsellor, {}),
        (opened + 48 * H, ReferralEvent.Kind.CLOSED, nameless, {"outcome": OUTCOME}),
    ]:
        ReferralEvent.objects.create(referral=referral, at=at, kind=kind, actor=actor, data=data)
    return referral


# An English note under a Spanish table ("Period 2026-08-01–…", "Windows opening from …").
ENGLISH_NOTE = re.compile(r"^(Period|Windows opening|Check-ins from) ")


def _words(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


ABOUT = {_words(language, "About this export") for language in ("en", "es")}


def _request(client, user, kind, language):
    """Ask for an export through the page, reading the site in `language`."""
    client.force_login(user)
    client.cookies["django_language"] = language
    client.post(reverse("reports:export_list"), {"kind": kind}, HTTP_ACCEPT_LANGUAGE=language)
    return user.exports.order_by("-pk").first()


@pytest.mark.parametrize(
    ("language", "status", "priority", "outcome", "closed_event", "claimed"),
    [
        (
            "en",
            "Closed",
            "High",
            "Resolved – no further action needed",
            "Closed: Resolved – no further action needed",
            "Claimed",
        ),
        (
            "es",
            "Cerrada",
            "Alta",
            "Resuelto: no se requiere ninguna otra acción",
            "Cerrada: Resuelto: no se requiere ninguna otra acción",
            "Asignada",
        ),
    ],
)
def test_the_referral_log_in_the_requesters_language(
    client,
    django_capture_on_commit_callbacks,
    load_rows,
    counsellor,
    closed_referral,
    language,
    status,
    priority,
    outcome,
    closed_event,
    claimed,
):
    with translation.override(language):  # the catalogue's words, whatever they are
        status, priority = str(Status.CLOSED.label), str(Priority.HIGH.label)
        claimed = str(ReferralEvent.Kind.CLAIMED.label)
    with django_capture_on_commit_callbacks(execute=True):
        export = _request(client, counsellor, "referrals", language)
    export.refresh_from_db()
    assert export.language == language
    sheets = load_rows(export)
    header, row = sheets[_words(language, "Referrals")]
    cells = dict(zip(header, row, strict=True))
    head = {name: _words(language, name) for name in ("Status", "Priority", "Outcome")}
    assert (cells[head["Status"]], cells[head["Priority"]]) == (status, priority)
    assert cells[head["Outcome"]] == outcome
    assert cells[_words(language, "Assignee")] == "Cora Counsellor"
    events = sheets[_words(language, "Events")][1:]
    assert [e[2] for e in events][1] == claimed
    assert events[2][3] == closed_event
    # People by name; the one without a name by their username, the system by nobody.
    assert [e[4] for e in events] == [None, "Cora Counsellor", "nameless_counsellor"]
    about = dict(r[:2] for r in sheets[_words(language, "About this export")] if r and r[0])
    assert about[_words(language, "Requested by")] == "Cora Counsellor"
    if language == "es":
        assert status != "Closed" and claimed != "Claimed"  # really translated


def test_checkins_name_the_teacher_and_speak_spanish(
    client, django_capture_on_commit_callbacks, load_rows, counsellor, teacher, student_a, class_a
):
    ConcernTag.objects.create(code="withdrawn", label={"en": "Withdrawn", "es": "Retraído"})
    CheckIn.objects.create(
        student=student_a,
        teacher=teacher,
        klass=class_a,
        date=timezone.localdate(),
        wellbeing=2,
        tags=["withdrawn"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        export = _request(client, counsellor, "checkins", "es")
    export.refresh_from_db()
    assert export.status == "done", (export.status, export.error)
    header, row = load_rows(export)[_words("es", "Check-ins")]
    cells = dict(zip(header, row, strict=True))
    assert header[0] == "Fecha"  # the headers are in Spanish too
    assert cells[_words("es", "Teacher")] == "Tess Teacher"
    with translation.override("es"):
        from schoolwell.screening.models.checkins import Wellbeing

        assert cells[_words("es", "Wellbeing (words)")] == str(Wellbeing(2).label)
    assert cells[_words("es", "Concerns")] == "Retraído"


def _codes_in_labelled_columns(sheets: dict) -> list[tuple]:
    found = []
    for title, rows in sheets.items():
        if not rows or title in ABOUT:
            continue
        header = rows[0]
        columns = [i for i, name in enumerate(header) if name and LABELLED.search(str(name))]
        for row in rows[1:]:
            for i in columns:
                value = row[i]
                if isinstance(value, str) and CODE.match(value):
                    found.append((title, header[i], value))
    return found


def test_the_scan_finds_a_code():
    sheets = {"S": [("Status", "Name"), ("passive_no_objection", "x"), ("Closed", "y")]}
    assert _codes_in_labelled_columns(sheets) == [("S", "Status", "passive_no_objection")]


@pytest.mark.django_db
def test_no_export_sheet_shows_a_code_in_a_status_outcome_or_priority_column(
    client, django_capture_on_commit_callbacks, load_rows
):
    """Every export kind, as every demo login that may run it, in English and Spanish, on
    the demo district (referrals in every state, closed with outcomes, plans, consents)."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    found, runs, english = [], 0, []
    titles = {"en": set(), "es": set()}
    for username in ("teacher", "counsellor", "schooladmin", "districtadmin"):
        user = User.objects.get(username=username)
        for kind in KINDS.values():
            if not kind.allowed_for(user):
                continue
            for language in ("en", "es"):
                with django_capture_on_commit_callbacks(execute=True):
                    export = _request(client, user, kind.code, language)
                export.refresh_from_db()
                assert export.kind == kind.code and export.status == "done", export.error
                runs += 1
                sheets = load_rows(export)
                found += [
                    (username, kind.code, language, *f) for f in _codes_in_labelled_columns(sheets)
                ]
                titles[language] |= {(kind.code, title) for title in sheets}
                english += [
                    (kind.code, title, cell)
                    for title, rows in sheets.items()
                    for row in rows
                    for cell in row
                    if language == "es" and isinstance(cell, str) and ENGLISH_NOTE.match(cell)
                ]
    assert runs >= 20
    assert found == []
    # Sheet titles and the notes under tables are in the reader's language too.
    assert titles["en"] and not titles["en"] & titles["es"]
    assert english == []
