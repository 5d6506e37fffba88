import pytest
from django.urls import reverse

from schoolwell.sel.models import Lesson

LIBRARY = reverse("sel:library")


def titles(response):
    return sorted(lesson.title["en"] for lesson in response.context["page"])


@pytest.fixture
def lessons(make_lesson):
    return {
        "breathe": make_lesson(
            "box-breathing",
            band="middle",
            codes=("self_management",),
            objectives=[{"en": "Use box breathing before a test", "es": "Respirar en caja"}],
        ),
        "listen": make_lesson(
            "active-listening", band="high", codes=("relationship_skills", "social_awareness")
        ),
        "feelings": make_lesson("feelings-words", band="elementary", codes=("self_awareness",)),
    }


def test_filters_by_grade_band(client_for, teacher, lessons):
    response = client_for(teacher).get(LIBRARY, {"grade_band": "high"})
    assert titles(response) == ["Active Listening"]


def test_filters_by_competency_including_secondary_ones(client_for, teacher, lessons):
    response = client_for(teacher).get(LIBRARY, {"competency": "social_awareness"})
    assert titles(response) == ["Active Listening"]


def test_searches_titles_and_objectives_in_every_language(client_for, teacher, lessons):
    client = client_for(teacher)
    assert titles(client.get(LIBRARY, {"q": "BOX breathing"})) == ["Box Breathing"]
    assert titles(client.get(LIBRARY, {"q": "before a test"})) == ["Box Breathing"]
    assert titles(client.get(LIBRARY, {"q": "respirar"})) == ["Box Breathing"]
    assert titles(client.get(LIBRARY, {"q": "listening", "grade_band": "middle"})) == []


def test_an_unknown_filter_value_is_ignored_not_an_error(client_for, teacher, lessons):
    response = client_for(teacher).get(LIBRARY, {"grade_band": "college"})
    assert response.status_code == 200
    assert len(titles(response)) == 3


@pytest.mark.parametrize("count", [3, 30])
def test_library_query_count_is_constant(
    client_for, teacher, make_lesson, count, django_assert_max_num_queries
):
    for i in range(count):
        make_lesson(f"lesson-{i}", codes=("self_awareness", "self_management"))
    client = client_for(teacher)
    with django_assert_max_num_queries(11):
        response = client.get(LIBRARY)
    assert len(response.context["page"]) == min(count, 20)


def test_another_schools_lesson_is_not_in_the_library_and_is_404(
    client_for, teacher, school_b, make_lesson, lessons
):
    theirs = make_lesson("school-b-only", school=school_b)
    client = client_for(teacher)
    assert "School B Only" not in titles(client.get(LIBRARY))
    assert client.get(reverse("sel:lesson_detail", args=[theirs.pk])).status_code == 404


def test_detail_shows_the_readers_language_and_falls_back_to_english(
    client_for, teacher, make_lesson
):
    lesson = make_lesson(
        "bilingual",
        title={"en": "Naming feelings", "es": "Nombrar emociones"},
        steps=[{"en": "Draw a face", "es": "Dibuja una cara"}, {"en": "Only English step"}],
    )
    client = client_for(teacher)
    url = reverse("sel:lesson_detail", args=[lesson.pk])
    english = client.get(url).content.decode()
    assert "Naming feelings" in english and "Draw a face" in english
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Nombrar emociones" in spanish and "Dibuja una cara" in spanish
    assert "Only English step" in spanish
    assert "Copiar para adaptar" in spanish and "Pasos" in spanish


@pytest.mark.parametrize("persona", ["parent", "outsider"])
def test_parents_and_outsiders_get_nothing(client_for, request, lessons, persona):
    client = client_for(request.getfixturevalue(persona))
    lesson = lessons["breathe"]
    for url in (
        LIBRARY,
        reverse("sel:lesson_detail", args=[lesson.pk]),
        reverse("sel:lesson_new"),
        reverse("sel:lesson_edit", args=[lesson.pk]),
        reverse("sel:lesson_schedule", args=[lesson.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("sel:lesson_copy", args=[lesson.pk])).status_code == 403
    assert Lesson.objects.count() == 3
