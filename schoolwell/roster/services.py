"""Writes to the roster that change who may see what. Every grant goes through here, and
each bumps the grants version of the users it touches (so their cached scope is dropped)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import Role, grants_changed
from schoolwell.core.figures import school_consent_changed
from schoolwell.roster.models import (
    Class,
    ClassUserObjectPermission,
    District,
    GuardianLink,
    School,
    Student,
)

SCHOOL_ROLE_PERMS = {
    Role.COUNSELLOR: "roster.counsel_school",
    Role.SCHOOL_ADMIN: "roster.administer_school",
}


def school_staff_group(*, school: School, role: Role) -> Group:
    """The per-school group whose members hold `role` at `school` (created on first use)."""
    perm = SCHOOL_ROLE_PERMS[role]
    group, created = Group.objects.get_or_create(name=f"school:{school.code}:{role.value}")
    if created:
        assign_perm(perm, group, school)
    return group


@transaction.atomic
def school_staff_add(*, school: School, user: User, role: Role) -> None:
    user.groups.add(school_staff_group(school=school, role=role))
    grants_changed(users=[user])


@transaction.atomic
def school_staff_remove(*, school: School, user: User, role: Role) -> None:
    user.groups.remove(school_staff_group(school=school, role=role))
    grants_changed(users=[user])


def district_create(*, code: str, name: str, sourced_id: str | None = None) -> District:
    """A new district (first run: before the first roster import, or from its orgs.csv)."""
    district = District(code=code, name=name.strip(), sourced_id=sourced_id or None)
    district.full_clean()  # a clear error for a bad or taken code, never an IntegrityError
    with transaction.atomic():
        district.save()
    return district


@transaction.atomic
def district_admin_add(*, district: District, user: User) -> None:
    assign_perm("roster.administer_district", user, district)
    grants_changed(users=[user])


@transaction.atomic
def class_set_teachers(*, klass: Class, teachers: Iterable[User]) -> None:
    """Make exactly `teachers` the teachers of `klass` (grants `teach_class` on it)."""
    wanted = {t.pk: t for t in teachers}
    current = set(
        ClassUserObjectPermission.objects.filter(
            content_object=klass, permission__codename="teach_class"
        ).values_list("user_id", flat=True)
    )
    for user_id in current - wanted.keys():
        remove_perm("roster.teach_class", User(pk=user_id), klass)
    for user_id in wanted.keys() - current:
        assign_perm("roster.teach_class", wanted[user_id], klass)
    grants_changed(
        users=[wanted[pk] for pk in wanted.keys() - current], user_ids=current - wanted.keys()
    )


def _teach_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="roster", codename="teach_class")


@transaction.atomic
def class_teachers_add_many(*, pairs: Iterable[tuple[int, int]]) -> int:
    """Grant `teach_class` for each (user id, class id) pair; returns how many were new.

    The roster import's path to teacher grants: a constant number of queries however many
    pairs, where `class_set_teachers` costs a few per class.
    """
    pairs = set(pairs)
    if not pairs:
        return 0
    perm = _teach_permission()
    existing = set(
        ClassUserObjectPermission.objects.filter(
            permission=perm,
            user_id__in={u for u, _ in pairs},
            content_object_id__in={c for _, c in pairs},
        ).values_list("user_id", "content_object_id")
    )
    new = [
        ClassUserObjectPermission(user_id=u, content_object_id=c, permission=perm)
        for u, c in pairs - existing
    ]
    ClassUserObjectPermission.objects.bulk_create(new)
    grants_changed(user_ids={grant.user_id for grant in new})
    return len(new)


@transaction.atomic
def class_teachers_remove_many(
    *, pairs: Iterable[tuple[int, int]] = (), class_ids: Iterable[int] = ()
) -> int:
    """Withdraw `teach_class` for (user id, class id) pairs and on whole classes."""
    pairs, class_ids = set(pairs), set(class_ids)
    grants = ClassUserObjectPermission.objects.filter(permission__codename="teach_class")
    doomed = set()
    if class_ids:
        doomed |= set(grants.filter(content_object_id__in=class_ids).values_list("pk", flat=True))
    if pairs:
        candidates = grants.filter(
            user_id__in={u for u, _ in pairs}, content_object_id__in={c for _, c in pairs}
        ).values_list("pk", "user_id", "content_object_id")
        doomed |= {pk for pk, u, c in candidates if (u, c) in pairs}
    if doomed:
        doomed_grants = ClassUserObjectPermission.objects.filter(pk__in=doomed)
        grants_changed(user_ids=set(doomed_grants.values_list("user_id", flat=True)))
        doomed_grants.delete()
    return len(doomed)


def class_teachers(klass: Class):
    return User.objects.filter(
        classuserobjectpermission__content_object=klass,
        classuserobjectpermission__permission__codename="teach_class",
    )


@transaction.atomic
def guardian_links_remove_many(*, guardian_ids: Iterable[int], district: District) -> int:
    """Withdraw these guardians' links to the district's students (the records stay)."""
    guardian_ids = list(guardian_ids)
    deleted, _ = GuardianLink.objects.filter(
        guardian_id__in=guardian_ids, student__school__district=district
    ).delete()
    if deleted:
        grants_changed(user_ids=guardian_ids)
        districts_consent_changed(district_ids=[district.pk])  # only linked guardians count
    return deleted


@transaction.atomic
def guardian_link_set(
    *,
    guardian: User,
    student: Student,
    relationship: str = GuardianLink.Relationship.PARENT,
    may_consent: bool = True,
) -> GuardianLink:
    link, _ = GuardianLink.objects.update_or_create(
        guardian=guardian,
        student=student,
        defaults={"relationship": relationship, "may_consent": may_consent},
    )
    grants_changed(users=[guardian])
    school_consent_changed([student.school_id])  # may_consent decides whose word counts
    return link


def districts_consent_changed(*, district_ids: Iterable[int | None]) -> None:
    """Students, guardian links or the school year of these districts changed (an import,
    a term edited): every school's consent coverage is derived again."""
    ids = {pk for pk in district_ids if pk is not None}
    school_consent_changed(School.objects.filter(district_id__in=ids).values_list("pk", flat=True))


@transaction.atomic
def staff_invite(
    *,
    school: School,
    email: str,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    request=None,
) -> User:
    """Give `role` at `school` to the account with this email, creating it if needed.

    A new account gets no password: the person chooses one through the emailed reset link,
    so no administrator ever knows a colleague's password.
    """
    from django.contrib.auth.forms import PasswordResetForm

    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.save()
        form = PasswordResetForm({"email": email})
        if form.is_valid():
            # PasswordResetForm skips unusable passwords; invitations must still reach them.
            form.get_users = lambda _email: [user]
            transaction.on_commit(
                lambda: form.save(
                    request=request,
                    use_https=bool(request and request.is_secure()),
                    subject_template_name="registration/invitation_subject.txt",
                    email_template_name="registration/invitation_email.html",
                )
            )
    school_staff_add(school=school, user=user, role=role)
    return user
