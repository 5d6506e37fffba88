"""OneRoster pass 2 on PostgreSQL: set-based writes from the staging tables.

Pass 1 validated the file and staged every parsed row (`oneroster_stage`); here each kind
of row is written by one statement, an INSERT of the new rows and an UPDATE of the changed
ones, resolving sourcedIds to ids by joins. Rows that would not change are not touched (a
re-import writes nothing), and the counts — created, updated, deactivated, unchanged — are
the ones the batched writer reports.

The grants that decide who sees which child (teaching, administration, withdrawn guardian
links) still go through roster.services, fed with ids read by one query each.
"""

from __future__ import annotations

from django.db import connection, models
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.roster.importing.errors import ErrorLog, ImportResult, KindCounts
from schoolwell.roster.importing.oneroster_check import Catalogue
from schoolwell.roster.importing.oneroster_stage import CopyStage
from schoolwell.roster.importing.oneroster_write import OneRosterWrite
from schoolwell.roster.importing.scope import ImportScope
from schoolwell.roster.models import (
    Class,
    ClassUserObjectPermission,
    Enrollment,
    GuardianLink,
    Student,
)
from schoolwell.roster.services import (
    class_teachers_add_many,
    class_teachers_remove_many,
    guardian_links_remove_many,
)

# A password no one can sign in with (Django's "!" prefix), unique per row; imported
# people set their own through "forgot password".
UNUSABLE_PASSWORD_SQL = "'!' || md5(random()::text) || md5(random()::text)"
CLASS_FIELDS = ("school_id", "term_id", "title", "class_code", "grades", "active")
ACCOUNT_FIELDS = ("username", "first_name", "last_name", "is_active")


def upsert(
    cursor,
    model: type[models.Model],
    *,
    source: str,
    params: dict,
    key: tuple[str, ...],
    fields: tuple[str, ...],
    insert: tuple[str, ...],
    counts: KindCounts,
    active: str | None = None,
    on_create: dict[str, str] | None = None,
) -> None:
    """Upsert the rows `source` selects (columns named as the table's) into `model`.

    `insert` are the columns a new row takes from `source`, `fields` the ones compared and
    updated on an existing row (optional columns a file lacks are left as they are);
    columns neither names get the model's default, or an SQL expression from `on_create`.
    """
    table = model._meta.db_table
    on_create = on_create or {}
    defaults = {
        f.column: f.get_default()
        for f in model._meta.concrete_fields
        if not f.primary_key
        and f.column not in insert
        and f.column not in on_create
        and not (f.null and not f.has_default())
    }
    params = {**params, **{f"default_{column}": value for column, value in defaults.items()}}
    columns = (*insert, *on_create, *defaults)
    values = (
        *(f"src.{c}" for c in insert),
        *on_create.values(),
        *(f"%(default_{c})s" for c in defaults),
    )
    join = " AND ".join(f"t.{c} = src.{c}" for c in key)
    old_active = f"t.{active}" if active else "false"
    new_active = f"src.{active}" if active else "true"
    old_fields = ", ".join(f"t.{c}" for c in fields)
    # Identifiers come from model metadata and this module's constants; values are
    # always query parameters. Rows that would not change are left out (a re-import
    # writes nothing): `changed` holds exactly the rows to create (no row under the key)
    # and to update (one that differs, found by its id), and the counts are read from it.
    # New rows are a plain INSERT, not INSERT … ON CONFLICT: its speculative insertion
    # probed and confirmed each row's arbiter index on top of the insert itself, a third
    # more for 300,000 enrollments. A row under the key that another transaction commits
    # meanwhile (the district lock keeps only this district's imports out) now fails the
    # unique index, which rejects the import with nothing saved, instead of being taken
    # over.
    sql = f"""
        WITH src AS MATERIALIZED ({source}),
        changed AS MATERIALIZED (
            SELECT src.*, t.id AS old_id, t.id IS NULL AS new,
                t.id IS NOT NULL AND {old_active} AND NOT {new_active} AS off
            FROM src LEFT JOIN {table} t ON {join}
            WHERE t.id IS NULL
                OR ({old_fields}) IS DISTINCT FROM ({", ".join(f"src.{c}" for c in fields)})
        ),
        created AS (
            INSERT INTO {table} ({", ".join(columns)})
            SELECT {", ".join(values)} FROM changed src WHERE src.new
        ),
        updated AS (
            UPDATE {table} t SET {", ".join(f"{c} = src.{c}" for c in fields)}
            FROM changed src WHERE t.id = src.old_id
        )
        SELECT
            (SELECT count(*) FROM src),
            count(*) FILTER (WHERE new),
            count(*) FILTER (WHERE off),
            count(*) FILTER (WHERE NOT new AND NOT off)
        FROM changed
    """  # noqa: S608
    cursor.execute(sql, params)
    total, created, deactivated, updated = cursor.fetchone()
    counts.created += created
    counts.deactivated += deactivated
    counts.updated += updated
    counts.unchanged += total - created - deactivated - updated


