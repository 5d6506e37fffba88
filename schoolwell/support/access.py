"""The one gate for support plans: who may see and who may change a plan.

Counsellors of the plan's school work plans; the school's and district's administrators
read them; teachers only learn that a plan exists and see the interventions they deliver
(never goals' data, contacts or notes); guardians see nothing here.
"""

from __future__ import annotations

from schoolwell.accounts.roles import Role, access_scope


def may_view(user, school_id: int) -> bool:
    return school_id in access_scope(user).staff_school_ids


def may_manage(user, school_id: int) -> bool:
    return school_id in access_scope(user).counsel_school_ids


def works_plans(user) -> bool:
    return bool(
        access_scope(user).roles & {Role.COUNSELLOR, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN}
    )
