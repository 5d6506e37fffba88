"""OneRoster pass 1: validate every file, keeping only ids, before anything is written.

Strict about references: each one must point to a row of the file or, for delta files, to
a record SchoolWell already holds in a school the importer administers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.roster.importing.errors import ErrorLog
from schoolwell.roster.importing.oneroster_files import OneRosterZip
from schoolwell.roster.importing.oneroster_grants import MAY_CONSENT, RELATIONSHIPS
from schoolwell.roster.importing.oneroster_lookups import DB_ACCOUNT, KnownRecords
from schoolwell.roster.importing.oneroster_raw import enrollments_by_copy
from schoolwell.roster.importing.oneroster_rows import (
    GUARDIAN_ROLES,
    STUDENT,
    class_record,
    demographic_record,
    enrollment_record,
    org_record,
    term_record,
    user_record,
)
from schoolwell.roster.importing.oneroster_stage import CopyStage, user_kind
from schoolwell.roster.importing.parsing import chunks
from schoolwell.roster.importing.scope import ImportScope
from schoolwell.roster.models import AcademicTerm, Class, District, School

TEACHING_ROLES = {"teacher", "administrator", DB_ACCOUNT}
# Who links to whom through agentSourcedIds: the sides of a guardian link, and who may be a
# student's agent (a guardian, or an account SchoolWell holds).
LINKED_ROLES = frozenset({*GUARDIAN_ROLES, STUDENT})
AGENT_ROLES = frozenset({*GUARDIAN_ROLES, DB_ACCOUNT})


@dataclass
class Catalogue:
    """What pass 1 learnt: ids and the little the write pass needs about them."""

    district_sid: str = ""
    orgs: dict[str, str] = field(default_factory=dict)  # sid → org type
    file_school_sids: set[str] = field(default_factory=set)
    denied_school_sids: set[str] = field(default_factory=set)
    terms: set[str] = field(default_factory=set)
    courses: set[str] | None = None  # None: no courses.csv, course references unchecked
    classes: dict[str, str] = field(default_factory=dict)  # sid → school sid
    deleted_classes: set[str] = field(default_factory=set)
    users: dict[str, str] = field(default_factory=dict)  # sid → role
    deleted_users: set[str] = field(default_factory=set)
    birth_dates: dict[str, dt.date] = field(default_factory=dict)
    # users.csv is read once per pass: its agentSourcedIds are kept from the first read
    # (row number, sourcedId, agents), checked once every user is known, then turned into
    # the (guardian sid, student sid) links the write pass saves, each link once.
    agents: list[tuple[int, str, list[str]]] = field(default_factory=list)
    guardian_links: dict[tuple[str, str], None] = field(default_factory=dict)


def _duplicate(r, seen: set | dict, key, column: str = "sourcedId") -> bool:
    if key in seen:
        r.error(column, _("“%(value)s” appears more than once in the file.") % {"value": key})
        return True
    return False


class OneRosterCheck(KnownRecords):
    def __init__(
        self,
        source: OneRosterZip,
        scope: ImportScope,
        errors: ErrorLog,
        stage: CopyStage | None = None,
    ) -> None:
        self.source = source
        # PostgreSQL: every parsed record is also staged for COPY (the write pass then
        # reads the staging tables, not the zip).
        self.stage = stage
        self.scope = scope
        self.district = scope.district
        self.errors = errors
        self.cat = Catalogue()

    def run(self) -> Catalogue:
        self._orgs()
        self._terms()
        self._courses()
        self._classes()
        self._users()
        self._agents()
        self._demographics()
        if not self._enrollments_by_copy():
            self._enrollments()
        return self.cat

    def _enrollments_by_copy(self) -> bool:
        """PostgreSQL, when every other file is clean: enrollments.csv is copied into the
        database and checked there (oneroster_raw), unless it needs the careful check."""
        if not self.stage or self.errors or not self.source.has("enrollments"):
            return False
        in_scope = School.objects.filter(pk__in=self.scope.school_ids, sourced_id__isnull=False)
        # A sourcedId orgs.csv names is the kind the file says; others are schools held.
        schools = {sid for sid, kind in self.cat.orgs.items() if kind == "school"} | {
            sid for sid in in_scope.values_list("sourced_id", flat=True) if sid not in self.cat.orgs
        }
        with connection.cursor() as cursor:
            self.stage.load(cursor, exclude={"enrollments"})
            return enrollments_by_copy(
                cursor,
                source=self.source,
                stage=self.stage,
                scope=self.scope,
                schools=schools - self.cat.denied_school_sids,
                file_schools=self.cat.file_school_sids,
            )

    def _orgs(self) -> None:
        parents = []
        for r in self.source.rows("orgs", self.errors):
            rec = org_record(r)
            if self.stage:
                self.stage.orgs.append(rec)
            sid = rec["sid"]
            if not sid or _duplicate(r, self.cat.orgs, sid):
                continue
            self.cat.orgs[sid] = rec["type"] or ""
            if rec["parent"]:
                parents.append((r, rec["parent"]))
            if rec["type"] == "district":
                self._district_row(r, sid)
            elif rec["type"] == "school":
                self.cat.file_school_sids.add(sid)
                self._school_row(r, sid)
        for r, parent in parents:
            if parent not in self.cat.orgs and parent != self.district.sourced_id:
                r.error("parentSourcedId", _("Unknown org “%(value)s”.") % {"value": parent})

    def _district_row(self, r, sid: str) -> None:
        if self.cat.district_sid:
            r.error("type", _("The file holds more than one district."))
        self.cat.district_sid = sid
        other = District.objects.filter(sourced_id=sid).exclude(pk=self.district.pk).first()
        if other or (self.district.sourced_id and self.district.sourced_id != sid):
            r.error(
                "sourcedId",
                _("This file is for another district, not %(district)s.")
                % {"district": self.district.name},
            )

    def _school_row(self, r, sid: str) -> None:
        school = School.objects.filter(sourced_id=sid).first()
        if school is None:
            if not self.scope.district_wide:
                r.error("sourcedId", _("Only a district administrator can add a school."))
        elif school.district_id != self.district.pk:
            r.error("sourcedId", _("This school belongs to another district."))
        elif school.pk not in self.scope.school_ids:
            r.error(
                "sourcedId",
                _("You do not administer %(school)s.") % {"school": school.name},
            )

    def _terms(self) -> None:
        parents = []
        for batch in chunks(self.source.rows("academicSessions", self.errors)):
            records = [(r, term_record(r)) for r in batch]
            if self.stage:
                self.stage.terms.extend(rec for _r, rec in records)
            sids = {rec["sid"] for _r, rec in records}
            elsewhere = set(
                AcademicTerm.objects.filter(sourced_id__in=sids)
                .exclude(district=self.district)
                .values_list("sourced_id", flat=True)
            )
            for r, rec in records:
                sid = rec["sid"]
                if not sid or _duplicate(r, self.cat.terms, sid):
                    continue
                self.cat.terms.add(sid)
                if sid in elsewhere:
                    r.error("sourcedId", _("This sourcedId belongs to another district's term."))
                if rec["parent"]:
                    parents.append((r, rec["parent"]))
        self._known_terms({parent for _r, parent in parents})
        for r, parent in parents:
            if parent not in self.cat.terms:
                r.error(
                    "parentSourcedId",
                    _("Unknown academic session “%(value)s”.") % {"value": parent},
                )

    def _courses(self) -> None:
        if not self.source.has("courses"):
            return
        self.cat.courses = set()
        for r in self.source.rows("courses", self.errors):
            sid = r.text("sourcedId", required=True)
            if sid and not _duplicate(r, self.cat.courses, sid):
                self.cat.courses.add(sid)

    def _school_ref(self, r, column: str, sid: str) -> None:
        kind = self.cat.orgs.get(sid)
        if kind is None:
            r.error(column, _("Unknown org “%(value)s”.") % {"value": sid})
        elif kind != "school":
            r.error(column, _("“%(value)s” is not a school.") % {"value": sid})
        elif sid in self.cat.denied_school_sids:
            r.error(column, _("You do not administer the school “%(value)s”.") % {"value": sid})

    def _classes(self) -> None:
        for batch in chunks(self.source.rows("classes", self.errors)):
            records = [(r, class_record(r)) for r in batch]
            self._known_orgs({rec["school"] for _r, rec in records})
            self._known_terms({t for _r, rec in records for t in rec["terms"]})
            taken = set(
                Class.objects.filter(sourced_id__in={rec["sid"] for _r, rec in records})
                .exclude(school_id__in=self.scope.school_ids)
                .values_list("sourced_id", flat=True)
            )
            for r, rec in records:
                sid = rec["sid"]
                self._stage_class(r, rec)
                if not sid or _duplicate(r, self.cat.classes, sid):
                    continue
                self.cat.classes[sid] = rec["school"]
                if rec["deleted"]:
                    self.cat.deleted_classes.add(sid)
                if sid in taken:
                    r.error("sourcedId", _("This sourcedId belongs to a class of another school."))
                if rec["school"]:
                    self._school_ref(r, "schoolSourcedId", rec["school"])
                for term in rec["terms"]:
                    if term not in self.cat.terms:
                        r.error(
                            "termSourcedIds",
                            _("Unknown academic session “%(value)s”.") % {"value": term},
                        )
                course = rec["course"]
                if course and self.cat.courses is not None and course not in self.cat.courses:
                    r.error("courseSourcedId", _("Unknown course “%(value)s”.") % {"value": course})

    def _users(self) -> None:
        usernames: set[str] = set()
        local_ids: set[tuple[str, str]] = set()
        for batch in chunks(self.source.rows("users", self.errors)):
            records = [(r, user_record(r)) for r in batch]
            self._known_orgs({org for _r, rec in records for org in rec["orgs"]})
            for rec in (rec for _r, rec in records if rec["role"] == STUDENT):
                rec["school"] = next(
                    (o for o in rec["orgs"] if self.cat.orgs.get(o) == "school"), ""
                )
            taken = self._taken_user_keys(records)
            self._stage_users(records)
            for r, rec in records:
                sid = rec["sid"]
                if rec["agents"]:
                    self.cat.agents.append((r.number, sid, rec["agents"]))
                if not sid or _duplicate(r, self.cat.users, sid):
                    continue
                self.cat.users[sid] = rec["role"] or ""
                if rec["deleted"]:
                    self.cat.deleted_users.add(sid)
                for org in rec["orgs"]:
                    if org not in self.cat.orgs:
                        r.error("orgSourcedIds", _("Unknown org “%(value)s”.") % {"value": org})
                if rec["role"] == STUDENT:
                    self._student_row(r, rec, taken, local_ids)
                elif rec["username"]:
                    self._account_row(r, rec, taken, usernames)

    def _student_row(self, r, rec, taken, local_ids) -> None:
        if not rec["school"]:
            r.error("orgSourcedIds", _("A student must belong to a school."))
            return
        self._school_ref(r, "orgSourcedIds", rec["school"])
        if rec["sid"] in taken["student_sid"]:
            r.error("sourcedId", _("This sourcedId belongs to a student of another school."))
        key = (rec["school"], rec["local_id"])
        if key in local_ids:
            r.error("identifier", _("Two students of this school have this student ID."))
        local_ids.add(key)
        if key in taken["local_id"] and taken["local_id"][key] != rec["sid"]:
            r.error(
                "identifier",
                _("Student ID “%(value)s” already belongs to another student of this school.")
                % {"value": rec["local_id"]},
            )

    def _account_row(self, r, rec, taken, usernames) -> None:
        if rec["sid"] in taken["protected"]:
            r.error(
                "sourcedId",
                _(
                    "This account has rights beyond the schools you administer; ask a district "
                    "administrator to import it."
                ),
            )
        username = rec["username"]
        _duplicate(r, usernames, username, "username")
        usernames.add(username)
        if username in taken["username"] and taken["username"][username] != rec["sid"]:
            r.error(
                "username",
                _("Username “%(value)s” already belongs to another SchoolWell account.")
                % {"value": rec["username"]},
            )
        if rec["role"] == "administrator":
            for org in rec["orgs"]:
                if self.cat.orgs.get(org) == "district" and not self.scope.district_wide:
                    r.error(
                        "orgSourcedIds",
                        _("Only a district administrator can name district administrators."),
                    )
                elif org in self.cat.denied_school_sids:
                    r.error(
                        "orgSourcedIds",
                        _("You do not administer the school “%(value)s”.") % {"value": org},
                    )

    def _agents(self) -> None:
        """agentSourcedIds link guardians and students, written on either side."""
        for batch in chunks(self.cat.agents):
            pairs = [
                (number, self.cat.users.get(sid, ""), sid, agents) for number, sid, agents in batch
            ]
            self._known_users({a for *_rest, agents in pairs for a in agents})
            # A guardian found only in the database must be one the importer may link.
            protected = self._protected_accounts(
                {
                    a
                    for *_rest, agents in pairs
                    for a in agents
                    if self.cat.users.get(a) == DB_ACCOUNT
                },
                guardians=True,
            )
            deleted = self.cat.deleted_users
            for number, role, sid, agents in pairs:
                for agent in agents:
                    message = self._agent_error(role, agent, protected)
                    if message:
                        self.errors.add("users.csv", number, "agentSourcedIds", message)
                    elif role in LINKED_ROLES and not (sid in deleted or agent in deleted):
                        pair = (sid, agent) if role in GUARDIAN_ROLES else (agent, sid)
                        self.cat.guardian_links[pair] = None
        self.cat.agents = []
        if self.stage:
            self.stage.add(
                "links",
                (
                    (g, s, RELATIONSHIPS[self.cat.users[g]], MAY_CONSENT[self.cat.users[g]])
                    for g, s in self.cat.guardian_links
                ),
            )

    def _agent_error(self, role: str, agent: str, protected: set[str]) -> str | None:
        other = self.cat.users.get(agent)
        if other is None:
            return _("Unknown user “%(value)s”.") % {"value": agent}
        if role == STUDENT and agent in protected:
            return _(
                "“%(value)s” is a staff account or a guardian at another "
                "school; it cannot be linked here."
            ) % {"value": agent}
        if role == STUDENT and other not in AGENT_ROLES:
            return _("“%(value)s” is not a parent, guardian or relative.") % {"value": agent}
        if role in GUARDIAN_ROLES and other != STUDENT:
            return _("“%(value)s” is not a student.") % {"value": agent}
        return None

    def _demographics(self) -> None:
        seen: set[str] = set()
        today = timezone.localdate()
        for batch in chunks(self.source.rows("demographics", self.errors)):
            records = [(r, demographic_record(r, today=today)) for r in batch]
            self._known_users({rec["sid"] for _r, rec in records})
            births = []
            for r, rec in records:
                sid = rec["sid"]
                if not sid or _duplicate(r, seen, sid):
                    continue
                seen.add(sid)
                if sid not in self.cat.users:
                    r.error("sourcedId", _("Unknown user “%(value)s”.") % {"value": sid})
                elif rec["birth_date"] and self.cat.users[sid] == STUDENT:
                    self.cat.birth_dates[sid] = rec["birth_date"]
                    births.append((sid, rec["birth_date"]))
            if self.stage:
                self.stage.add("birth_dates", births)

    def _enrollments(self) -> None:
        # The largest file (300,000+ rows): duplicates are found by 64-bit hashes rather
        # than by keeping every id and pair, which halves the peak memory of the check.
        # A collision (odds ~1e-9 at this size) could only ever reject a good file, never
        # let a bad one through.
        sids: set[int] = set()
        pairs: set[int] = set()
        for batch in chunks(self.source.rows("enrollments", self.errors)):
            records = [(r, enrollment_record(r)) for r in batch]
            self._known_classes({rec["klass"] for _r, rec in records})
            self._known_users({rec["user"] for _r, rec in records})
            self._known_orgs({rec["school"] for _r, rec in records})
            # PostgreSQL: clashes with enrollments already held are found by one anti-join
            # over the staged rows (oneroster_sql.check_staged), not per batch.
            taken = (
                {"sid": set(), "pair": {}}
                if self.stage
                else self._taken_enrollments([rec for _r, rec in records])
            )
            for r, rec in records:
                if not rec["sid"]:
                    continue
                if hash(rec["sid"]) in sids:
                    r.error(
                        "sourcedId",
                        _("“%(value)s” appears more than once in the file.")
                        % {"value": rec["sid"]},
                    )
                    continue
                sids.add(hash(rec["sid"]))
                self._enrollment_row(r, rec, taken, pairs)
                self._stage_enrollment(r, rec)

    def _enrollment_row(self, r, rec, taken, pairs) -> None:
        klass, user = rec["klass"], rec["user"]
        if klass not in self.cat.classes:
            r.error("classSourcedId", _("Unknown class “%(value)s”.") % {"value": klass})
        elif rec["school"] and self.cat.classes[klass] not in ("", rec["school"]):
            r.error("schoolSourcedId", _("This is not the class's school."))
        if rec["school"]:
            self._school_ref(r, "schoolSourcedId", rec["school"])
        role = self.cat.users.get(user)
        if role is None:
            r.error("userSourcedId", _("Unknown user “%(value)s”.") % {"value": user})
        elif (rec["role"] == STUDENT) != (role == STUDENT) or (
            rec["role"] == "teacher" and role not in TEACHING_ROLES
        ):
            r.error(
                "role",
                _("The enrollment role “%(role)s” does not match the user's role “%(user_role)s”.")
                % {"role": rec["role"], "user_role": role},
            )
        if hash((klass, user)) in pairs:
            r.error("userSourcedId", _("This user is enrolled in this class twice."))
        pairs.add(hash((klass, user)))
        if rec["sid"] in taken["sid"]:
            r.error("sourcedId", _("This sourcedId belongs to an enrollment of another school."))
        if (klass, user) in taken["pair"] and taken["pair"][(klass, user)] != rec["sid"]:
            r.error(
                "sourcedId",
                _("This student is already enrolled in this class under another sourcedId."),
            )

    # -- staging (PostgreSQL) ------------------------------------------------------------

    def _stage_class(self, r, rec) -> None:
        if self.stage:
            active = not rec["deleted"]
            self.stage.add(
                "classes",
                [
                    (
                        r.number,
                        rec["sid"],
                        rec["school"],
                        rec["terms"][0] if rec["terms"] else None,
                        rec["title"],
                        rec["class_code"],
                        rec["grades"],
                        active,
                        active and rec["school"] in self.cat.file_school_sids,
                    )
                ],
            )

    def _stage_users(self, records) -> None:
        if not self.stage:
            return
        self.stage.admins.extend(
            rec for _r, rec in records if user_kind(rec["role"]) == "administrators"
        )
        self.stage.add("users", (self._user_line(r, rec) for r, rec in records))

    def _user_line(self, r, rec) -> tuple:
        kind = user_kind(rec["role"])
        student = kind == "students"
        active = not rec["deleted"] and (student or rec["enabled"])
        school = rec.get("school") or ""
        return (
            r.number,
            rec["sid"],
            kind,
            rec["deleted"],
            active,
            rec["given_name"],
            rec["family_name"],
            rec["preferred_name"],
            rec["email"],
            rec["username"],
            rec["local_id"],
            rec["grade"],
            school,
            student and active and school in self.cat.file_school_sids,
        )

    def _stage_enrollment(self, r, rec) -> None:
        if not self.stage or rec["role"] not in (STUDENT, "teacher"):
            return
        # An enrollment ends with its own deletion, its person's or its class's.
        active = not (
            rec["deleted"]
            or rec["user"] in self.cat.deleted_users
            or rec["klass"] in self.cat.deleted_classes
        )
        self.stage.add(
            "enrollments",
            [
                (
                    r.number,
                    rec["sid"],
                    rec["klass"],
                    rec["user"],
                    rec["role"],
                    rec["begin_date"],
                    rec["end_date"],
                    active,
                    rec["role"] == STUDENT
                    and active
                    and self.cat.classes.get(rec["klass"]) in self.cat.file_school_sids,
                )
            ],
        )