def _found(cursor, sql: str, params: dict, errors: ErrorLog, file: str, column: str, message):
    """Add an error for each row `sql` returns: (row number, value for the message)."""
    cursor.execute(sql, params)
    for row, value in cursor.fetchall():
        errors.add(file, row, column, message() % {"value": value})


def check_staged(cursor, *, scope: ImportScope, errors: ErrorLog) -> None:
    """The checks of pass 1 that compare the file with the database, as set operations
    over the staged rows, with the same row-numbered messages as the batched check."""
    params = {"schools": list(scope.school_ids)}
    _found(
        cursor,
        """SELECT u.row, u.sid FROM import_users u
        JOIN roster_student s ON s.sourced_id = u.sid
        WHERE u.kind = 'students' AND u.school <> '' AND NOT s.school_id = ANY(%(schools)s)
        ORDER BY u.row""",
        params,
        errors,
        "users.csv",
        "sourcedId",
        lambda: _("This sourcedId belongs to a student of another school."),
    )
    _found(
        cursor,
        """SELECT u.row, u.local_id FROM import_users u
        JOIN roster_school sc ON sc.sourced_id = u.school
        JOIN roster_student s ON s.school_id = sc.id AND s.local_id = u.local_id
        WHERE u.kind = 'students' AND s.sourced_id IS DISTINCT FROM u.sid
        ORDER BY u.row""",
        params,
        errors,
        "users.csv",
        "identifier",
        lambda: _("Student ID “%(value)s” already belongs to another student of this school."),
    )
    _found(
        cursor,
        """SELECT u.row, u.username FROM import_users u
        JOIN accounts_user a ON a.username = u.username
        WHERE u.kind <> 'students' AND u.username <> ''
            AND a.sourced_id IS DISTINCT FROM u.sid
        ORDER BY u.row""",
        params,
        errors,
        "users.csv",
        "username",
        lambda: _("Username “%(value)s” already belongs to another SchoolWell account."),
    )
    if scope.district_wide:
        # (A school administrator's import walked the grants in pass 1: accounts_beyond.)
        _found(
            cursor,
            """SELECT u.row, u.sid FROM import_users u
            JOIN accounts_user a ON a.sourced_id = u.sid
            WHERE u.kind <> 'students' AND u.username <> ''
                AND (a.is_superuser OR a.is_staff)
            ORDER BY u.row""",
            params,
            errors,
            "users.csv",
            "sourcedId",
            lambda: _(
                "This account has rights beyond the schools you administer; ask a district "
                "administrator to import it."
            ),
        )
    cursor.execute(
        """SELECT e.row FROM import_enrollments e
        JOIN roster_enrollment x ON x.sourced_id = e.sid
        JOIN roster_class c ON c.id = x.klass_id
        WHERE e.role = 'student' AND NOT c.school_id = ANY(%(schools)s)
        ORDER BY e.row""",
        params,
    )
    for (row,) in cursor.fetchall():
        errors.add(
            "enrollments.csv",
            row,
            "sourcedId",
            _("This sourcedId belongs to an enrollment of another school."),
        )
    cursor.execute(
        """SELECT e.row FROM import_enrollments e
        JOIN roster_class c ON c.sourced_id = e.klass
        JOIN roster_student s ON s.sourced_id = e.user_sid
        JOIN roster_enrollment x ON x.klass_id = c.id AND x.student_id = s.id
        WHERE e.role = 'student' AND x.sourced_id IS DISTINCT FROM e.sid
        ORDER BY e.row"""
    )
    for (row,) in cursor.fetchall():
        errors.add(
            "enrollments.csv",
            row,
            "sourcedId",
            _("This student is already enrolled in this class under another sourcedId."),
        )


