"""OneRoster pass 2: write a validated file in batches, inside the caller's transaction.

Nothing is ever hard-deleted: `tobedeleted` students and classes become inactive,
enrollments inactive, and only grants (teaching, administration, guardian links) are
withdrawn. Rows of a bulk file that SchoolWell has but the file does not mention are left
as they are and counted as "absent".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.text import slugify

from schoolwell.accounts.models import User
from schoolwell.roster.importing.errors import ErrorLog, ImportResult
from schoolwell.roster.importing.oneroster_check import Catalogue
from schoolwell.roster.importing.oneroster_files import OneRosterZip
from schoolwell.roster.importing.oneroster_grants import GrantWriter
from schoolwell.roster.importing.oneroster_rows import (
    GUARDIAN_ROLES,
    STAFF_ROLES,
    STUDENT,
    class_record,
    enrollment_record,
    org_record,
    term_record,
    user_record,
)
from schoolwell.roster.importing.parsing import chunks
from schoolwell.roster.importing.scope import ImportScope
from schoolwell.roster.importing.writer import Upserter, unusable_password
from schoolwell.roster.models import (
    AcademicTerm,
    Class,
    ClassUserObjectPermission,
    District,
    Enrollment,
    School,
    Student,
)
from schoolwell.roster.services import (
    class_teachers_remove_many,
    guardian_links_remove_many,
)

USER_KINDS = {"teacher": "teachers", "administrator": "administrators"}


class OneRosterWrite(GrantWriter):
    def __init__(
        self, source: OneRosterZip, scope: ImportScope, cat: Catalogue, result: ImportResult
    ) -> None:
        self.source = source
        self.scope = scope
        self.district = scope.district
        self.cat = cat
        self.result = result
        # The file was validated: errors cannot occur now, this log only satisfies the reader.
        self.errors = ErrorLog()
        self.school_pks: dict[str, int] = {}
        self.term_pks: dict[str, int] = {}
        # In-scope active rows the file holds, to count the absent ones of bulk files.
        self.seen = {"classes": 0, "students": 0, "enrollments": 0}

    def run(self) -> None:
        self._orgs()
        self._terms()
        self._classes()
        self._users()
        self._guardian_links()
        self._enrollments()
        self._absent()

    def _org_records(self) -> Iterable[dict]:
        return (org_record(r) for r in self.source.rows("orgs", self.errors))

    def _term_records(self) -> Iterable[dict]:
        return (term_record(r) for r in self.source.rows("academicSessions", self.errors))

    def _orgs(self) -> None:
        counts = self.result.kind("schools")
        if self.cat.district_sid and not self.district.sourced_id:
            District.objects.filter(pk=self.district.pk).update(sourced_id=self.cat.district_sid)
        for rec in self._org_records():
            if rec["type"] != "school":
                continue
            school = School.objects.filter(sourced_id=rec["sid"]).first()
            if school is None:
                School.objects.create(
                    district=self.district,
                    sourced_id=rec["sid"],
                    name=rec["name"],
                    code=_unique_code(rec["identifier"] or rec["name"]),
                )
                counts.created += 1
            elif school.name != rec["name"]:
                school.name = rec["name"]
                school.save(update_fields=["name"])
                counts.updated += 1
            else:
                counts.unchanged += 1
        self.school_pks = dict(
            School.objects.filter(district=self.district, sourced_id__isnull=False).values_list(
                "sourced_id", "pk"
            )
        )

    def _terms(self) -> None:
        upsert = Upserter(
            AcademicTerm,
            key=("sourced_id",),
            fields=("district", "title", "kind", "start_date", "end_date", "school_year"),
            counts=self.result.kind("terms"),
        )
        parents = {}
        for records in chunks(self._term_records()):
            upsert.write(
                dict(
                    district_id=self.district.pk,
                    sourced_id=rec["sid"],
                    title=rec["title"],
                    kind=rec["kind"],
                    start_date=rec["start_date"],
                    end_date=rec["end_date"],
                    school_year=rec["school_year"],
                )
                for rec in records
            )
            parents.update((rec["sid"], rec["parent"]) for rec in records)
        self.term_pks = dict(
            AcademicTerm.objects.filter(
                district=self.district, sourced_id__isnull=False
            ).values_list("sourced_id", "pk")
        )
        # Terms are few (a school year, its semesters, grading periods): one pass each.
        for term in AcademicTerm.objects.filter(sourced_id__in=parents):
            parent_id = self.term_pks.get(parents[term.sourced_id])
            if term.parent_id != parent_id:
                term.parent_id = parent_id
                term.save(update_fields=["parent"])

    def _classes(self) -> None:
        upsert = Upserter(
            Class,
            key=("sourced_id",),
            fields=("school", "term", "title", "class_code", "grades", "active"),
            counts=self.result.kind("classes"),
            active_field="active",
        )
        for batch in chunks(self.source.rows("classes", self.errors)):
            records = [class_record(r) for r in batch]
            ids = upsert.write(
                dict(
                    school_id=self.school_pks[rec["school"]],
                    term_id=self.term_pks[rec["terms"][0]],
                    sourced_id=rec["sid"],
                    title=rec["title"],
                    class_code=rec["class_code"],
                    grades=rec["grades"],
                    active=not rec["deleted"],
                )
                for rec in records
            )
            self.seen["classes"] += sum(
                1
                for rec in records
                if not rec["deleted"] and rec["school"] in self.cat.file_school_sids
            )
            # A class that ends takes its teachers' access with it.
            deleted = [ids[rec["sid"]] for rec in records if rec["deleted"]]
            self.result.kind("teaching").deactivated += class_teachers_remove_many(
                class_ids=deleted
            )

    def _users(self) -> None:
        header = self.source.header("users")
        # Optional columns the file lacks leave what SchoolWell holds untouched.
        optional = {"preferredFirstName": "preferred_name", "email": "email"}
        present = {field for column, field in optional.items() if column in header}
        if self.source.has("demographics"):
            present.add("date_of_birth")
        students = Upserter(
            Student,
            key=("sourced_id",),
            fields=(
                "school",
                "local_id",
                "given_name",
                "family_name",
                "grade",
                "active",
                *sorted(present & {"preferred_name", "date_of_birth"}),
            ),
            counts=self.result.kind("students"),
            active_field="active",
        )
        accounts = {
            kind: Upserter(
                User,
                key=("sourced_id",),
                fields=("username", "first_name", "last_name", "is_active", *(present & {"email"})),
                counts=self.result.kind(kind),
                active_field="is_active",
                # Imported people set their own password through "forgot password".
                on_create={"password": unusable_password},
            )
            for kind in ("teachers", "administrators", "guardians")
        }
        for batch in chunks(self.source.rows("users", self.errors)):
            records = [user_record(r) for r in batch]
            self._students(students, [rec for rec in records if rec["role"] == STUDENT])
            for kind, upsert in accounts.items():
                self._accounts(kind, upsert, [rec for rec in records if _kind(rec) == kind])

    def _students(self, upsert: Upserter, records: list[dict]) -> None:
        for rec in records:
            rec["school"] = next(o for o in rec["orgs"] if self.cat.orgs.get(o) == "school")
        ids = upsert.write(
            dict(
                school_id=self.school_pks[rec["school"]],
                sourced_id=rec["sid"],
                local_id=rec["local_id"],
                given_name=rec["given_name"],
                family_name=rec["family_name"],
                preferred_name=rec["preferred_name"],
                grade=rec["grade"],
                date_of_birth=self.cat.birth_dates.get(rec["sid"]),
                active=not rec["deleted"],
            )
            for rec in records
        )
        self.seen["students"] += sum(
            1
            for rec in records
            if not rec["deleted"] and rec["school"] in self.cat.file_school_sids
        )
        # A student who leaves is kept (never hard-deleted) but leaves their classes too,
        # so their teachers no longer see them.
        deleted = [ids[rec["sid"]] for rec in records if rec["deleted"]]
        if deleted:
            self.result.kind("enrollments").deactivated += Enrollment.objects.filter(
                student_id__in=deleted, active=True
            ).update(active=False)

    def _accounts(self, kind: str, upsert: Upserter, records: list[dict]) -> None:
        if not records:
            return
        ids = upsert.write(
            dict(
                sourced_id=rec["sid"],
                username=rec["username"],
                first_name=rec["given_name"],
                last_name=rec["family_name"],
                email=rec["email"],
                is_active=rec["enabled"] and not rec["deleted"],
            )
            for rec in records
        )
        deleted = [ids[rec["sid"]] for rec in records if rec["deleted"]]
        if kind == "guardians" and deleted:
            self.result.kind("guardian_links").deactivated += guardian_links_remove_many(
                guardian_ids=deleted, district=self.district
            )
        if kind == "teachers" and deleted:
            grants = ClassUserObjectPermission.objects.filter(
                user_id__in=deleted,
                content_object__school__district=self.district,
                permission__codename="teach_class",
            ).values_list("user_id", "content_object_id")
            self.result.kind("teaching").deactivated += class_teachers_remove_many(
                pairs=list(grants)
            )
        if kind == "administrators":
            for user in User.objects.filter(pk__in=ids.values()):
                self._admin_roles(user, next(r for r in records if r["sid"] == user.sourced_id))

    def _enrollments(self) -> None:
        upsert = Upserter(
            Enrollment,
            key=("sourced_id",),
            fields=("student", "klass", "begin_date", "end_date", "active"),
            counts=self.result.kind("enrollments"),
            active_field="active",
        )
        for batch in chunks(self.source.rows("enrollments", self.errors)):
            records = [enrollment_record(r) for r in batch]
            classes = dict(
                Class.objects.filter(
                    school__district=self.district, sourced_id__in={rec["klass"] for rec in records}
                ).values_list("sourced_id", "pk")
            )
            students = [rec for rec in records if rec["role"] == STUDENT]
            teachers = [rec for rec in records if rec["role"] == "teacher"]
            student_pks = dict(
                Student.objects.filter(
                    school__district=self.district, sourced_id__in={rec["user"] for rec in students}
                ).values_list("sourced_id", "pk")
            )
            upsert.write(
                dict(
                    student_id=student_pks[rec["user"]],
                    klass_id=classes[rec["klass"]],
                    sourced_id=rec["sid"],
                    begin_date=rec["begin_date"],
                    end_date=rec["end_date"],
                    active=not self._ended(rec),
                )
                for rec in students
            )
            self.seen["enrollments"] += sum(
                1
                for rec in students
                if not self._ended(rec)
                and self.cat.classes.get(rec["klass"]) in self.cat.file_school_sids
            )
            self._teaching(teachers, classes)

    def _ended(self, enrollment: dict) -> bool:
        """An enrollment ends with its own deletion, its person's or its class's: a row
        still marked active must not bring back access that a deletion withdrew."""
        return (
            enrollment["deleted"]
            or enrollment["user"] in self.cat.deleted_users
            or enrollment["klass"] in self.cat.deleted_classes
        )

    def _absent(self) -> None:
        schools = [self.school_pks[sid] for sid in self.cat.file_school_sids]
        in_scope = {
            "classes": Class.objects.filter(school_id__in=schools, active=True),
            "students": Student.objects.filter(school_id__in=schools, active=True),
            "enrollments": Enrollment.objects.filter(klass__school_id__in=schools, active=True),
        }
        for kind, queryset in in_scope.items():
            if self.source.is_bulk("users" if kind == "students" else kind):
                self.result.kind(kind).absent = queryset.count() - self.seen[kind]


def _kind(rec: dict) -> str | None:
    if rec["role"] in GUARDIAN_ROLES:
        return "guardians"
    return USER_KINDS.get(rec["role"]) if rec["role"] in STAFF_ROLES else None


def _unique_code(text: str) -> str:
    base = slugify(text)[:56] or "school"
    code, n = base, 1
    while School.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code
