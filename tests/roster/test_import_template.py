"""The SchoolWell roster template (XLSX and CSV) for schools without an SIS."""

# The bad-file cases are a table: one case per line.
# ruff: noqa: E501

import io
import zipfile

import pytest
from openpyxl import load_workbook

from schoolwell.accounts.models import User
from schoolwell.roster.importing import ImportRejected, roster_import_template
from schoolwell.roster.importing.template_columns import COLUMN_NAMES, blank_template
from schoolwell.roster.models import Class, Enrollment, GuardianLink, Student
from schoolwell.roster.selectors import guardian_children, visible_students
from tests.roster.conftest import template_rows


def run(path, school, by=None, **kwargs):
    return roster_import_template(path=path, school=school, by=by, **kwargs)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_template_creates_students_classes_and_grants(school_a, make_template, kind):
    result = run(make_template(template_rows(), kind=kind), school_a)

    ana = Student.objects.get(school=school_a, local_id="1001")
    assert (ana.given_name, ana.preferred_name, ana.grade, str(ana.date_of_birth)) == (
        "Ana", "Anita", 7, "2013-04-21",
    )  # fmt: skip
    assert ana.preferred_language == "es"
    assert Student.objects.get(local_id="1002").grade == 0  # "KG"
    assert set(Class.objects.filter(school=school_a).values_list("class_code", "title")) == {
        ("ADV7A", "Advisory 7-A"),
        ("HLT7", "Health 7"),
    }
    assert Enrollment.objects.filter(klass__school=school_a, active=True).count() == 3
    tara = User.objects.get(username="tara@lincoln.example")
    assert not tara.has_usable_password()
    assert set(visible_students(tara).values_list("local_id", flat=True)) == {"1001", "1002"}
    maria = User.objects.get(username="maria@family.example")
    assert maria.preferred_language == "es"
    assert list(guardian_children(maria)) == [ana]
    step = GuardianLink.objects.get(guardian__username="sam@family.example")
    assert (step.relationship, step.may_consent) == ("other", False)
    assert result.kind("students").created == 2
    assert result.kind("guardian_links").created == 2
    assert result.kind("teaching").created == 1


def test_reimport_changes_nothing(school_a, make_template, table_counts):
    path = make_template(template_rows())
    run(path, school_a)
    before = table_counts()

    again = run(path, school_a)

    assert table_counts() == before
    assert again.changed == 0
    assert again.kind("students").unchanged == 2


def test_existing_accounts_are_matched_by_email(school_a, teacher, make_template):
    rows = template_rows()
    for row in rows:
        if row.get("teacher_email"):
            row["teacher_email"] = "TEACHER@example.org"  # the persona's email, other case
            row["teacher_given_name"], row["teacher_family_name"] = "Tess", "Teacher"
    run(make_template(rows), school_a)
    assert not User.objects.filter(username="teacher@example.org").exists()
    assert visible_students(User.objects.get(pk=teacher.pk)).filter(local_id="1002").exists()


def test_absent_students_are_kept_and_counted(school_a, student_a, make_template):
    result = run(make_template(template_rows()), school_a)
    student_a.refresh_from_db()
    assert student_a.active
    assert result.kind("students").absent == 1


def test_blank_template_has_the_columns_and_instructions(school_a, tmp_path):
    book = load_workbook(io.BytesIO(blank_template()))
    assert book.sheetnames == ["Roster", "Instructions"]
    assert [c.value for c in book["Roster"][1]] == list(COLUMN_NAMES)
    instructions = " ".join(str(c.value) for row in book["Instructions"].iter_rows() for c in row)
    assert (
        "guardian_may_consent" in instructions and "One row per student per class" in instructions
    )

    # Filled in by a school, it imports.
    sheet = book["Roster"]
    sheet.append(["S1", "Ana", "Lopez", "", "K", "", "", "HR1", "Homeroom K"])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    assert run(path, school_a).kind("students").created == 1


BAD_ROWS = [
    ("bad grade", {"grade": "Seventh"}, "Roster, row 2, grade: “Seventh” is not a grade"),
    ("bad date", {"date_of_birth": "21/04/2013"}, "Roster, row 2, date_of_birth: “21/04/2013” is not a date"),
    ("future birth date", {"date_of_birth": "2999-01-01"}, "Roster, row 2, date_of_birth: The date of birth is in the future"),
    ("ancient birth date", {"date_of_birth": "0001-01-01"}, "Roster, row 2, date_of_birth: The date of birth is more than 100 years ago"),
    ("missing student id", {"student_id": ""}, "Roster, row 2, student_id: A value is required"),
    ("bad language", {"preferred_language": "fr"}, "Roster, row 2, preferred_language: “fr” is not one of"),
    ("guardian without name", {"guardian_given_name": ""}, "Roster, row 2, guardian_given_name: A value is required with an email address"),
    ("bad email", {"guardian_email": "maria"}, "Roster, row 2, guardian_email: “maria” is not an email address"),
    ("bad may_consent", {"guardian_may_consent": "perhaps"}, "Roster, row 2, guardian_may_consent: “perhaps” is not yes/no"),
    ("bad relationship", {"guardian_relationship": "aunt"}, "Roster, row 2, guardian_relationship: “aunt” is not one of"),
    ("inconsistent student", {"family_name": "López"}, "Roster, row 3, student_id: This differs from an earlier row for “1001”"),
    ("inconsistent class", {"class_title": "Advisory"}, "Roster, row 3, class_title: This differs from an earlier row for “ADV7A”"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"), [c[1:] for c in BAD_ROWS], ids=[c[0] for c in BAD_ROWS]
)
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_bad_row_rejects_the_whole_file(
    school_a, make_template, table_counts, change, expected, kind
):
    rows = template_rows()
    rows[0].update(change)
    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        run(make_template(rows, kind=kind), school_a)
    expected = expected.replace("Roster,", "CSV,") if kind == "csv" else expected
    messages = [str(e) for e in rejected.value.errors]
    assert any(m.startswith(expected) for m in messages), messages
    assert table_counts() == before


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_missing_required_column(school_a, make_template, table_counts, kind):
    columns = [c for c in COLUMN_NAMES if c != "grade"]
    before = table_counts()
    with pytest.raises(ImportRejected) as rejected:
        run(make_template(template_rows(), kind=kind, columns=columns), school_a)
    assert [str(e).split(", ", 1)[1] for e in rejected.value.errors] == [
        "row 1, grade: Required column is missing."
    ]
    assert table_counts() == before


def test_not_a_workbook(school_a, tmp_path):
    path = tmp_path / "roster.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportRejected, match="not a readable XLSX"):
        run(path, school_a)


def test_empty_file(school_a, make_template):
    with pytest.raises(ImportRejected, match="no rows to import"):
        run(make_template([]), school_a)


def test_only_the_schools_administrator_may_import(
    school_a, school_b, school_admin, make_template, table_counts
):
    before = table_counts()
    with pytest.raises(ImportRejected, match="You do not administer this school"):
        run(make_template(template_rows()), school_b, by=school_admin)
    assert table_counts() == before
    assert run(make_template(template_rows()), school_a, by=school_admin).changed


def test_one_bad_cell_is_one_error(school_a, make_template):
    rows = template_rows()
    rows[0]["grade"] = "Seventh"  # Ana's later rows must not all be reported as differing
    with pytest.raises(ImportRejected) as rejected:
        run(make_template(rows), school_a)
    assert [str(e) for e in rejected.value.errors] == [
        "Roster, row 2, grade: “Seventh” is not a grade (use PK, KG or 01–12)."
    ]