class OneRosterSqlWrite(OneRosterWrite):
    """Same steps and counts as OneRosterWrite; the rows come from the staging tables."""

    def __init__(
        self,
        stage: CopyStage,
        scope: ImportScope,
        cat: Catalogue,
        result: ImportResult,
        source,
    ) -> None:
        super().__init__(source, scope, cat, result)
        self.stage = stage
        self.params = {"district": self.district.pk}

    def run(self) -> None:
        with connection.cursor() as cursor:
            self.cursor = cursor
            super().run()

    def _analyze(self, model: type[models.Model], *kinds: str) -> None:
        """Refresh the planner's row counts of a table this import just filled: the later
        joins resolve sourcedIds against it, and a plan made for an empty table (a first
        import) would loop over every row for every row. Skipped when the import created
        none of these rows (a re-import): the counts have not moved."""
        if any(self.result.kind(kind).created for kind in kinds):
            self.cursor.execute(f"ANALYZE {model._meta.db_table}")

    def _ids(self, sql: str, **params) -> list:
        self.cursor.execute(sql, {**self.params, **params})
        return self.cursor.fetchall()

    # Orgs and terms are few: the batched writer, on the records pass 1 kept.
    def _org_records(self):
        return self.stage.orgs

    def _term_records(self):
        return self.stage.terms

    def _classes(self) -> None:
        upsert(
            self.cursor,
            Class,
            source="""
                SELECT sc.id AS school_id, te.id AS term_id, s.sid AS sourced_id, s.title,
                    s.class_code, s.grades, s.active
                FROM import_classes s
                JOIN roster_school sc ON sc.sourced_id = s.school AND sc.district_id = %(district)s
                JOIN roster_academicterm te
                    ON te.sourced_id = s.term AND te.district_id = %(district)s
            """,
            params=self.params,
            key=("sourced_id",),
            fields=CLASS_FIELDS,
            insert=("sourced_id", *CLASS_FIELDS),
            counts=self.result.kind("classes"),
            active="active",
        )
        self._analyze(Class, "classes")
        (self.seen["classes"],) = self._ids("SELECT count(*) FROM import_classes WHERE counted")[0]
        # A class that ends takes its teachers' access with it.
        deleted = self._ids(
            """SELECT c.id FROM roster_class c JOIN import_classes s ON s.sid = c.sourced_id
            WHERE NOT s.active"""
        )
        self.result.kind("teaching").deactivated += class_teachers_remove_many(
            class_ids=[pk for (pk,) in deleted]
        )

    def _users(self) -> None:
        header = self.source.header("users")
        self._students("preferredFirstName" in header)
        for kind in ("teachers", "administrators", "guardians"):
            self._accounts(kind, "email" in header)
        self._analyze(User, "teachers", "administrators", "guardians")

    def _students(self, preferred: bool) -> None:
        optional = (
            *(("preferred_name",) if preferred else ()),
            *(("date_of_birth",) if self.source.has("demographics") else ()),
        )
        columns = ("school_id", "local_id", "given_name", "family_name", "grade", "active")
        upsert(
            self.cursor,
            Student,
            source="""
                SELECT sc.id AS school_id, u.sid AS sourced_id, u.local_id, u.given_name,
                    u.family_name, u.preferred_name, u.grade, b.birth_date AS date_of_birth,
                    u.active
                FROM import_users u
                JOIN roster_school sc ON sc.sourced_id = u.school AND sc.district_id = %(district)s
                LEFT JOIN import_birth_dates b ON b.sid = u.sid
                WHERE u.kind = 'students'
            """,
            params=self.params,
            key=("sourced_id",),
            fields=(*columns, *optional),
            insert=(*columns, "sourced_id", "preferred_name", "date_of_birth"),
            counts=self.result.kind("students"),
            active="active",
        )
        self._analyze(Student, "students")
        (self.seen["students"],) = self._ids("SELECT count(*) FROM import_users WHERE counted")[0]
        if not self.cat.deleted_users:
            return  # no one leaves: the UPDATE below would scan every enrollment for nothing
        # A student who leaves is kept (never hard-deleted) but leaves their classes too,
        # so their teachers no longer see them.
        self.cursor.execute(
            """UPDATE roster_enrollment SET active = false
            WHERE active AND student_id IN (
                SELECT st.id FROM roster_student st
                JOIN import_users u ON u.sid = st.sourced_id
                JOIN roster_school sc ON sc.id = st.school_id AND sc.district_id = %(district)s
                WHERE u.kind = 'students' AND u.deleted
            )""",
            self.params,
        )
        self.result.kind("enrollments").deactivated += self.cursor.rowcount

    def _accounts(self, kind: str, email: bool) -> None:
        counts = self.result.kind(kind)
        fields = (*ACCOUNT_FIELDS, *(("email",) if email else ()))
        upsert(
            self.cursor,
            User,
            source="""
                SELECT sid AS sourced_id, username, given_name AS first_name,
                    family_name AS last_name, email, active AS is_active
                FROM import_users WHERE kind = %(kind)s
            """,
            params={**self.params, "kind": kind},
            key=("sourced_id",),
            fields=fields,
            insert=("sourced_id", "username", "first_name", "last_name", "email", "is_active"),
            counts=counts,
            active="is_active",
            on_create={"password": UNUSABLE_PASSWORD_SQL},
        )
        users = """SELECT a.id FROM accounts_user a JOIN import_users u ON u.sid = a.sourced_id
            WHERE u.kind = %(kind)s"""
        if kind == "guardians":
            deleted = self._ids(users + " AND u.deleted", kind=kind)
            if deleted:
                self.result.kind("guardian_links").deactivated += guardian_links_remove_many(
                    guardian_ids=[pk for (pk,) in deleted], district=self.district
                )
        if kind == "teachers":
            deleted = [pk for (pk,) in self._ids(users + " AND u.deleted", kind=kind)]
            if deleted:
                grants = ClassUserObjectPermission.objects.filter(
                    user_id__in=deleted,
                    content_object__school__district=self.district,
                    permission__codename="teach_class",
                ).values_list("user_id", "content_object_id")
                self.result.kind("teaching").deactivated += class_teachers_remove_many(
                    pairs=list(grants)
                )
        if kind == "administrators" and self.stage.admins:
            records = {rec["sid"]: rec for rec in self.stage.admins}
            for user in User.objects.filter(sourced_id__in=records):
                self._admin_roles(user, records[user.sourced_id])

    def _guardian_links(self) -> None:
        upsert(
            self.cursor,
            GuardianLink,
            source="""
                SELECT g.id AS guardian_id, st.id AS student_id, l.relationship, l.may_consent
                FROM import_links l
                JOIN accounts_user g ON g.sourced_id = l.guardian
                JOIN roster_student st ON st.sourced_id = l.student
                JOIN roster_school sc ON sc.id = st.school_id AND sc.district_id = %(district)s
            """,
            params=self.params,
            key=("guardian_id", "student_id"),
            fields=("relationship", "may_consent"),
            insert=("guardian_id", "student_id", "relationship", "may_consent"),
            counts=self.result.kind("guardian_links"),
        )

    def _enrollments(self) -> None:
        upsert(
            self.cursor,
            Enrollment,
            source="""
                SELECT st.id AS student_id, c.id AS klass_id, e.sid AS sourced_id,
                    e.begin_date, e.end_date, e.active
                FROM import_enrollments e
                JOIN roster_class c ON c.sourced_id = e.klass
                JOIN roster_school cs ON cs.id = c.school_id AND cs.district_id = %(district)s
                JOIN roster_student st ON st.sourced_id = e.user_sid
                JOIN roster_school ss ON ss.id = st.school_id AND ss.district_id = %(district)s
                WHERE e.role = 'student'
            """,
            params=self.params,
            key=("sourced_id",),
            fields=("student_id", "klass_id", "begin_date", "end_date", "active"),
            insert=("student_id", "klass_id", "sourced_id", "begin_date", "end_date", "active"),
            counts=self.result.kind("enrollments"),
            active="active",
        )
        (self.seen["enrollments"],) = self._ids(
            "SELECT count(*) FROM import_enrollments WHERE counted"
        )[0]
        pairs = self._ids(
            """SELECT u.id, c.id, e.active FROM import_enrollments e
            JOIN accounts_user u ON u.sourced_id = e.user_sid
            JOIN roster_class c ON c.sourced_id = e.klass
            JOIN roster_school cs ON cs.id = c.school_id AND cs.district_id = %(district)s
            WHERE e.role = 'teacher'"""
        )
        counts = self.result.kind("teaching")
        add = {(user, klass) for user, klass, active in pairs if active}
        remove = {(user, klass) for user, klass, active in pairs if not active}
        created = class_teachers_add_many(pairs=add)
        counts.created += created
        counts.unchanged += len(add) - created
        removed = class_teachers_remove_many(pairs=remove)
        counts.deactivated += removed
        counts.unchanged += len(remove) - removed
