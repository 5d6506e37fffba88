"""The one authorization gate: may this user do X to this object?

Views, services, panels, navigation, exports, the API and the admin ask here; no role
check is spelled anywhere else. The answer is derived from the user's grants
(`roles.AccessScope`, cached per grants version) through a small, explicit vocabulary of
actions. An action that is not in the vocabulary grants nothing.

An object is a Student, a Class, a School, a District, or anything that belongs to a
school (`school_id`: a referral, a screening window, a consent form, a lesson...).
Without an object, `may` answers "may the user do this anywhere?" (navigation, home page).

Who holds the grants, from the other side (the counsellors of a school, who can access a
student), is answered here too, over every grant source, for alerts and transparency pages.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from schoolwell.accounts.roles import (
    ADMINISTER_DISTRICT,
    ADMINISTER_SCHOOL,
    COUNSEL_SCHOOL,
    STAFF_ROLES,
    TEACH_CLASS,
    AccessScope,
    Role,
    access_scope,
)

# School-grain actions: allowed on an object of a school in this set of the scope.
_COUNSEL, _ADMINISTER, _STAFF = "counsel", "administer", "staff"
SCHOOL_ACTIONS: dict[str, str] = {
    # Every student and record of the school: its counsellors and administrators.
    "school.view": _STAFF,
    "school.counsel": _COUNSEL,
    "school.administer": _ADMINISTER,
    "referral.view": _STAFF,
    "referral.work": _COUNSEL,
    # Counsellor-only records: screening results, self-reports, the full timeline.
    "student.view_sensitive": _COUNSEL,
    # Paper and phone consent decisions: administrators or counsellors.
    "consent.record": _STAFF,
    # Consent forms and policy, screening windows, roster import, user management.
    "consent.manage": _ADMINISTER,
    "screening.manage": _ADMINISTER,
    "roster.import": _ADMINISTER,
    "staff.manage": _ADMINISTER,
    "lesson.author": _STAFF,
    # Threshold rules (and their what-if), the crisis steps shown after a critical answer.
    "rules.edit": _ADMINISTER,
    "crisis.edit": _ADMINISTER,
    # The suicide-risk pathway (assessment, safety plan, guardian notice, follow-up):
    # counsellors of the school only, never its teachers or administrators as such.
    "safety.read": _COUNSEL,
    "safety.write": _COUNSEL,
    # The school's safety policy (guardian notification, follow-up days).
    "safety.settings": _ADMINISTER,
    # Support plans: counsellors work them, administrators read them.
    "support.plan.view": _STAFF,
    "support.plan.edit": _COUNSEL,
    # Alerts: the people alerted (counsellors, administrators) and the delivery failures
    # page (administrators).
    "alerts.receive": _STAFF,
    "alerts.deliveries.view": _ADMINISTER,
    # Resetting a colleague's second factor.
    "two_factor.reset": _ADMINISTER,
    # Family rights and the data lifecycle (lifecycle app): deciding guardians' correction
    # requests, the school's guardian-visibility and retention tables, legal holds and
    # erasure (two administrators: one asks, another approves).
    "records.decide": _ADMINISTER,
    "records.policy": _ADMINISTER,
    "records.erase": _ADMINISTER,
    # Student voice: the school's check-in settings; its program indicators and export.
    "voice.settings": _ADMINISTER,
    "voice.report": _STAFF,
    # Community coordination (issue 17). On a district's object (a provider, an agreement):
    # allowed when the user holds the grain at one of that district's schools.
    "community.directory": _STAFF,
    "community.directory.edit": _ADMINISTER,
    "community.agreements": _ADMINISTER,
    "community.training": _ADMINISTER,
    "incident.open": _ADMINISTER,
    # Integration tokens (the API): issued and revoked by the school's administrators.
    "api.tokens.manage": _ADMINISTER,
}

_GRAIN_ROLES = {
    _COUNSEL: frozenset({Role.COUNSELLOR}),
    _ADMINISTER: frozenset({Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN}),
    _STAFF: frozenset({Role.COUNSELLOR, Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN}),
}

# Class-grain actions.
CLASS_ACTIONS = frozenset({"class.teach", "class.view", "class.plan_sel"})

# District-grain actions.
DISTRICT_ACTIONS = frozenset({"district.administer"})

# Student-grain actions: the roles through which the student must be reachable.
STUDENT_ACTIONS: dict[str, frozenset[Role]] = {
    "student.view": frozenset(Role),
    "student.view_staff": STAFF_ROLES,
    # A teacher of the student (an active enrollment in a class they teach): raise a concern.
    "student.teach": frozenset({Role.TEACHER}),
    # A guardian of the student: the parent portal, consent decisions.
    "student.guard": frozenset({Role.PARENT}),
    "consent.decide": frozenset({Role.PARENT}),
    # Student voice: print or revoke a student's personal check-in link.
    "voice.links": STAFF_ROLES,
}

# FERPA: the disclosure record is for the school's administrators and the student's guardians.
DISCLOSURE_ACTIONS = frozenset({"student.view_disclosures"})

# A school the user works at: as its staff, or as the teacher of one of its classes
# (screening windows, crisis steps, the school's own SEL lessons).
WORK_ACTIONS = frozenset({"school.work"})

# Exports: allowed when the user holds one of the export kind's roles.
EXPORT_ACTIONS = frozenset({"export.run"})

# An incident's response team: the people named on it and the school's administrators.
# Anyone else is told nothing (404), not even a colleague of the same school.
INCIDENT_ACTIONS = frozenset({"incident.respond"})

ACTIONS = frozenset(
    {*SCHOOL_ACTIONS, *CLASS_ACTIONS, *DISTRICT_ACTIONS, *STUDENT_ACTIONS}
    | DISCLOSURE_ACTIONS
    | WORK_ACTIONS
    | EXPORT_ACTIONS
    | INCIDENT_ACTIONS
)


def scope_of(who) -> AccessScope:
    """A user's scope (a scope passes through, for registry providers that receive one)."""
    return who if isinstance(who, AccessScope) else access_scope(who)


