import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from schoolwell.sel.library import FIXTURES, LibraryError, load_library
from schoolwell.sel.models import Competency, Lesson


def _fixture_items(name):
    return json.loads((FIXTURES / name).read_text())["items"]


def test_loads_the_starter_library_covering_every_competency_and_band(db):
    competencies, lessons = load_library()
    assert (competencies, lessons) == (5, len(_fixture_items("lessons.json")))
    assert lessons >= 20
    assert Competency.objects.count() == 5
    starter = Lesson.objects.filter(school__isnull=True)
    for band in ("elementary", "middle", "high"):
        for code in Competency.objects.values_list("code", flat=True):
            assert starter.filter(grade_band=band, competencies__code=code).exists(), (band, code)
    # First listed competency is the primary one; units keep their order.
    first = _fixture_items("lessons.json")[0]
    lesson = Lesson.objects.get(slug=first["slug"])
    assert lesson.primary_competency.code == first["competencies"][0]
    assert lesson.title["es"] == first["title"]["es"]
    if first.get("unit"):
        assert (lesson.unit, lesson.sequence) == (first["unit"]["slug"], first["unit"]["position"])


def test_loading_twice_updates_in_place(db, tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "sel")
    load_library(tmp_path / "sel")
    path = tmp_path / "sel" / "lessons.json"
    data = json.loads(path.read_text())
    data["items"][0]["title"]["en"] = "Renamed lesson"
    data["items"][0]["minutes"] = 21
    path.write_text(json.dumps(data))
    load_library(tmp_path / "sel")
    assert Lesson.objects.count() == len(data["items"])
    lesson = Lesson.objects.get(slug=data["items"][0]["slug"])
    assert (lesson.title["en"], lesson.minutes) == ("Renamed lesson", 21)
    assert "renamed lesson" in lesson.search_text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"competencies": ["self_awareness", "courage"]}, "unknown competencies ['courage']"),
        ({"title": {"es": "Solo español"}}, "title must be an object with an English text"),
        ({"grade_band": "college"}, "grade_band must be one of"),
        ({"minutes": 0}, "minutes must be between 1 and 180"),
        ({"steps": []}, "steps must not be empty"),
        ({"unit": {"slug": "u", "title": {"en": "U"}, "position": 0}}, "unit.position"),
    ],
)
def test_a_bad_lesson_is_rejected_by_name_and_nothing_is_loaded(db, tmp_path, change, message):
    shutil.copytree(FIXTURES, tmp_path / "sel")
    path = tmp_path / "sel" / "lessons.json"
    data = json.loads(path.read_text())
    data["items"][3].update(change)
    path.write_text(json.dumps(data))
    with pytest.raises(LibraryError) as error:
        load_library(tmp_path / "sel")
    assert f"lesson '{data['items'][3]['slug']}'" in str(error.value)
    assert message in str(error.value)
    assert not Lesson.objects.exists()
    assert not Competency.objects.exists()


def test_the_command_reports_a_bad_fixture_clearly(db, tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "sel")
    (tmp_path / "sel" / "lessons.json").write_text('{"version": 1, "items": [{"slug": "x"}]}')
    with pytest.raises(CommandError, match="lesson 'x': title must be"):
        call_command("load_sel_library", directory=tmp_path / "sel")
    assert not Lesson.objects.exists()
