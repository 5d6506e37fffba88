"""OneRoster pass 2, the grants: administrators, guardian links and teaching assignments.

They decide who sees which child. Teaching and administration go through roster.services;
guardian links are rows of their own, written by the same batched upsert as the roster.
"""

from __future__ import annotations

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role
from schoolwell.roster.importing.oneroster_lookups import DB_ACCOUNT
from schoolwell.roster.importing.parsing import chunks
from schoolwell.roster.importing.writer import Upserter
from schoolwell.roster.models import GuardianLink, School, Student
from schoolwell.roster.services import (
    class_teachers_add_many,
    class_teachers_remove_many,
    district_admin_add,
    school_staff_add,
    school_staff_group,
    school_staff_remove,
)

RELATIONSHIPS = {
    "parent": GuardianLink.Relationship.PARENT,
    "guardian": GuardianLink.Relationship.GUARDIAN,
    "relative": GuardianLink.Relationship.RELATIVE,
    DB_ACCOUNT: GuardianLink.Relationship.PARENT,
}
# A relative is linked for contact, but does not hold the right to consent.
MAY_CONSENT = {"parent": True, "guardian": True, "relative": False, DB_ACCOUNT: True}


class GrantWriter:
    """Mixed into OneRosterWrite."""

    def _admin_roles(self, user: User, rec: dict) -> None:
        """Administrators are few: each grant goes through the ordinary services."""
        counts = self.result.kind("admin_roles")
        for org in rec["orgs"]:
            if self.cat.orgs.get(org) == "district" and not rec["deleted"]:
                if user.districtuserobjectpermission_set.filter(
                    content_object=self.district
                ).exists():
                    counts.unchanged += 1
                else:
                    district_admin_add(district=self.district, user=user)
                    counts.created += 1
            elif org in self.school_pks:
                school = School.objects.get(pk=self.school_pks[org])
                group = school_staff_group(school=school, role=Role.SCHOOL_ADMIN)
                member = group.user_set.filter(pk=user.pk).exists()
                if rec["deleted"] and member:
                    school_staff_remove(school=school, user=user, role=Role.SCHOOL_ADMIN)
                    counts.deactivated += 1
                elif not rec["deleted"] and not member:
                    school_staff_add(school=school, user=user, role=Role.SCHOOL_ADMIN)
                    counts.created += 1
                else:
                    counts.unchanged += 1

    def _guardian_links(self) -> None:
        upsert = Upserter(
            GuardianLink,
            key=("guardian", "student"),
            fields=("relationship", "may_consent"),
            counts=self.result.kind("guardian_links"),
        )
        # Pairs come from pass 1 (users.csv is not read again), each link once.
        for pairs in chunks(self.cat.guardian_links):
            guardians = dict(
                User.objects.filter(sourced_id__in={g for g, _s in pairs}).values_list(
                    "sourced_id", "pk"
                )
            )
            students = dict(
                Student.objects.filter(
                    school__district=self.district, sourced_id__in={s for _g, s in pairs}
                ).values_list("sourced_id", "pk")
            )
            upsert.write(
                dict(
                    guardian_id=guardians[g],
                    student_id=students[s],
                    relationship=RELATIONSHIPS[self.cat.users[g]],
                    may_consent=MAY_CONSENT[self.cat.users[g]],
                )
                for g, s in pairs
            )

    def _teaching(self, records: list[dict], classes: dict[str, int]) -> None:
        if not records:
            return
        counts = self.result.kind("teaching")
        users = dict(
            User.objects.filter(sourced_id__in={rec["user"] for rec in records}).values_list(
                "sourced_id", "pk"
            )
        )
        add = {(users[r["user"]], classes[r["klass"]]) for r in records if not self._ended(r)}
        remove = {(users[r["user"]], classes[r["klass"]]) for r in records if self._ended(r)}
        created = class_teachers_add_many(pairs=add)
        counts.created += created
        counts.unchanged += len(add) - created
        removed = class_teachers_remove_many(pairs=remove)
        counts.deactivated += removed
        counts.unchanged += len(remove) - removed