def roles(who) -> frozenset[Role]:
    return scope_of(who).roles


def _school_set(scope: AccessScope, grain: str) -> frozenset[int]:
    if grain == _COUNSEL:
        return scope.counsel_school_ids
    if grain == _ADMINISTER:
        return scope.administered_school_ids
    return scope.staff_school_ids


def _school_id(obj) -> int | None:
    from schoolwell.roster.models import School

    if isinstance(obj, School):
        return obj.pk
    return getattr(obj, "school_id", None)


def may(who, action: str, obj=None) -> bool:
    """May the user (or scope) do `action` to `obj` (or anywhere, without an object)?"""
    scope = scope_of(who)
    if action in SCHOOL_ACTIONS:
        grain = SCHOOL_ACTIONS[action]
        if obj is None:
            # Anywhere: holding the role is enough (a district administrator may import
            # into a district that has no school yet).
            return bool(scope.roles & _GRAIN_ROLES[grain])
        school_id = _school_id(obj)
        if school_id is None and getattr(obj, "district_id", None) is not None:
            return obj.district_id in _district_ids_of(_school_set(scope, grain))
        return school_id in _school_set(scope, grain)
    if action in CLASS_ACTIONS:
        return _may_class(scope, action, obj)
    if action in DISTRICT_ACTIONS:
        if obj is None:
            return bool(scope.district_ids) or scope.is_superuser
        district_id = obj.pk if _is_district(obj) else getattr(obj, "district_id", None)
        return scope.is_superuser or district_id in scope.district_ids
    if action in STUDENT_ACTIONS:
        wanted = STUDENT_ACTIONS[action]
        if obj is None:
            return bool(scope.roles & wanted)
        return _reaches_student(scope, obj, wanted)
    if action in DISCLOSURE_ACTIONS:
        if obj is None:
            return bool(scope.administered_school_ids) or scope.is_guardian
        return obj.school_id in scope.administered_school_ids or _reaches_student(
            scope, obj, frozenset({Role.PARENT})
        )
    if action in WORK_ACTIONS:
        if obj is None:
            return bool(scope.staff_school_ids or scope.class_ids)
        school_id = _school_id(obj)
        return school_id in scope.staff_school_ids or school_id in _taught_school_ids(scope)
    if action in INCIDENT_ACTIONS:
        if obj is None:
            # Anyone who works at a school may be named on a team (no query per page).
            return bool(scope.staff_school_ids or scope.class_ids)
        if obj.school_id in scope.administered_school_ids:
            return True
        return obj.team.filter(pk=scope.user_id).exists()
    if action in EXPORT_ACTIONS:
        kind_roles = getattr(obj, "roles", None)
        return bool(kind_roles) and bool(scope.roles & frozenset(kind_roles))
    return False  # not in the vocabulary: grants nothing


