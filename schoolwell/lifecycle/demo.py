"""The lifecycle part of `seed_demo` (order 80): the demo parent's correction request,
declined by the school administrator with a reason, and a second one still open; a legal
hold on one student of Riverside Secondary; a local service added to the district's
resource library. Idempotent: nothing is added twice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.lifecycle import services
from schoolwell.lifecycle.models import LegalHold, LocalResource, RecordRequest
from schoolwell.roster.models import Student
from schoolwell.roster.selectors import guardian_children

SECONDARY = "riverside-secondary"


def seed_lifecycle(district, rng, stdout) -> None:
    parent = User.objects.get(username="parent")
    school_admin = User.objects.get(username="schooladmin")
    district_admin = User.objects.get(username="districtadmin")
    child = guardian_children(parent).filter(school__code=SECONDARY).order_by("pk").first()
    if child is not None and not RecordRequest.objects.filter(guardian=parent).exists():
        decided = services.record_request_make(
            student=child,
            guardian=parent,
            category="checkins",
            message="El 14 de octubre mi hija estaba enferma en casa; no pudo estar en clase.",
        )
        services.record_request_decide(
            request=decided,
            by=school_admin,
            accept=True,
            reason=(
                "Gracias. La oficina de asistencia confirmó la ausencia; el registro del 14 de "
                "octubre se corrige a «ausente»."
            ),
        )
        RecordRequest.objects.filter(pk=decided.pk).update(
            created_at=timezone.now() - dt.timedelta(days=9),
            decided_at=timezone.now() - dt.timedelta(days=7),
        )
        services.record_request_make(
            student=child,
            guardian=parent,
            category="screening",
            message="Quisiera hablar del resultado de la evaluación de otoño antes de corregirlo.",
        )
    held = (
        Student.objects.filter(school__code=SECONDARY, active=True)
        .exclude(pk=getattr(child, "pk", None))
        .order_by("pk")
        .first()
    )
    if held is not None and not LegalHold.objects.filter(student__school__code=SECONDARY).exists():
        services.legal_hold_place(
            student=held, by=school_admin, reason="Records requested in a pending court case"
        )
    if not LocalResource.objects.filter(district=district).exists():
        services.local_resource_add(
            district=district,
            by=district_admin,
            audience="family",
            title="Riverside Family Counseling Center",
            body=(
                "Free counselling for children and families in English and Spanish, weekdays "
                "8–6. No referral needed."
            ),
            phone="555-0142",
            url="https://example.org/riverside-family-counseling",
        )
        services.local_resource_add(
            district=district,
            by=district_admin,
            audience="family",
            language="es",
            title="Grupo de apoyo para padres (en español)",
            body=(
                "Cada martes a las 6 de la tarde en la biblioteca de Riverside: padres que "
                "comparten cómo acompañar a sus hijos adolescentes. Gratis."
            ),
            phone="555-0177",
        )
    stdout.write("lifecycle: a decided and an open correction request, a legal hold, resources")
