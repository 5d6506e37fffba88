"""`manage.py export` for scripted use."""

import pytest
from django.core.management import CommandError, call_command

from schoolwell.audit.models import AccessLog


def test_user_view_of_a_school(tmp_path, school_admin, student_a, student_a2, student_b, load_rows):
    out = tmp_path / "roster.xlsx"
    call_command(
        "export", "roster", "--school", "school-a", "--out", str(out), "--user", "school_admin"
    )
    rows = load_rows(out)["Students"][1:]
    assert {row[0] for row in rows} == {"A1", "A2"}
    logged = AccessLog.objects.filter(user=school_admin, what="export: roster")
    assert set(logged.values_list("student_id", flat=True)) == {student_a.pk, student_a2.pk}
    assert set(logged.values_list("detail", flat=True)) == {"manage.py export"}


def test_teacher_user_gets_their_class_only(tmp_path, teacher, student_a, student_a2, load_rows):
    out = tmp_path / "roster.xlsx"
    call_command("export", "roster", "--school", "school-a", "--out", str(out), "--user", "teacher")
    assert {row[0] for row in load_rows(out)["Students"][1:]} == {"A1"}


def test_student_level_kind_requires_a_user(tmp_path, student_a):
    with pytest.raises(CommandError, match="--user is required"):
        call_command("export", "roster", "--school", "school-a", "--out", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_aggregate_without_user_covers_the_whole_school(
    tmp_path, student_a, student_a2, student_b, load_rows
):
    out = tmp_path / "agg.xlsx"
    call_command("export", "aggregate", "--school", "school-a", "--out", str(out))
    sheet = load_rows(out)["By school and grade"]
    assert sheet[1][0] == "School A"
    assert sheet[1][1] == "<10"  # two students: suppressed
    assert not AccessLog.objects.exists()  # de-identified, and no recipient to name


@pytest.mark.parametrize(
    "args, message",
    [
        (["--school", "nope"], "No school"),
        (["--school", "school-a", "--user", "nobody"], "No user"),
        (["--school", "school-b", "--user", "school_admin"], "cannot see school"),
        (["--school", "school-a", "--user", "parent"], "no role"),
        (["--school", "school-a", "--user", "school_admin", "--from", "yesterday"], "dates"),
    ],
)
def test_bad_arguments_are_clear_errors(tmp_path, args, message, school_admin, school_b, parent):
    with pytest.raises(CommandError, match=message):
        call_command("export", "roster", "--out", str(tmp_path / "x.xlsx"), *args)
    assert not AccessLog.objects.exists()
