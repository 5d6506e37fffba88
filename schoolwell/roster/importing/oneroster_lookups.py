"""OneRoster pass 1, the database side: records SchoolWell already holds.

Delta files refer to records imported earlier, and any file may clash with records that
belong to someone else. Each lookup runs once per batch of 1,000 rows.
"""

from __future__ import annotations

from django.db.models import Q

from schoolwell.accounts.models import User
from schoolwell.roster.importing.oneroster_rows import GUARDIAN_ROLES, STUDENT
from schoolwell.roster.importing.scope import accounts_beyond
from schoolwell.roster.models import AcademicTerm, Class, Enrollment, School, Student

# Roles of users found only in the database (a delta file referring to them).
DB_STUDENT = STUDENT
DB_ACCOUNT = "account"


def _unknown(refs: set[str], known) -> set[str]:
    # Not `refs -= known.keys()`: that walks every key known (127,000 users at district
    # size) for each batch of 1,000 references, not the references.
    return {ref for ref in refs if ref not in known}


class KnownRecords:
    """Mixed into OneRosterCheck: fills its catalogue from the database."""

    def _known_orgs(self, refs: set[str]) -> None:
        refs = _unknown(refs, self.cat.orgs)
        if not refs:
            return
        if self.district.sourced_id in refs:
            self.cat.orgs[self.district.sourced_id] = "district"
        for sid, pk in School.objects.filter(
            district=self.district, sourced_id__in=refs
        ).values_list("sourced_id", "pk"):
            self.cat.orgs[sid] = "school"
            if pk not in self.scope.school_ids:
                self.cat.denied_school_sids.add(sid)

    def _known_users(self, refs: set[str]) -> None:
        refs = _unknown(refs, self.cat.users)
        if not refs:
            return
        for sid in Student.objects.filter(
            school_id__in=self.scope.school_ids, sourced_id__in=refs
        ).values_list("sourced_id", flat=True):
            self.cat.users[sid] = DB_STUDENT
        for sid in User.objects.filter(sourced_id__in=refs).values_list("sourced_id", flat=True):
            self.cat.users.setdefault(sid, DB_ACCOUNT)

    # -- files ---------------------------------------------------------------------------

    def _known_terms(self, refs: set[str]) -> None:
        refs = _unknown(refs, self.cat.terms)
        if refs:
            self.cat.terms |= set(
                AcademicTerm.objects.filter(
                    district=self.district, sourced_id__in=refs
                ).values_list("sourced_id", flat=True)
            )

    def _taken_user_keys(self, records) -> dict[str, set]:
        """Keys already used in SchoolWell by someone else than the row's sourcedId."""
        students = [rec for _r, rec in records if rec["role"] == STUDENT]
        accounts = [rec for _r, rec in records if rec["username"]]
        if self.stage:
            # PostgreSQL: found by set operations over the staged rows (check_staged);
            # only a school administrator's protected accounts need the grant walk here.
            protected = set()
            if not self.scope.district_wide:
                protected = self._protected_accounts(
                    {rec["sid"] for rec in accounts if rec["role"] not in GUARDIAN_ROLES}
                ) | self._protected_accounts(
                    {rec["sid"] for rec in accounts if rec["role"] in GUARDIAN_ROLES},
                    guardians=True,
                )
            return {"student_sid": set(), "local_id": {}, "username": {}, "protected": protected}
        taken = {
            "student_sid": set(
                Student.objects.filter(sourced_id__in={rec["sid"] for rec in students})
                .exclude(school_id__in=self.scope.school_ids)
                .values_list("sourced_id", flat=True)
            ),
            "local_id": {
                (school_sid, local_id): sid
                for school_sid, local_id, sid in Student.objects.filter(
                    school__sourced_id__in={rec["school"] for rec in students},
                    local_id__in={rec["local_id"] for rec in students},
                ).values_list("school__sourced_id", "local_id", "sourced_id")
            },
            "username": dict(
                User.objects.filter(username__in={rec["username"] for rec in accounts}).values_list(
                    "username", "sourced_id"
                )
            ),
            "protected": self._protected_accounts(
                {rec["sid"] for rec in accounts if rec["role"] not in GUARDIAN_ROLES}
            )
            | self._protected_accounts(
                {rec["sid"] for rec in accounts if rec["role"] in GUARDIAN_ROLES}, guardians=True
            ),
        }
        return taken

    def _protected_accounts(self, sids: set[str], *, guardians: bool = False) -> set[str]:
        """Accounts an import may not rename or disable: never a superuser or Django staff,
        and for a school administrator, no one holding rights beyond their schools (else a
        file could lock out a district administrator), nor a staff account or another
        school's guardian in a guardian's row (issue 10: no parent link into staff)."""
        if not sids:
            return set()
        if self.scope.district_wide:
            return set(
                User.objects.filter(
                    Q(is_superuser=True) | Q(is_staff=True), sourced_id__in=sids
                ).values_list("sourced_id", flat=True)
            )
        users = dict(User.objects.filter(sourced_id__in=sids).values_list("pk", "sourced_id"))
        beyond = accounts_beyond(users, school_ids=self.scope.school_ids, as_guardian=guardians)
        return {users[pk] for pk in beyond}

    def _known_classes(self, refs: set[str]) -> None:
        refs = _unknown(refs, self.cat.classes)
        if refs:
            for sid, school_sid in Class.objects.filter(
                school_id__in=self.scope.school_ids, sourced_id__in=refs
            ).values_list("sourced_id", "school__sourced_id"):
                self.cat.classes[sid] = school_sid or ""

    def _taken_enrollments(self, records) -> dict:
        students = [rec for rec in records if rec["role"] == STUDENT]
        return {
            "sid": set(
                Enrollment.objects.filter(sourced_id__in={rec["sid"] for rec in students})
                .exclude(klass__school_id__in=self.scope.school_ids)
                .values_list("sourced_id", flat=True)
            ),
            "pair": {
                (klass, student): sid
                for klass, student, sid in Enrollment.objects.filter(
                    klass__sourced_id__in={rec["klass"] for rec in students},
                    student__sourced_id__in={rec["user"] for rec in students},
                ).values_list("klass__sourced_id", "student__sourced_id", "sourced_id")
            },
        }
