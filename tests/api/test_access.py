"""Every endpoint × every persona: allowed, forbidden (403), not found (404), signed out
(401). School X belongs to another district: its objects are a 404 for everyone here."""

from __future__ import annotations

import pytest

from tests.api.conftest import PERSONAS, error_of

pytestmark = pytest.mark.django_db

T, C, OC, SA, DA, P, OP, ANON = PERSONAS

# (what, path template, {persona: status}); unlisted personas expect `default`.
READS = [
    ("students", "/api/v1/students/", {P: 403, OP: 403}, 200),
    ("student", "/api/v1/students/{student_a}/", {OC: 404, P: 403, OP: 403}, 200),
    ("student X", "/api/v1/students/{student_x}/", {P: 403, OP: 403}, 404),
    ("classes", "/api/v1/classes/", {P: 403, OP: 403}, 200),
    ("class", "/api/v1/classes/{class_a}/", {OC: 404, P: 403, OP: 403}, 200),
    ("class X", "/api/v1/classes/{class_x}/", {P: 403, OP: 403}, 404),
    ("instruments", "/api/v1/instruments/", {P: 403, OP: 403}, 200),
    ("checkins", "/api/v1/checkins/", {P: 403, OP: 403}, 200),
    ("results", "/api/v1/screening-results/", {P: 403, OP: 403}, 200),
    ("referrals", "/api/v1/referrals/", {T: 403, P: 403, OP: 403}, 200),
    ("referral", "/api/v1/referrals/{referral_a}/", {T: 403, OC: 404, P: 403, OP: 403}, 200),
    ("referral X", "/api/v1/referrals/{referral_x}/", {T: 403, P: 403, OP: 403}, 404),
    ("notes", "/api/v1/referrals/{referral_a}/notes/", {T: 403, OC: 404, P: 403, OP: 403}, 200),
    ("plans", "/api/v1/support-plans/", {T: 403, P: 403, OP: 403}, 200),
    ("plan", "/api/v1/support-plans/{plan_a}/", {T: 403, OC: 404, P: 403, OP: 403}, 200),
    ("forms", "/api/v1/consent/forms/", {}, 200),
    ("form", "/api/v1/consent/forms/{form_a}/", {T: 404, OC: 404, OP: 404}, 200),
    ("form X", "/api/v1/consent/forms/{form_x}/", {}, 404),
    ("decisions", "/api/v1/consent/decisions/", {}, 200),
    ("lessons", "/api/v1/sel/lessons/", {P: 403, OP: 403}, 200),
    ("schedules", "/api/v1/sel/schedules/", {T: 200, SA: 200, DA: 200}, 403),
    ("schedule", "/api/v1/sel/schedules/{schedule_a}/", {T: 200, SA: 200, DA: 200}, 403),
    ("schedule X", "/api/v1/sel/schedules/{schedule_x}/", {T: 404, SA: 404, DA: 404}, 403),
    ("exports", "/api/v1/exports/", {}, 200),
    ("export", "/api/v1/exports/{export}/", {C: 200}, 404),
    (
        "disclosures",
        "/api/v1/students/{student_a}/disclosures/",
        {SA: 200, DA: 200, P: 200, OP: 404},
        403,
    ),
    ("disclosures X", "/api/v1/students/{student_x}/disclosures/", {T: 403, C: 403, OC: 403}, 404),
]


def _path(template: str, world) -> str:
    return template.format(**{k: getattr(v, "pk", v) for k, v in world.items()})


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
@pytest.mark.parametrize(
    ("what", "template", "expected", "default"), READS, ids=[r[0] for r in READS]
)
def test_reads(api_as, world, persona, what, template, expected, default):
    response = api_as(persona).get(_path(template, world))
    wanted = 401 if persona is None else expected.get(persona, default)
    assert response.status_code == wanted, response.content
    if wanted != 200:
        error_of(response)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
