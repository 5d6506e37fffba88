"""Builders for roster import files: small OneRoster zips and templates, written in tmp_path.

`roster_files` is a valid district as plain rows (a fresh copy per test): tests change a
cell or drop a file, then `make_zip(files)` writes the zip.
"""

# The sample files are tables: one row per line reads better than wrapped dicts.
# ruff: noqa: E501
import csv
import io
import zipfile

import pytest
from openpyxl import Workbook

from schoolwell.accounts.models import User
from schoolwell.roster.importing.template_columns import COLUMN_NAMES
from schoolwell.roster.models import (
    AcademicTerm,
    Class,
    ClassUserObjectPermission,
    Enrollment,
    GuardianLink,
    School,
    Student,
)

# fmt: off
HEADERS = {
    "orgs": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
    "academicSessions": ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
    "courses": ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects"],
    "classes": ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects"],
    "users": ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password"],
    "enrollments": ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"],
    "demographics": ["sourcedId", "status", "dateLastModified", "birthDate", "sex"],
}


def _user(sid, role, org, given, family, **extra):
    return {"sourcedId": sid, "enabledUser": "true", "orgSourcedIds": org, "role": role,
            "givenName": given, "familyName": family, **extra}


def default_files() -> dict[str, list[dict]]:
    """A district (d1) with two schools, a year and a semester, two classes, three
    students, two teachers, a school administrator and two guardians (linked from either
    side of agentSourcedIds)."""
    return {
        "orgs": [
            {"sourcedId": "d1", "name": "Test District", "type": "district"},
            {"sourcedId": "s1", "name": "Lincoln Middle", "type": "school", "identifier": "lincoln", "parentSourcedId": "d1"},
            {"sourcedId": "s2", "name": "Oak High", "type": "school", "identifier": "oak", "parentSourcedId": "d1"},
        ],
        "academicSessions": [
            {"sourcedId": "y1", "title": "2026-2027", "type": "schoolYear", "startDate": "2026-08-20", "endDate": "2027-06-15", "schoolYear": "2027"},
            {"sourcedId": "t1", "title": "Fall 2026", "type": "semester", "startDate": "2026-08-20", "endDate": "2027-01-20", "parentSourcedId": "y1", "schoolYear": "2027"},
        ],
        "courses": [{"sourcedId": "c1", "title": "Advisory", "orgSourcedId": "d1"}],
        "classes": [
            {"sourcedId": "k1", "title": "Advisory 7-A", "grades": "07", "courseSourcedId": "c1", "classCode": "ADV7A", "classType": "homeroom", "schoolSourcedId": "s1", "termSourcedIds": "y1"},
            {"sourcedId": "k2", "title": "Health 9", "grades": "09", "courseSourcedId": "c1", "classCode": "HLT9", "classType": "scheduled", "schoolSourcedId": "s2", "termSourcedIds": "t1"},
        ],
        "users": [
            _user("st1", "student", "s1", "Ana", "Lopez", identifier="1001", grades="07", agentSourcedIds="p1"),
            _user("st2", "student", "s1", "Ben", "Kim", identifier="1002", grades="07"),
            _user("st3", "student", "s2", "Cy", "Diaz", identifier="2001", grades="09"),
            _user("te1", "teacher", "s1", "Tara", "Lind", username="tara", email="tara@lincoln.example"),
            _user("te2", "teacher", "s2", "Tom", "Oakes", username="tom", email="tom@oak.example"),
            _user("ad1", "administrator", "s1", "Alice", "Admin", username="alice", email="alice@lincoln.example"),
            _user("p1", "parent", "s1", "Pat", "Lopez", username="pat", email="pat@family.example"),
            _user("p2", "guardian", "s1", "Gil", "Kim", email="Gil@Family.example", agentSourcedIds="st2"),
        ],
        "enrollments": [
            {"sourcedId": "e1", "classSourcedId": "k1", "schoolSourcedId": "s1", "userSourcedId": "st1", "role": "student"},
            {"sourcedId": "e2", "classSourcedId": "k1", "schoolSourcedId": "s1", "userSourcedId": "st2", "role": "student", "beginDate": "2026-08-20"},
            {"sourcedId": "e3", "classSourcedId": "k2", "schoolSourcedId": "s2", "userSourcedId": "st3", "role": "student"},
            {"sourcedId": "e4", "classSourcedId": "k1", "schoolSourcedId": "s1", "userSourcedId": "te1", "role": "teacher", "primary": "true"},
            {"sourcedId": "e5", "classSourcedId": "k2", "schoolSourcedId": "s2", "userSourcedId": "te2", "role": "teacher"},
        ],
        "demographics": [{"sourcedId": "st1", "birthDate": "2013-04-21", "sex": "female"}],
    }


