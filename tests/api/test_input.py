"""Hostile input is a 400 in the one error body, never a 500 (rule 9): bad JSON, deep
nesting, huge bodies and integers, long strings, wrong types, other districts' ids."""

from __future__ import annotations

import pytest

from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_api(api_as, world):
    return api_as("teacher")


def _checkins(client, world, body, **kwargs):
    return client.post(
        f"/api/v1/classes/{world['class_a'].pk}/checkins/", body, format="json", **kwargs
    )


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[" * 5000, b'{"entries": ' + b"[" * 100 + b"]" * 100 + b"}", b"\xff\xfe", b"null"],
    ids=["truncated", "deep", "nested-entries", "not-utf8", "null"],
)
def test_bad_json_is_a_400(teacher_api, world, raw):
    response = teacher_api.post(
        f"/api/v1/classes/{world['class_a'].pk}/checkins/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    error_of(response)


def test_a_huge_body_is_refused(teacher_api, world, settings):
    settings.JSON_MAX_BYTES = 10_000
    body = {"entries": [{"student": 1, "note": "x" * 20_000}]}
    response = _checkins(teacher_api, world, body)
    assert response.status_code == 400
    assert "too large" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"student": 2**70, "wellbeing": 3}, "student"),
        ({"student": "abc", "wellbeing": 3}, "student"),
        ({"student": None}, "student"),
        ({"student": 1, "wellbeing": 2**64}, "wellbeing"),
        ({"student": 1, "wellbeing": "lots"}, "wellbeing"),
        ({"student": 1, "wellbeing": [1]}, "wellbeing"),
        ({"student": 1, "note": "x" * 100_000}, "note"),
        ({"student": 1, "tags": "not a list"}, "tags"),
        ({"student": 1, "tags": [{"deep": [1]}]}, "tags"),
        ({"student": 1, "absent": {"x": 1}}, "absent"),
    ],
)
def test_wrong_types_and_sizes_name_the_field(teacher_api, world, entry, field):
    response = _checkins(teacher_api, world, {"entries": [entry]})
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid" and "entries" in error["fields"]
    assert field in " ".join(error["fields"]["entries"]) or error["fields"]["entries"]


def test_another_districts_student_in_a_batch_saves_nothing(teacher_api, world):
    from schoolwell.screening.models import CheckIn

    body = {
        "entries": [
            {"student": world["student_a"].pk, "wellbeing": 4},
            {"student": world["student_x"].pk, "wellbeing": 1},
        ]
    }
    response = _checkins(teacher_api, world, body)
    assert response.status_code == 400
    assert str(world["student_x"].pk) in error_of(response)["fields"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "value", [2**63, 2**70, -1, 0, "1; DROP TABLE", 1.5, True, None, [], {"a": 1}, "9" * 400]
)
def test_absurd_ids_in_a_body_are_a_400_naming_the_field(api_as, world, value):
    body = {"student": value, "form": world["form_a"].pk, "decision": "granted"}
    response = api_as("parent").post("/api/v1/consent/decisions/", body, format="json")
    assert response.status_code == 400, response.content
    assert "student" in error_of(response)["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/students/99999999999999999999999/",
        "/api/v1/students/abc/",
        "/api/v1/referrals/-1/claim/",
        "/api/v1/classes/99999999999999999999/checkins/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_absurd_paths_are_a_json_404(api_as, world, path):
    response = api_as("counsellor").get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "9" * 100},
        {"offset": "9" * 30},
        {"offset": str(2**63)},
        {"limit": "-5"},
        {"grade": "1e3"},
        {"grade": "9" * 30},
        {"school": "x" * 10_000},
        {"class": str(2**64)},
    ],
)
def test_absurd_query_parameters_never_fail(api_as, world, query):
    response = api_as("counsellor").get("/api/v1/students/", query)
    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert set(error_of(response)["fields"]) <= set(query)


def test_the_page_size_is_bounded(api_as, world):
    body = api_as("counsellor").get("/api/v1/students/", {"limit": 100_000}).json()
    assert set(body) == {"count", "next", "previous", "results"}


def test_a_put_or_delete_is_a_405_in_the_error_body(api_as, world):
    client = api_as("counsellor")
    for method in (client.put, client.delete, client.patch):
        response = method(f"/api/v1/students/{world['student_a'].pk}/")
        assert response.status_code == 405
        assert error_of(response)["code"] == "method_not_allowed"


def test_screening_answers_of_the_wrong_shape_are_a_400(api_as, world, instruments):
    client = api_as("counsellor")
    for answers in ({"q1": {"x": [1]}}, {"q1": "x" * 500}, {"q1": 10**30}, [], "x", {}):
        body = {"student": world["student_a"].pk, "instrument": "phq-a", "answers": answers}
        response = client.post("/api/v1/screening-results/", body, format="json")
        assert response.status_code == 400, (answers, response.content)
        assert "answers" in error_of(response)["fields"]


def test_a_result_without_consent_is_refused_and_not_stored(api_as, world, instruments):
    from schoolwell.screening.models import ScreeningResult

    item_ids = [i["id"] for i in instruments["phq-a"].definition["items"]]
    body = {
        "student": world["student_a"].pk,
        "instrument": "phq-a",
        "answers": dict.fromkeys(item_ids, 0),
    }
    response = api_as("counsellor").post("/api/v1/screening-results/", body, format="json")
    assert response.status_code in {201, 400}, response.content
    if response.status_code == 400:
        assert not ScreeningResult.objects.exists()
        assert "consent" in error_of(response)["message"].lower()
    response = api_as("teacher").post("/api/v1/screening-results/", body, format="json")
    assert response.status_code == 403  # a self-report: the school's counsellors only