def test_lists_show_only_the_callers_scope(request, api_as, world, student_b, persona):
    if persona is None:
        return
    response = api_as(persona).get("/api/v1/referrals/")
    if response.status_code == 200:
        ids = {row["id"] for row in response.json()["results"]}
        assert world["referral_x"].pk not in ids
        assert (world["referral_a"].pk in ids) == (persona in {C, SA, DA})


CHECKINS = {T: 201, C: 403, OC: 404, SA: 403, DA: 403, P: 404, OP: 404}


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
def test_bulk_checkins(api_as, world, persona):
    student = world["student_a"]
    body = {"entries": [{"student": student.pk, "wellbeing": 4}]}
    response = api_as(persona).post(
        f"/api/v1/classes/{world['class_a'].pk}/checkins/", body, format="json"
    )
    assert response.status_code == (401 if persona is None else CHECKINS[persona])
    response = api_as(persona).post(
        f"/api/v1/classes/{world['class_x'].pk}/checkins/", body, format="json"
    )
    assert response.status_code in (
        {401} if persona is None else {404, 403} if persona in (P, OP) else {404}
    )


CLAIM = {C: 200, OC: 404, SA: 403, DA: 403}


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p or "anonymous")
def test_claim(api_as, world, persona):
    response = api_as(persona).post(f"/api/v1/referrals/{world['referral_a'].pk}/claim/")
    assert response.status_code == (401 if persona is None else CLAIM.get(persona, 403))
    if response.status_code == 200:
        assert response.json()["status"] == "claimed"
    response = api_as(persona).post(f"/api/v1/referrals/{world['referral_x'].pk}/claim/")
    assert response.status_code == (
        401 if persona is None else CLAIM.get(persona, 403) if persona in (T, P, OP) else 404
    )


def test_a_second_claim_is_a_conflict(api_as, world, colleague):
    url = f"/api/v1/referrals/{world['referral_a'].pk}/claim/"
    assert api_as("counsellor").post(url).status_code == 200
    response = api_as("colleague").post(url)
    assert response.status_code == 409 and error_of(response)["code"] == "conflict"


