import pytest
from django.urls import reverse

from schoolwell.sel.models import Lesson


def lesson_post(competencies, /, **changes):
    data = {
        "title_en": "Calm down corner",
        "title_es": "Rincón de calma",
        "grade_band": "elementary",
        "primary_competency": competencies["self_management"].pk,
        "competencies": [competencies["self_awareness"].pk],
        "minutes": "20",
        "objectives_en": "Name a calming tool\nUse it once",
        "objectives_es": "Nombrar una herramienta\nUsarla una vez",
        "materials_en": "",
        "materials_es": "",
        "steps_en": "Show the corner\nPractise",
        "steps_es": "",
        "reflection_en": "What helps you calm down?",
        "reflection_es": "",
    }
    data.update(changes)
    return data


def test_a_counsellor_adds_a_school_lesson(client_for, counsellor, school_a, competencies):
    response = client_for(counsellor).post(
        reverse("sel:lesson_new"), lesson_post(competencies, school=school_a.pk)
    )
    lesson = Lesson.objects.get()
    assert response.status_code == 302
    assert lesson.school == school_a and lesson.based_on is None
    assert lesson.title == {"en": "Calm down corner", "es": "Rincón de calma"}
    assert lesson.primary_competency.code == "self_management"
    assert {c.code for c in lesson.competencies.all()} == {"self_management", "self_awareness"}
    assert lesson.objectives[1] == {"en": "Use it once", "es": "Usarla una vez"}
    assert lesson.steps == [{"en": "Show the corner"}, {"en": "Practise"}]
    assert lesson.reflection_prompt == {"en": "What helps you calm down?"}


def test_mismatched_spanish_lines_are_a_clear_400(client_for, counsellor, school_a, competencies):
    response = client_for(counsellor).post(
        reverse("sel:lesson_new"),
        lesson_post(competencies, school=school_a.pk, objectives_es="Solo una"),
    )
    assert response.status_code == 400
    assert "Give as many Spanish lines as English lines (2)" in response.content.decode()
    assert not Lesson.objects.exists()


def test_a_school_admin_cannot_add_to_another_school(
    client_for, school_admin, school_b, competencies
):
    response = client_for(school_admin).post(
        reverse("sel:lesson_new"), lesson_post(competencies, school=school_b.pk)
    )
    assert response.status_code == 400
    assert not Lesson.objects.exists()


def test_teachers_do_not_add_school_lessons(client_for, teacher, school_a, competencies):
    response = client_for(teacher).post(
        reverse("sel:lesson_new"), lesson_post(competencies, school=school_a.pk)
    )
    assert response.status_code == 403
    assert not Lesson.objects.exists()


def test_school_staff_edit_their_schools_lessons_only(
    client_for, counsellor, other_counsellor, school_a, make_lesson, competencies
):
    lesson = make_lesson("ours", school=school_a)
    url = reverse("sel:lesson_edit", args=[lesson.pk])
    assert client_for(other_counsellor).get(url).status_code == 404
    response = client_for(counsellor).post(url, lesson_post(competencies, title_en="Renamed"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title["en"] == "Renamed" and "renamed" in lesson.search_text


def test_starter_lessons_are_read_only(client_for, school_admin, make_lesson, competencies):
    starter = make_lesson("starter")
    url = reverse("sel:lesson_edit", args=[starter.pk])
    client = client_for(school_admin)
    assert client.get(url).status_code == 403
    assert client.post(url, lesson_post(competencies)).status_code == 403
    starter.refresh_from_db()
    assert starter.title["en"] == "Starter"


def test_a_teacher_copies_a_lesson_to_adapt_and_the_original_is_untouched(
    client_for, teacher, other_teacher, class_a, make_lesson, competencies
):
    original = make_lesson(
        "original", codes=("social_awareness", "relationship_skills"), minutes=40
    )
    client = client_for(teacher)
    response = client.post(reverse("sel:lesson_copy", args=[original.pk]))
    copy = Lesson.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sel:lesson_edit", args=[copy.pk])
    assert copy.based_on == original and copy.created_by == teacher
    assert copy.school == class_a.school
    assert {c.code for c in copy.competencies.all()} == {"social_awareness", "relationship_skills"}

    edit = client.post(
        reverse("sel:lesson_edit", args=[copy.pk]),
        lesson_post(
            competencies,
            title_en="My version",
            primary_competency=competencies["social_awareness"].pk,
            competencies=[],
            minutes="25",
        ),
    )
    assert edit.status_code == 302
    copy.refresh_from_db()
    original.refresh_from_db()
    assert (copy.title["en"], copy.minutes) == ("My version", 25)
    assert (original.title["en"], original.minutes) == ("Original", 40)
    assert original.competencies.count() == 2

    # Another teacher of the same school neither sees nor edits this teacher's copy.
    other = client_for(other_teacher)
    assert other.get(reverse("sel:lesson_detail", args=[copy.pk])).status_code == 404
    assert other.get(reverse("sel:lesson_edit", args=[copy.pk])).status_code == 404


def test_copy_needs_post(client_for, teacher, make_lesson):
    lesson = make_lesson("x")
    response = client_for(teacher).get(reverse("sel:lesson_copy", args=[lesson.pk]))
    assert response.status_code == 405
    assert Lesson.objects.count() == 1


@pytest.mark.parametrize("persona", ["counsellor", "school_admin"])
def test_school_staff_see_their_teachers_copies(client_for, request, teacher, make_lesson, persona):
    original = make_lesson("original")
    client_for(teacher).post(reverse("sel:lesson_copy", args=[original.pk]))
    copy = Lesson.objects.exclude(pk=original.pk).get()
    staff = client_for(request.getfixturevalue(persona))
    assert staff.get(reverse("sel:lesson_detail", args=[copy.pk])).status_code == 200