def require(who, action: str, obj) -> None:
    """Return quietly when allowed. Otherwise an object the user cannot see at all is a
    404 (its existence is not disclosed); one they can see but not act on is a 403."""
    if may(who, action, obj):
        return
    if action in INCIDENT_ACTIONS or not _visible(scope_of(who), obj):
        raise Http404
    raise PermissionDenied


def _is_district(obj) -> bool:
    from schoolwell.roster.models import District

    return isinstance(obj, District)


def _may_class(scope: AccessScope, action: str, klass) -> bool:
    if klass is None:
        if action == "class.teach":
            return bool(scope.class_ids)
        if action == "class.view":
            return bool(scope.class_ids or scope.staff_school_ids)
        return bool(scope.class_ids or scope.administered_school_ids)
    if not klass.active:
        return False
    if klass.pk in scope.class_ids:
        return True
    if action == "class.view":
        return klass.school_id in scope.staff_school_ids
    if action == "class.plan_sel":
        return klass.school_id in scope.administered_school_ids
    return False


def _reaches_student(scope: AccessScope, student, wanted: frozenset[Role]) -> bool:
    """Without a query where the school decides; else one small exists() query."""
    if wanted & {Role.COUNSELLOR} and student.school_id in scope.counsel_school_ids:
        return True
    if (
        wanted & {Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN}
        and student.school_id in scope.administered_school_ids
    ):
        return True
    if not scope.roles & wanted & {Role.TEACHER, Role.PARENT}:
        return False
    return _students(scope, wanted & {Role.TEACHER, Role.PARENT}).filter(pk=student.pk).exists()


def _visible(scope: AccessScope, obj) -> bool:
    from schoolwell.roster.models import Class, School, Student

    if isinstance(obj, Student):
        return _reaches_student(scope, obj, frozenset(Role))
    if isinstance(obj, Class):
        return _may_class(scope, "class.view", obj)
    if isinstance(obj, School):
        return obj.pk in scope.staff_school_ids or obj.pk in _taught_school_ids(scope)
    if _is_district(obj):
        return may(scope, "district.administer", obj)
    student = getattr(obj, "student", None)
    if isinstance(student, Student) and _reaches_student(scope, student, frozenset(Role)):
        return True
    return _school_id(obj) in scope.staff_school_ids


def _district_ids_of(school_ids: Collection[int]) -> set[int]:
    from schoolwell.roster.models import School

    if not school_ids:
        return set()
    return set(School.objects.filter(pk__in=school_ids).values_list("district_id", flat=True))


def district_ids_for(who, action: str) -> set[int]:
    """The districts of the schools where the user may do a school-grain `action`."""
    return _district_ids_of(school_ids(who, action))


def incidents(who) -> QuerySet:
    """The incidents whose response team the user is on (named, or a school administrator)."""
    from schoolwell.community.models import Incident

    scope = scope_of(who)
    return Incident.objects.filter(
        Q(school_id__in=scope.administered_school_ids) | Q(team__pk=scope.user_id)
    ).distinct()


def _taught_school_ids(scope: AccessScope) -> set[int]:
    from schoolwell.roster.models import Class

    if not scope.class_ids:
        return set()
    return set(Class.objects.filter(pk__in=scope.class_ids).values_list("school_id", flat=True))