def test_status_steps_after_claiming(api_as, world):
    client = api_as("counsellor")
    url = f"/api/v1/referrals/{world['referral_a'].pk}/"
    response = client.post(url + "status/", {"status": "triage"}, format="json")
    assert response.status_code == 409  # claim first
    client.post(url + "claim/")
    response = client.post(url + "status/", {"status": "triage"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "triage"
    response = client.post(url + "status/", {"status": "closed"}, format="json")
    assert response.status_code == 400 and "status" in error_of(response)["fields"]


def test_private_notes_are_never_returned(api_as, world, counsellor, school_admin):
    from schoolwell.referrals.services import referral_note_add

    referral = world["referral_a"]
    referral_note_add(referral=referral, by=counsellor, body="Shared note", private=False)
    referral_note_add(referral=referral, by=counsellor, body="Memory aid", private=True)
    for persona in ("counsellor", "school_admin"):
        body = api_as(persona).get(f"/api/v1/referrals/{referral.pk}/notes/").json()
        assert [n["body"] for n in body["notes"]] == ["Shared note"]
        assert body["hidden_private"] == 1
    url = f"/api/v1/referrals/{referral.pk}/notes/"
    response = api_as("counsellor").post(url, {"body": "New", "private": True}, format="json")
    assert response.status_code == 400 and "private" in error_of(response)["fields"]
    assert not referral.notes.filter(body="New").exists()
    response = api_as("counsellor").post(url, {"body": "New"}, format="json")
    assert response.status_code == 201
    assert referral.notes.get(body="New").private is False


def test_a_guardian_decides_for_their_own_child_only(api_as, world, parent):
    form = world["form_a"]
    body = {"student": world["student_a"].pk, "form": form.pk, "decision": "granted"}
    response = api_as("parent").post("/api/v1/consent/decisions/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "portal" and response.json()["guardian"] == parent.pk
    response = api_as("other_parent").post("/api/v1/consent/decisions/", body, format="json")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"student", "form"}


def test_staff_enter_a_paper_decision(api_as, world, parent, counsellor):
    form = world["form_a"]
    body = {"student": world["student_a"].pk, "form": form.pk, "decision": "denied"}
    response = api_as("counsellor").post("/api/v1/consent/decisions/", body, format="json")
    assert response.status_code == 403  # the portal is the guardian's own
    body |= {"channel": "paper"}
    response = api_as("counsellor").post("/api/v1/consent/decisions/", body, format="json")
    assert response.status_code == 400 and "guardian" in error_of(response)["fields"]
    body |= {"guardian": parent.pk}
    response = api_as("counsellor").post("/api/v1/consent/decisions/", body, format="json")
    assert response.status_code == 201
    assert response.json()["recorded_by"] == counsellor.pk
    # A teacher sees the student, not the school's forms: the form does not exist for them.
    response = api_as("teacher").post("/api/v1/consent/decisions/", body, format="json")
    assert response.status_code == 400 and set(error_of(response)["fields"]) == {"form"}


def test_a_teacher_logs_a_delivery(api_as, world):
    schedule = world["schedule_a"]
    body = {
        "status": "delivered",
        "delivered_on": schedule.planned_on.isoformat(),
        "minutes": 25,
        "present": [world["student_a"].pk],
    }
    url = f"/api/v1/sel/schedules/{schedule.pk}/delivery/"
    response = api_as("teacher").post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["delivery"]["students_present"] == [world["student_a"].pk]
    response = api_as("teacher").post(
        url, {**body, "present": [world["student_x"].pk]}, format="json"
    )
    assert response.status_code == 400
    assert api_as("counsellor").post(url, body, format="json").status_code == 403


def test_exports_start_poll_and_download(api_as, world, counsellor, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client = api_as("counsellor")
    response = client.post("/api/v1/exports/", {"kind": "roster"}, format="json")
    assert response.status_code == 202, response.content
    export_id = response.json()["id"]
    polled = client.get(f"/api/v1/exports/{export_id}/").json()
    assert polled["status"] in {"done", "queued", "running"}
    if polled["status"] == "done":
        download = client.get(polled["download_url"])
        assert download.status_code == 200
        assert download["Cache-Control"] == "private, no-store"
    assert api_as("school_admin").get(f"/api/v1/exports/{export_id}/download/").status_code == 404
    response = client.post("/api/v1/exports/", {"kind": "nonsense"}, format="json")
    assert response.status_code == 400 and "kind" in error_of(response)["fields"]


def test_close_and_reassign(api_as, world, colleague, other_counsellor):
    from schoolwell.referrals.content import outcomes

    url = f"/api/v1/referrals/{world['referral_a'].pk}/"
    client = api_as("counsellor")
    response = client.post(url + "reassign/", {"to": other_counsellor.pk}, format="json")
    assert response.status_code == 400  # not a counsellor of this school
    response = client.post(url + "reassign/", {"to": 2**62}, format="json")
    assert response.status_code == 400 and "to" in error_of(response)["fields"]
    response = client.post(url + "reassign/", {"to": colleague.pk}, format="json")
    assert response.status_code == 200 and response.json()["assignee"] == colleague.pk
    outcome = next(iter(outcomes()))
    body = {"outcome": outcome, "note": "Seen twice; family supported."}
    assert client.post(url + "close/", body, format="json").status_code == 409  # not theirs
    response = api_as("colleague").post(url + "close/", {**body, "outcome": "x"}, format="json")
    assert response.status_code == 400
    response = api_as("colleague").post(url + "close/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed" and response.json()["outcome"] == outcome
    assert api_as("teacher").post(url + "close/", body, format="json").status_code == 403
