"""Reads of community coordination, each scoped by the gate for the user."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from schoolwell.accounts import gate
from schoolwell.community.models import (
    Capacity,
    Cost,
    DataSharingAgreement,
    Incident,
    ProviderCategory,
    ProviderReferral,
    TrainingRecord,
)
from schoolwell.community.services import REFERRED_EXTERNAL
from schoolwell.referrals.models import ExternalProvider, Status

EXPIRING_DAYS = 60


def directory(user) -> QuerySet[ExternalProvider]:
    """The active providers of the districts where the user works as staff."""
    return (
        ExternalProvider.objects.filter(
            district_id__in=gate.district_ids_for(user, "community.directory"), active=True
        )
        .select_related("profile")
        .order_by("name", "pk")
    )


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    category = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        label=_("Kind"),
        field_name="profile__category",
        choices=ProviderCategory.choices,
    )
    language = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        label=_("Language"),
        method="speaks",
        # Each language by its own name, as the language chooser shows them.
        choices=[("en", "English"), ("es", "Español"), ("vi", "Tiếng Việt")],
    )
    capacity = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        label=_("Capacity"),
        field_name="profile__capacity",
        choices=Capacity.choices,
    )
    cost = django_filters.ChoiceFilter(
        empty_label=_("Any"), label=_("Cost"), field_name="profile__cost", choices=Cost.choices
    )
    age = django_filters.NumberFilter(label=_("Age of the student"), method="serves_age")

    class Meta:
        model = ExternalProvider
        fields: list[str] = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(services__icontains=value)
            | Q(profile__location__icontains=value)
        )

    def speaks(self, queryset, name, value):
        return queryset.filter(languages__icontains=f'"{value}"')

    def serves_age(self, queryset, name, value):
        return queryset.filter(profile__age_min__lte=value, profile__age_max__gte=value)


def agreements(user) -> QuerySet[DataSharingAgreement]:
    return (
        DataSharingAgreement.objects.filter(
            district_id__in=gate.district_ids_for(user, "community.agreements")
        )
        .select_related("provider")
        .order_by("expires_on", "pk")
    )


def expiring_agreements(user, today: dt.date, days: int = EXPIRING_DAYS):
    return agreements(user).filter(
        expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=days)
    )


def children_referred_out(user):
    """The user's children (as their guardian) with a referral out to a provider."""
    from schoolwell.roster.models import Student

    return (
        Student.objects.filter(
            pk__in=gate.students(user, "student.guard"),
            referrals__provider_loops__isnull=False,
        )
        .distinct()
        .order_by("given_name", "pk")
    )


def referral_loops(referral) -> list[ProviderReferral]:
    return list(referral.provider_loops.select_related("provider", "agreement").order_by("pk"))


@dataclass
class Coverage:
    school: object
    staff: int
    trained: int
    expiring: int

    @property
    def share(self) -> int | None:
        return round(100 * self.trained / self.staff) if self.staff else None


def school_staff_ids(school_id: int) -> set[int]:
    """Teachers of the school's active classes, its counsellors and its administrators."""
    return gate.staff_by_school([school_id])[school_id]


def training_coverage(user, today: dt.date) -> list[Coverage]:
    """Per school the user administers: staff with a current training, and how many of
    those expire within EXPIRING_DAYS, in a constant number of queries. Counts of staff,
    not of students: the small-cell rule for students does not apply."""
    schools = list(gate.schools(user, "community.training").order_by("name"))
    staff = gate.staff_by_school([s.pk for s in schools])
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    trained: dict[int, set[int]] = {s.pk: set() for s in schools}
    lasting: dict[int, set[int]] = {s.pk: set() for s in schools}
    current = TrainingRecord.objects.filter(school_id__in=trained).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    for school_id, staff_id, expires in current.values_list("school_id", "staff_id", "expires_on"):
        if staff_id in staff[school_id]:
            trained[school_id].add(staff_id)
            if expires is None or expires > soon:
                lasting[school_id].add(staff_id)
    return [
        Coverage(
            s,
            len(staff[s.pk]),
            len(trained[s.pk]),
            len(trained[s.pk] - lasting[s.pk]),
        )
        for s in schools
    ]


def training_records(user) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(
        school_id__in=gate.school_ids(user, "community.training")
    ).select_related("staff", "school")


@dataclass
class AfterAction:
    affected_students: int
    classes: int
    contacts: int
    students_seen: int
    needs: list[tuple[str, int]]
    follow_ups: list[tuple[str, int]]
    referrals: int
    referrals_out: int
    providers: int
    screened: int


def affected_students(incident: Incident):
    """The students an incident affects: those named, those in its classes, those in its
    grades at its school."""
    from schoolwell.roster.models import Enrollment, Student

    return Student.objects.filter(
        Q(pk__in=incident.students.values("pk"))
        | Q(
            pk__in=Enrollment.objects.filter(klass__in=incident.classes.all(), active=True).values(
                "student_id"
            )
        )
        | Q(school_id=incident.school_id, grade__in=incident.grades or [-99])
    )


def after_action(incident: Incident) -> AfterAction:
    """The counts of an incident's after-action summary."""
    from schoolwell.community.models import FollowUp, Need
    from schoolwell.screening.models import ScreeningResult

    affected = affected_students(incident)
    contacts = list(incident.contacts.all())
    needs = Counter(n for c in contacts for n in c.needs)
    follow = Counter(c.follow_up for c in contacts)
    screened = 0
    if incident.screening_window_id:
        screened = (
            ScreeningResult.objects.filter(
                window_id=incident.screening_window_id, student__in=affected
            )
            .values("student")
            .distinct()
            .count()
        )
    referrals = incident.referrals.all()
    return AfterAction(
        affected_students=affected.count(),
        classes=incident.classes.count(),
        contacts=len(contacts),
        students_seen=len({c.student_id for c in contacts}),
        needs=[(Need(k).label, v) for k, v in needs.most_common() if k in Need.values],
        follow_ups=[
            (FollowUp(k).label, v) for k, v in follow.most_common() if k in FollowUp.values
        ],
        referrals=referrals.count(),
        referrals_out=referrals.filter(
            Q(status=Status.REFERRED_OUT) | Q(outcome=REFERRED_EXTERNAL)
        ).count(),
        providers=incident.providers.count(),
        screened=screened,
    )
