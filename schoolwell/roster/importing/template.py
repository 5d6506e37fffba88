"""Import of the SchoolWell roster template into one school (XLSX or CSV).

Students are matched by student_id within the school, classes by class_code, teachers and
guardians by email, so importing the same file twice changes nothing. Like OneRoster, the
file is checked whole first and rejected with every row's error before anything is written.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.roster.importing.errors import ErrorLog, ImportRejected, ImportResult, KindCounts
from schoolwell.roster.importing.limits import import_budget
from schoolwell.roster.importing.parsing import chunks
from schoolwell.roster.importing.rowreader import RowReader
from schoolwell.roster.importing.scope import accounts_beyond
from schoolwell.roster.importing.template_rows import template_record, template_rows
from schoolwell.roster.importing.writer import Upserter, guarded_write, unusable_password
from schoolwell.roster.models import Class, Enrollment, GuardianLink, School, Student
from schoolwell.roster.services import class_teachers_add_many, districts_consent_changed

logger = logging.getLogger(__name__)

STUDENT_FIELDS = ("given_name", "family_name", "preferred_name", "grade", "date_of_birth")


def roster_import_template(
    *, path: str | Path, school: School, by: User | None, dry_run: bool = False
) -> ImportResult:
    """Import a filled-in template into `school`; `by` None is the command line."""
    limits = None
    if by is not None:
        if not gate.may(by, "roster.import", school):
            raise ImportRejected.single(_("You do not administer this school."))
        district_ids = gate.district_ids(by)
        if district_ids is not None:  # None: a superuser, every district
            limits = {
                "school_ids": gate.school_ids(by, "roster.import"),
                "district_ids": district_ids,
            }
    path = Path(path)
    errors = ErrorLog()
    result = ImportResult(format="template", dry_run=dry_run)
    # The whole file is checked before the write transaction opens: on SQLite that
    # transaction holds the database's only write lock, which other users' pages wait for.
    with import_budget():
        columns = _check(path, school, errors, limits)
    errors.raise_if_any()
    with import_budget(timed=False), transaction.atomic():
        # One import per school at a time (PostgreSQL; SQLite serialises writers anyway).
        School.objects.select_for_update().filter(pk=school.pk).first()
        with guarded_write():
            _write(path, school, columns, result, limits)
        if dry_run:
            transaction.set_rollback(True)
        else:
            # A student may have come from (or moved to) another school of the district.
            districts_consent_changed(district_ids=[school.district_id])
    logger.info("roster template import into %s: %s", school.code, result.log_line())
    return result


def _check(path: Path, school: School, errors: ErrorLog, limits: dict | None) -> set[str]:
    """Pass 1: every row valid, every repeated student/class/person consistent, and (for an
    administrator, `limits` set) no row naming an account beyond what they administer."""
    students: dict[str, tuple] = {}
    classes: dict[str, str] = {}
    people: dict[str, tuple] = {}
    columns: set[str] = set()
    duplicate_codes = _duplicate_class_codes(school)
    for batch in chunks(template_rows(path, errors)):
        records = [(r, template_record(r)) for r in batch]
        columns |= set(batch[0].row)
        accounts = _accounts_by_email(
            {p["email"] for _r, rec in records for p in (rec["teacher"], rec["guardian"]) if p}
        )
        ambiguous = {email for email, pks in accounts.items() if len(pks) > 1}
        beyond = _emails_beyond(records, accounts, limits) if limits else {}
        for r, rec in records:
            if r.ok:  # a half-read row would make every later row of the student "differ"
                student = tuple(rec[f] for f in STUDENT_FIELDS)
                _agree(r, students, rec["student_id"], student, "student_id")
            _agree(r, classes, rec["class_code"], rec["class_title"], "class_title")
            if rec["class_code"] in duplicate_codes:
                r.error("class_code", _("Two classes of this school already have this code."))
            for prefix in ("teacher", "guardian"):
                person = rec[prefix]
                if not person:
                    continue
                key = (person["given_name"], person["family_name"])
                _agree(r, people, person["email"], key, f"{prefix}_given_name")
                if person["email"] in ambiguous:
                    r.error(
                        f"{prefix}_email",
                        _("Several SchoolWell accounts have this email address."),
                    )
                elif person["email"] in beyond.get(prefix, ()):
                    r.error(f"{prefix}_email", BEYOND_MESSAGES[prefix])
    if not students and not errors:
        errors.add(path.name, None, "", _("The file has no rows to import."))
    return columns


def _agree(r: RowReader, seen: dict, key, value, column: str) -> None:
    if not key:
        return
    if seen.setdefault(key, value) != value:
        r.error(column, _("This differs from an earlier row for “%(key)s”.") % {"key": key})


def _duplicate_class_codes(school: School) -> set[str]:
    codes = list(school.classes.exclude(class_code="").values_list("class_code", flat=True))
    return {code for code in codes if codes.count(code) > 1}


def _accounts_by_email(emails: set[str]) -> dict[str, set[int]]:
    """email → ids of the accounts the writer would match (by username, else by email)."""
    if not emails:
        return {}
    found: dict[str, set[int]] = {
        username: {pk}
        for username, pk in User.objects.filter(username__in=emails).values_list("username", "pk")
    }
    for address, pk in (
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=emails - found.keys())
        .values_list("address", "pk")
    ):
        found.setdefault(address, set()).add(pk)
    return found


# Issue 10: an administrator's file may create people and link them to their own school's
# students and classes, never take over an account that reaches further.
BEYOND_MESSAGES = {
    "guardian": gettext_lazy(
        "This email address belongs to a staff account or to a guardian at another school; "
        "it cannot be linked as a guardian here. Use the guardian's own email address."
    ),
    "teacher": gettext_lazy(
        "This email address belongs to an account with rights beyond the schools you "
        "administer; ask a district administrator to import it."
    ),
}


def _emails_beyond(records, accounts: dict[str, set[int]], limits: dict) -> dict[str, set[str]]:
    beyond = {}
    for prefix in ("teacher", "guardian"):
        emails = {rec[prefix]["email"] for _r, rec in records if rec[prefix]}
        ids = {pk for email in emails for pk in accounts.get(email, ())}
        foreign = accounts_beyond(ids, as_guardian=prefix == "guardian", **limits)
        beyond[prefix] = {email for email in emails if accounts.get(email, set()) & foreign}
    return beyond


class _Writer:
    def __init__(
        self, school: School, columns: set[str], result: ImportResult, limits: dict | None
    ) -> None:
        self.school = school
        self.result = result
        self.limits = limits
        optional = [
            f for f in ("preferred_name", "date_of_birth", "preferred_language") if f in columns
        ]
        self.students = Upserter(
            Student,
            key=("school", "local_id"),
            fields=("given_name", "family_name", "grade", "active", *optional),
            counts=result.kind("students"),
            active_field="active",
        )
        self.enrollments = Upserter(
            Enrollment,
            key=("student", "klass"),
            fields=("active",),
            counts=result.kind("enrollments"),
            active_field="active",
        )
        self.links = Upserter(
            GuardianLink,
            key=("guardian", "student"),
            fields=("relationship", "may_consent"),
            counts=result.kind("guardian_links"),
        )
        self.class_pks: dict[str, int] = {}
        self.done_students: set[str] = set()
        self.done_people: dict[str, int] = {}
        self.done_enrollments: set[tuple[int, int]] = set()

    def classes(self, titles: dict[str, str]) -> None:
        """Classes of one school are few: matched by code, created or renamed one by one."""
        counts = self.result.kind("classes")
        existing = {k.class_code: k for k in self.school.classes.filter(class_code__in=titles)}
        for code, title in titles.items():
            klass = existing.get(code)
            if klass is None:
                klass = Class.objects.create(school=self.school, class_code=code, title=title)
                counts.created += 1
            elif klass.title != title or not klass.active:
                klass.title, klass.active = title, True
                klass.save(update_fields=["title", "active"])
                counts.updated += 1
            else:
                counts.unchanged += 1
            self.class_pks[code] = klass.pk

    def batch(self, records: list[dict]) -> None:
        new = {
            rec["student_id"]: rec for rec in records if rec["student_id"] not in self.done_students
        }
        written = self.students.write(
            dict(
                school_id=self.school.pk,
                local_id=local_id,
                given_name=rec["given_name"],
                family_name=rec["family_name"],
                preferred_name=rec["preferred_name"],
                grade=rec["grade"],
                date_of_birth=rec["date_of_birth"],
                preferred_language=rec["preferred_language"],
                active=True,
            )
            for local_id, rec in new.items()
        )
        self.done_students |= new.keys()
        student_pks = {local_id: pk for (_school, local_id), pk in written.items()}
        repeated = {rec["student_id"] for rec in records} - student_pks.keys()
        student_pks.update(
            Student.objects.filter(school=self.school, local_id__in=repeated).values_list(
                "local_id", "pk"
            )
        )
        pairs = {
            (student_pks[rec["student_id"]], self.class_pks[rec["class_code"]]) for rec in records
        }
        self.enrollments.write(
            dict(student_id=s, klass_id=c, active=True) for s, c in pairs - self.done_enrollments
        )
        self.done_enrollments |= pairs
        teachers = self.people("teachers", [rec["teacher"] for rec in records if rec["teacher"]])
        guardians = self.people(
            "guardians", [rec["guardian"] for rec in records if rec["guardian"]]
        )
        grants = {
            (teachers[rec["teacher"]["email"]], self.class_pks[rec["class_code"]])
            for rec in records
            if rec["teacher"]
        }
        created = class_teachers_add_many(pairs=grants)
        teaching = self.result.kind("teaching")
        teaching.created += created
        teaching.unchanged += len(grants) - created
        self.links.write(
            dict(
                guardian_id=guardians[rec["guardian"]["email"]],
                student_id=student_pks[rec["student_id"]],
                relationship=rec["guardian"]["relationship"],
                may_consent=rec["guardian"]["may_consent"],
            )
            for rec in records
            if rec["guardian"]
        )

    def people(self, kind: str, people: list[dict]) -> dict[str, int]:
        """email → user id, creating or renaming accounts (matched by username, then email)."""
        counts: KindCounts = self.result.kind(kind)
        wanted = {p["email"]: p for p in people if p["email"] not in self.done_people}
        if wanted:
            found = {u.username: u for u in User.objects.filter(username__in=wanted)}
            for user in User.objects.annotate(address=Lower("email")).filter(
                address__in=wanted.keys() - found.keys()
            ):
                found[user.email.lower()] = user
            if self.limits:
                # Checked again under the write lock: a grant given since pass 1 must not
                # let this file rename or link the account after all.
                beyond = accounts_beyond(
                    {u.pk for u in found.values()}, as_guardian=kind == "guardians", **self.limits
                )
                if beyond:
                    raise ImportRejected.single(
                        BEYOND_MESSAGES["guardian" if kind == "guardians" else "teacher"]
                    )
            new, changed = [], []
            for email, person in wanted.items():
                user = found.get(email)
                if user is None:
                    new.append(
                        User(
                            username=email,
                            email=email,
                            first_name=person["given_name"],
                            last_name=person["family_name"],
                            preferred_language=person.get("language", "en"),
                            # Imported people set their own password through "forgot password".
                            password=unusable_password(),
                        )
                    )
                elif (user.first_name, user.last_name) != (
                    person["given_name"],
                    person["family_name"],
                ):
                    user.first_name, user.last_name = person["given_name"], person["family_name"]
                    changed.append(user)
                else:
                    counts.unchanged += 1
            User.objects.bulk_create(new)
            User.objects.bulk_update(changed, ["first_name", "last_name"])
            counts.created += len(new)
            counts.updated += len(changed)
            self.done_people.update(
                User.objects.filter(username__in=[u.username for u in new]).values_list(
                    "username", "pk"
                )
            )
            self.done_people.update((email, found[email].pk) for email in wanted if email in found)
        return self.done_people

    def absent(self) -> None:
        active_students = Student.objects.filter(school=self.school, active=True).count()
        self.result.kind("students").absent = active_students - len(self.done_students)
        active_enrollments = Enrollment.objects.filter(
            klass__school=self.school, active=True
        ).count()
        self.result.kind("enrollments").absent = active_enrollments - len(self.done_enrollments)


def _write(
    path: Path, school: School, columns: set[str], result: ImportResult, limits: dict | None
) -> None:
    """Pass 2: classes first (few, gathered in one read), then rows in batches."""
    errors = ErrorLog()  # the file was checked; nothing can be reported now
    titles = {}
    for r in template_rows(path, errors):
        titles.setdefault(r.text("class_code"), r.text("class_title"))
    writer = _Writer(school, columns, result, limits)
    writer.classes(titles)
    for batch in chunks(template_rows(path, errors)):
        writer.batch([template_record(r) for r in batch])
    writer.absent()