# --- Querysets: what a user may act on, as one query (netbox's `restrict`). ---


def _students(scope: AccessScope, wanted: Collection[Role]):
    """Students reachable through `wanted` roles: school → student; class → active
    enrollment → student; guardian link → student. Small subqueries, no per-student grant."""
    from schoolwell.roster.models import Enrollment, GuardianLink, Student

    held = scope.roles & frozenset(wanted)
    condition = Q(pk__in=[])
    school_ids: set[int] = set()
    if Role.COUNSELLOR in held:
        school_ids |= scope.counsel_school_ids
    if Role.SCHOOL_ADMIN in held or Role.DISTRICT_ADMIN in held:
        school_ids |= scope.administered_school_ids
    if school_ids:
        condition |= Q(school_id__in=school_ids)
    if Role.TEACHER in held:
        condition |= Q(
            pk__in=Enrollment.objects.filter(klass_id__in=scope.class_ids, active=True).values(
                "student_id"
            )
        )
    if Role.PARENT in held:
        condition |= Q(
            pk__in=GuardianLink.objects.filter(guardian_id=scope.user_id).values("student_id")
        )
    return Student.objects.filter(condition)


def students(who, action: str = "student.view", *, roles: Iterable[Role] | None = None):
    """The students the user may do `action` to (one queryset)."""
    scope = scope_of(who)
    if roles is not None:
        return _students(scope, frozenset(roles))
    if action in STUDENT_ACTIONS:
        return _students(scope, STUDENT_ACTIONS[action])
    from schoolwell.roster.models import Student

    if action in SCHOOL_ACTIONS:
        return Student.objects.filter(school_id__in=school_ids(scope, action))
    if action in DISCLOSURE_ACTIONS:
        return Student.objects.filter(
            Q(school_id__in=scope.administered_school_ids)
            | Q(pk__in=_students(scope, [Role.PARENT]).values("pk"))
        )
    return Student.objects.none()


def school_ids(who, action: str) -> frozenset[int]:
    """The schools where the user may do a school-grain `action` (nothing for others)."""
    scope = scope_of(who)
    if action in SCHOOL_ACTIONS:
        return _school_set(scope, SCHOOL_ACTIONS[action])
    return frozenset()


def schools(who, action: str) -> QuerySet:
    from schoolwell.roster.models import Class, School

    if action in WORK_ACTIONS:
        scope = scope_of(who)
        taught = Class.objects.filter(pk__in=scope.class_ids).values("school_id")
        return School.objects.filter(Q(pk__in=scope.staff_school_ids) | Q(pk__in=taught))
    return School.objects.filter(pk__in=school_ids(who, action))


def class_ids(who, action: str = "class.teach") -> frozenset[int]:
    """The classes the user teaches (the only class grant a scope holds by id)."""
    return scope_of(who).class_ids if action == "class.teach" else frozenset()


def classes(who, action: str = "class.view") -> QuerySet:
    """Active classes the user may do a class-grain `action` to."""
    from schoolwell.roster.models import Class

    scope = scope_of(who)
    condition = Q(pk__in=scope.class_ids)
    if action == "class.view":
        condition |= Q(school_id__in=scope.staff_school_ids)
    elif action == "class.plan_sel":
        condition |= Q(school_id__in=scope.administered_school_ids)
    elif action != "class.teach":
        return Class.objects.none()
    return Class.objects.filter(condition, active=True)


def district_ids(who) -> frozenset[int] | None:
    """The districts the user administers; None means every district (a superuser)."""
    scope = scope_of(who)
    return None if scope.is_superuser else scope.district_ids


# --- Who holds the grants: one answer over every grant source. ---


def _school_grant_holders(school_ids: Collection[int], codename: str) -> QuerySet:
    """Active users holding `codename` on any of the schools, directly or through a group."""
    from schoolwell.accounts.models import User

    return User.objects.filter(
        Q(
            groups__schoolgroupobjectpermission__content_object_id__in=school_ids,
            groups__schoolgroupobjectpermission__permission__codename=codename,
        )
        | Q(
            schooluserobjectpermission__content_object_id__in=school_ids,
            schooluserobjectpermission__permission__codename=codename,
        ),
        is_active=True,
    ).distinct()


