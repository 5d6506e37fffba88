"""OneRoster 1.1 CSV files: their columns, and each row parsed into a plain record.

The same parser serves both passes: the validation pass keeps only the errors and the ids,
the write pass turns the records into model rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.roster.importing.parsing import (
    FALSE_WORDS,
    TRUE_WORDS,
    parse_grade,
    split_ids,
)
from schoolwell.roster.importing.rowreader import RowReader, plausible_birth_date
from schoolwell.roster.models import AcademicTerm, Class, School, Student

COMMON = ("sourcedId", "status", "dateLastModified")


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


# Required columns are the ones SchoolWell needs; other 1.1 columns are read when present,
# and columns we do not know are ignored (real exports add their own).
FILES = {
    spec.name: spec
    for spec in (
        FileSpec(
            "orgs",
            (*COMMON, "name", "type", "identifier", "parentSourcedId"),
            ("sourcedId", "name", "type"),
        ),
        FileSpec(
            "academicSessions",
            (*COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
            ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
        ),
        FileSpec("courses", (*COMMON, "title", "courseCode", "orgSourcedId"), ("sourcedId",)),
        FileSpec(
            "classes",
            (
                *COMMON,
                "title",
                "grades",
                "courseSourcedId",
                "classCode",
                "classType",
                "schoolSourcedId",
                "termSourcedIds",
            ),
            ("sourcedId", "title", "schoolSourcedId", "termSourcedIds"),
        ),
        FileSpec(
            "users",
            (
                *COMMON,
                "enabledUser",
                "orgSourcedIds",
                "role",
                "username",
                "givenName",
                "familyName",
                "identifier",
                "email",
                "sms",
                "phone",
                "agentSourcedIds",
                "grades",
                "preferredFirstName",
            ),
            ("sourcedId", "orgSourcedIds", "role", "givenName", "familyName"),
        ),
        FileSpec(
            "enrollments",
            (
                *COMMON,
                "classSourcedId",
                "schoolSourcedId",
                "userSourcedId",
                "role",
                "beginDate",
                "endDate",
            ),
            ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
        ),
        FileSpec("demographics", (*COMMON, "birthDate"), ("sourcedId",)),
    )
}
REQUIRED_FILES = ("orgs", "academicSessions", "classes", "users", "enrollments")

STATUS = {"active": False, "tobedeleted": True}
ORG_TYPES = {
    t.lower(): t for t in ("district", "school", "department", "local", "state", "national")
}
TERM_KINDS = {k.value.lower(): k.value for k in AcademicTerm.Kind}
STUDENT = "student"
GUARDIAN_ROLES = {"guardian", "parent", "relative"}
STAFF_ROLES = {"teacher", "administrator"}
# Aides and proctors are known (references to them are valid) but get no account: they
# have no role in SchoolWell.
IGNORED_ROLES = {"aide", "proctor"}
USER_ROLES = {r: r for r in {STUDENT, *GUARDIAN_ROLES, *STAFF_ROLES, *IGNORED_ROLES}}
ENROLLMENT_ROLES = {r: r for r in ("student", "teacher", "administrator", "aide", "proctor")}


def _max(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def _common(r: RowReader) -> dict:
    r.datetime("dateLastModified")
    return {
        "sid": r.text("sourcedId", required=True, max_length=255),
        "deleted": bool(r.choice("status", STATUS, required=False)),
    }


def org_record(r: RowReader) -> dict:
    return {
        **_common(r),
        "name": r.text("name", required=True, max_length=_max(School, "name")),
        "type": r.choice("type", ORG_TYPES),
        "identifier": r.text("identifier"),
        "parent": r.text("parentSourcedId"),
    }


def term_record(r: RowReader) -> dict:
    record = {
        **_common(r),
        "title": r.text("title", required=True, max_length=_max(AcademicTerm, "title")),
        "kind": r.choice("type", TERM_KINDS),
        "start_date": r.date("startDate", required=True),
        "end_date": r.date("endDate", required=True),
        "parent": r.text("parentSourcedId"),
        "school_year": None,
    }
    year = r.text("schoolYear", required=True)
    if year and not (year.isdigit() and len(year) == 4):
        r.error("schoolYear", _("“%(value)s” is not a year (YYYY).") % {"value": year})
    elif year:
        record["school_year"] = int(year)
    if record["start_date"] and record["end_date"] and record["end_date"] < record["start_date"]:
        r.error("endDate", _("The end date is before the start date."))
    return record


def class_record(r: RowReader) -> dict:
    grades = split_ids(r.text("grades"))
    for grade in grades:
        r.parsed("grades", parse_grade, value=grade)
    return {
        **_common(r),
        "title": r.text("title", required=True, max_length=_max(Class, "title")),
        "class_code": r.text("classCode", max_length=_max(Class, "class_code")),
        "grades": ",".join(grades)[: _max(Class, "grades")],
        "school": r.text("schoolSourcedId", required=True),
        "terms": split_ids(r.text("termSourcedIds", required=True)),
        "course": r.text("courseSourcedId"),
    }


def _user_careful(r: RowReader) -> dict:
    role = r.choice("role", USER_ROLES)
    record = {
        **_common(r),
        "role": role,
        "given_name": r.text("givenName", required=True, max_length=_max(Student, "given_name")),
        "family_name": r.text("familyName", required=True, max_length=_max(Student, "family_name")),
        "preferred_name": r.text("preferredFirstName", max_length=_max(Student, "preferred_name")),
        "orgs": split_ids(r.text("orgSourcedIds", required=True)),
        "agents": split_ids(r.text("agentSourcedIds")),
        "enabled": r.boolean("enabledUser", default=True),
        "email": r.text("email", max_length=_max(User, "email")),
        "phone": r.text("phone") or r.text("sms"),
        "username": "",
        "local_id": "",
        "grade": None,
    }
    if role == STUDENT:
        grades = split_ids(r.text("grades"))
        if not grades:
            r.error("grades", _("A student needs a grade."))
        else:
            record["grade"] = r.parsed("grades", parse_grade, value=grades[0])
        local_id = r.text("identifier") or r.text("username") or record["sid"]
        if len(local_id) > _max(Student, "local_id"):
            r.error("identifier", _("Too long for a student ID (at most 64 characters)."))
        record["local_id"] = local_id[: _max(Student, "local_id")]
    elif role in GUARDIAN_ROLES | STAFF_ROLES:
        username = r.text("username") or record["email"].lower()
        if not username:
            r.error("username", _("A username or an email address is required."))
        elif len(username) > _max(User, "username"):
            r.error("username", _("Too long (at most 150 characters)."))
        record["username"] = username
        if len(record["phone"]) > _max(User, "phone"):
            r.error("phone", _("Too long (at most 32 characters)."))
    return record


def _enrollment_careful(r: RowReader) -> dict:
    record = {
        **_common(r),
        "klass": r.text("classSourcedId", required=True),
        "school": r.text("schoolSourcedId", required=True),
        "user": r.text("userSourcedId", required=True),
        "role": r.choice("role", ENROLLMENT_ROLES),
        "begin_date": r.date("beginDate"),
        "end_date": r.date("endDate"),
    }
    if record["begin_date"] and record["end_date"] and record["end_date"] < record["begin_date"]:
        r.error("endDate", _("The end date is before the begin date."))
    return record


# users.csv, enrollments.csv and demographics.csv hold ~95 % of a district's rows. Their
# rows are read by plain dictionary look-ups first, which vouch only for a row whose every
# cell is plainly valid; any other row (a missing value, a bad date, an unknown role…)
# raises one of these and is read again by the careful functions, which name each problem.
# Either way the record is the same.
_UNUSUAL = (LookupError, ValueError)
_BOOLS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
SID_MAX = 255
GIVEN_MAX = _max(Student, "given_name")
FAMILY_MAX = _max(Student, "family_name")
PREFERRED_MAX = _max(Student, "preferred_name")
LOCAL_ID_MAX = _max(Student, "local_id")
EMAIL_MAX = _max(User, "email")
USERNAME_MAX = _max(User, "username")
PHONE_MAX = _max(User, "phone")


def _quick_common(row: dict) -> dict:
    modified = row.get("dateLastModified")
    if modified:
        dt.datetime.fromisoformat(modified)
    sid = row["sourcedId"]
    if not sid or len(sid) > SID_MAX:
        raise ValueError
    status = row.get("status")
    return {"sid": sid, "deleted": STATUS[status.lower()] if status else False}


def _quick_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _user_quick(row: dict) -> dict:
    get = row.get
    role = USER_ROLES[row["role"].lower()]
    given, family, orgs = row["givenName"], row["familyName"], row["orgSourcedIds"]
    preferred, email = get("preferredFirstName") or "", get("email") or ""
    if not (given and family and orgs) or (
        len(given) > GIVEN_MAX
        or len(family) > FAMILY_MAX
        or len(preferred) > PREFERRED_MAX
        or len(email) > EMAIL_MAX
    ):
        raise ValueError
    enabled = get("enabledUser")
    record = {
        **_quick_common(row),
        "role": role,
        "given_name": given,
        "family_name": family,
        "preferred_name": preferred,
        "orgs": split_ids(orgs),
        "agents": split_ids(get("agentSourcedIds") or ""),
        "enabled": _BOOLS[enabled.lower()] if enabled else True,
        "email": email,
        "phone": get("phone") or get("sms") or "",
        "username": "",
        "local_id": "",
        "grade": None,
    }
    if role == STUDENT:
        record["grade"] = parse_grade(split_ids(get("grades") or "")[0])
        local_id = get("identifier") or get("username") or record["sid"]
        if len(local_id) > LOCAL_ID_MAX:
            raise ValueError
        record["local_id"] = local_id
    elif role in GUARDIAN_ROLES | STAFF_ROLES:
        username = get("username") or email.lower()
        if not username or len(username) > USERNAME_MAX or len(record["phone"]) > PHONE_MAX:
            raise ValueError
        record["username"] = username
    return record


def _enrollment_quick(row: dict) -> dict:
    klass, school, user = row["classSourcedId"], row["schoolSourcedId"], row["userSourcedId"]
    begin, end = _quick_date(row.get("beginDate")), _quick_date(row.get("endDate"))
    if not (klass and school and user) or (begin and end and end < begin):
        raise ValueError
    return {
        **_quick_common(row),
        "klass": klass,
        "school": school,
        "user": user,
        "role": ENROLLMENT_ROLES[row["role"].lower()],
        "begin_date": begin,
        "end_date": end,
    }


def user_record(r: RowReader) -> dict:
    try:
        return _user_quick(r.row)
    except _UNUSUAL:
        return _user_careful(r)


def enrollment_record(r: RowReader) -> dict:
    try:
        return _enrollment_quick(r.row)
    except _UNUSUAL:
        return _enrollment_careful(r)


def _demographic_quick(row: dict, today: dt.date) -> dict:
    born = _quick_date(row.get("birthDate"))
    if born and not plausible_birth_date(born, today):
        raise ValueError
    return {**_quick_common(row), "birth_date": born}


def demographic_record(r: RowReader, *, today: dt.date) -> dict:
    """`today`: the school's date, which a birth date must not pass (asked once per file:
    asking per row was a third of the file's time)."""
    try:
        return _demographic_quick(r.row, today)
    except _UNUSUAL:
        return {**_common(r), "birth_date": r.birth_date("birthDate")}