# fmt: on


def csv_text(header: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def roster_files():
    return default_files()


@pytest.fixture
def make_zip(tmp_path):
    """make_zip(files, mode="bulk", manifest=None, extra={}) → path of a OneRoster zip."""
    counter = iter(range(1000))

    def _make(files, *, mode="bulk", manifest=None, version="1.1", extra=None):
        path = tmp_path / f"oneroster-{next(counter)}.zip"
        if manifest is None:
            manifest = {"manifest.version": "1.0", "oneroster.version": version}
            present = set(files) | {n.removesuffix(".csv") for n in extra or {}}
            for name in HEADERS:
                manifest[f"file.{name}"] = mode if name in present else "absent"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            if manifest is not False:
                archive.writestr(
                    "manifest.csv",
                    csv_text(
                        ["propertyName", "value"],
                        [{"propertyName": k, "value": v} for k, v in manifest.items()],
                    ),
                )
            for name, rows in files.items():
                # The standard columns, less any that no row uses (a test dropped it).
                header = [h for h in HEADERS[name] if not rows or any(h in r for r in rows)]
                rows = [{k: v for k, v in row.items() if k in header} for row in rows]
                archive.writestr(f"{name}.csv", csv_text(header, rows))
            for name, text in (extra or {}).items():
                archive.writestr(name, text)
        return path

    return _make


# fmt: off
def template_rows() -> list[dict]:
    """Two students of one school in two classes; Ana has two guardians."""
    base = {"grade": "7", "class_code": "ADV7A", "class_title": "Advisory 7-A",
            "teacher_email": "tara@lincoln.example", "teacher_given_name": "Tara",
            "teacher_family_name": "Lind"}
    ana = {"student_id": "1001", "given_name": "Ana", "family_name": "Lopez",
           "preferred_name": "Anita", "date_of_birth": "2013-04-21", "preferred_language": "es"}
    ben = {"student_id": "1002", "given_name": "Ben", "family_name": "Kim", "grade": "KG",
           "preferred_language": ""}
    mother = {"guardian_email": "maria@family.example", "guardian_given_name": "María",
              "guardian_family_name": "Lopez", "guardian_relationship": "mother",
              "guardian_language": "es"}
    step = {"guardian_email": "sam@family.example", "guardian_given_name": "Sam",
            "guardian_family_name": "Lopez", "guardian_relationship": "other",
            "guardian_may_consent": "no"}
    return [
        {**base, **ana, **mother},
        {**base, **ana, **step},
        {**base, **ben},
        {**ana, "grade": "7", "class_code": "HLT7", "class_title": "Health 7"},
    ]


# fmt: on


@pytest.fixture
def make_template(tmp_path):
    """make_template(rows, kind="xlsx"|"csv", columns=COLUMN_NAMES) → path."""
    counter = iter(range(1000))

    def _make(rows, *, kind="xlsx", columns=COLUMN_NAMES):
        path = tmp_path / f"template-{next(counter)}.{kind}"
        if kind == "csv":
            path.write_text(
                csv_text(
                    list(columns), [{k: v for k, v in r.items() if k in columns} for r in rows]
                ),
                encoding="utf-8-sig",
            )
            return path
        book = Workbook()
        sheet = book.active
        sheet.title = "Roster"
        sheet.append(list(columns))
        for row in rows:
            sheet.append([row.get(c, "") or None for c in columns])
        book.save(path)
        return path

    return _make


ROSTER_MODELS = (
    School,
    AcademicTerm,
    Class,
    Student,
    Enrollment,
    GuardianLink,
    User,
    ClassUserObjectPermission,
)


@pytest.fixture
def table_counts():
    """table_counts() → {model name: row count}, to show that nothing was written."""

    def _counts():
        return {model.__name__: model.objects.count() for model in ROSTER_MODELS}

    return _counts