def counsellors_of(school_ids: Collection[int]) -> QuerySet:
    """The counsellors of these schools."""
    return _school_grant_holders(school_ids, COUNSEL_SCHOOL)


def administrators_of(school_ids: Collection[int]) -> QuerySet:
    """The school administrators of these schools (district administrators: see below)."""
    return _school_grant_holders(school_ids, ADMINISTER_SCHOOL)


def staff_by_school(school_ids: Collection[int]) -> dict[int, set[int]]:
    """Per school, the ids of its active staff: teachers of its active classes, its
    counsellors and its administrators, over every grant source; a few queries in all."""
    from schoolwell.roster.models import (
        ClassGroupObjectPermission,
        ClassUserObjectPermission,
        SchoolGroupObjectPermission,
        SchoolUserObjectPermission,
    )

    found: dict[int, set[int]] = {school_id: set() for school_id in school_ids}
    school_codes = (COUNSEL_SCHOOL, ADMINISTER_SCHOOL)
    pairs = [
        SchoolUserObjectPermission.objects.filter(
            content_object_id__in=found, permission__codename__in=school_codes
        ).values_list("content_object_id", "user_id"),
        SchoolGroupObjectPermission.objects.filter(
            content_object_id__in=found, permission__codename__in=school_codes
        ).values_list("content_object_id", "group__user"),
        ClassUserObjectPermission.objects.filter(
            content_object__school_id__in=found,
            content_object__active=True,
            permission__codename=TEACH_CLASS,
        ).values_list("content_object__school_id", "user_id"),
        ClassGroupObjectPermission.objects.filter(
            content_object__school_id__in=found,
            content_object__active=True,
            permission__codename=TEACH_CLASS,
        ).values_list("content_object__school_id", "group__user"),
    ]
    from schoolwell.accounts.models import User

    rows = [(school, user) for query in pairs for school, user in query if user is not None]
    active = set(
        User.objects.filter(pk__in={u for _, u in rows}, is_active=True).values_list(
            "pk", flat=True
        )
    )
    for school, user in rows:
        if user in active:
            found[school].add(user)
    return found


def district_administrators_of(district_ids: Collection[int]) -> QuerySet:
    from schoolwell.accounts.models import User

    return User.objects.filter(
        Q(
            districtuserobjectpermission__content_object_id__in=district_ids,
            districtuserobjectpermission__permission__codename=ADMINISTER_DISTRICT,
        )
        | Q(
            groups__districtgroupobjectpermission__content_object_id__in=district_ids,
            groups__districtgroupobjectpermission__permission__codename=ADMINISTER_DISTRICT,
        ),
        is_active=True,
    ).distinct()


def teachers_of(student) -> QuerySet:
    """The teachers of the student's active classes (active enrollments)."""
    from schoolwell.accounts.models import User
    from schoolwell.roster.models import Enrollment

    class_ids = Enrollment.objects.filter(student=student, active=True).values("klass_id")
    return User.objects.filter(
        classuserobjectpermission__content_object_id__in=class_ids,
        classuserobjectpermission__content_object__active=True,
        classuserobjectpermission__permission__codename=TEACH_CLASS,
        is_active=True,
    ).distinct()


def who_can_access(student) -> dict[str, list]:
    """Everyone who can open this student's record, by role, so nobody has hidden access.
    The mirror of `students()`: every grant source that reaches the student."""
    school_ids = [student.school_id]
    return {
        "teachers": list(teachers_of(student)),
        "counsellors": list(counsellors_of(school_ids)),
        "school_admins": list(administrators_of(school_ids)),
        "district_admins": list(district_administrators_of([student.school.district_id])),
        "guardians": [
            link.guardian
            for link in student.guardian_links.select_related("guardian").filter(
                guardian__is_active=True
            )
        ],
    }
