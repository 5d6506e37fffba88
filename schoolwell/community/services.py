"""Writes of community coordination (issue 17). Each runs in one transaction, asks the gate
and writes its own audit rows (disclosures go on the student's record, FERPA 99.32)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.audit.models import AccessLog
from schoolwell.audit.services import access_log_record
from schoolwell.community.models import (
    ConsentScope,
    DataCategory,
    DataSharingAgreement,
    Incident,
    LoopOutcome,
    PFAContact,
    ProviderConsent,
    ProviderProfile,
    ProviderReferral,
    TrainingRecord,
)
from schoolwell.referrals.models import ExternalProvider, Referral
from schoolwell.roster.models import School, Student

# The provider's link: how long it opens, and after how many days without an
# acknowledgement the counsellor is reminded (and again every as many days).
LINK_DAYS = 21
REMIND_AFTER_DAYS = 5
REFERRED_EXTERNAL = "referred_external"


class CommunityError(Exception):
    """A refusal with a reason the user can act on (a 400 or a message on the page)."""


class LinkGone(CommunityError):
    """The provider's link was used to completion, or has expired (410)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require(user: User, action: str, obj) -> None:
    if not gate.may(user, action, obj):
        raise CommunityError(_("You may not do this here."))


# --- The directory and agreements -------------------------------------------------------


@transaction.atomic
def provider_profile_save(*, provider: ExternalProvider, by: User, **fields) -> ProviderProfile:
    _require(by, "community.directory.edit", provider)
    if fields.get("age_min", 0) > fields.get("age_max", 99):
        raise CommunityError(_("The youngest age must not be above the oldest."))
    profile, _created = ProviderProfile.objects.update_or_create(provider=provider, defaults=fields)
    return profile


def active_agreement(provider: ExternalProvider, day: dt.date) -> DataSharingAgreement | None:
    return (
        DataSharingAgreement.objects.filter(
            provider=provider,
            district_id=provider.district_id,
            starts_on__lte=day,
            expires_on__gte=day,
        )
        .order_by("-expires_on")
        .first()
    )


@transaction.atomic
def agreement_create(
    *,
    provider: ExternalProvider,
    by: User,
    categories: Iterable[str],
    purpose: str,
    starts_on: dt.date,
    expires_on: dt.date,
    document_ref: str,
    now: dt.datetime | None = None,
) -> DataSharingAgreement:
    _require(by, "community.agreements", provider)
    categories = sorted(set(categories))
    if not categories or any(c not in DataCategory.values for c in categories):
        raise CommunityError(_("Choose the categories of data the agreement covers."))
    if expires_on <= starts_on:
        raise CommunityError(_("The agreement must expire after it starts."))
    if not purpose.strip() or not document_ref.strip():
        raise CommunityError(_("Give the purpose and the signed document's reference."))
    return DataSharingAgreement.objects.create(
        district_id=provider.district_id,
        provider=provider,
        categories=categories,
        purpose=purpose.strip()[:300],
        starts_on=starts_on,
        expires_on=expires_on,
        document_ref=document_ref.strip()[:200],
        created_by=by,
        created_at=now or timezone.now(),
    )


# --- Consent per provider, the refer-out checks and the loop ---------------------------


def _category(provider: ExternalProvider) -> str:
    profile = ProviderProfile.objects.filter(provider=provider).first()
    return profile.category if profile else ""


@transaction.atomic
def provider_consent_record(
    *,
    referral: Referral,
    provider: ExternalProvider,
    by: User,
    scope: str,
    granted: bool,
    guardian_name: str,
    channel: str,
    now: dt.datetime | None = None,
) -> ProviderConsent:
    """A guardian's decision for this referral, covering one provider or its kind."""
    _require(by, "referral.work", referral)
    if provider.district_id != referral.student.school.district_id:
        raise CommunityError(_("Unknown provider."))
    if scope not in ConsentScope.values or channel not in ProviderConsent.Channel.values:
        raise CommunityError(_("Choose what the consent covers and how it was given."))
    if not guardian_name.strip():
        raise CommunityError(_("Name the guardian who decided."))
    category = _category(provider) if scope == ConsentScope.CATEGORY else ""
    if scope == ConsentScope.CATEGORY and not category:
        raise CommunityError(_("This provider has no kind in the directory yet."))
    return ProviderConsent.objects.create(
        referral=referral,
        student=referral.student,
        provider=provider,
        scope=scope,
        category=category,
        granted=granted,
        guardian_name=guardian_name.strip()[:120],
        channel=channel,
        recorded_by=by,
        at=now or timezone.now(),
    )


def covering_consent(referral: Referral, provider: ExternalProvider) -> ProviderConsent | None:
    """The latest decision on this referral that covers the provider, if it is a grant."""
    category = _category(provider)
    for consent in referral.provider_consents.order_by("-at", "-pk"):
        if consent.covers(provider, category):
            return consent if consent.granted else None
    return None


def refer_out_check(*, referral: Referral, provider: ExternalProvider, now: dt.datetime) -> str:
    """Registered in referrals' refer-out: an active agreement, and consent for this provider."""
    if active_agreement(provider, timezone.localdate(now)) is None:
        return _(
            "There is no active data-sharing agreement with %(provider)s; an administrator "
            "must record one before anything is shared."
        ) % {"provider": provider.name}
    if covering_consent(referral, provider) is None:
        return _(
            "The guardian has not consented to sharing with %(provider)s (or providers of its "
            "kind) for this referral; record their decision first."
        ) % {"provider": provider.name}
    return ""


def loop_open(
    *, referral: Referral, provider: ExternalProvider, by: User, now: dt.datetime
) -> None:
    """Registered as a refer-out hook: the loop starts, its link not yet issued."""
    ProviderReferral.objects.create(
        referral=referral,
        provider=provider,
        agreement=active_agreement(provider, timezone.localdate(now)),
        consent=covering_consent(referral, provider),
        token_hash=token_hash(secrets.token_urlsafe(32)),
        link_expires_at=now,
        created_by=by,
        created_at=now,
    )


@transaction.atomic
def loop_link_issue(
    *, loop: ProviderReferral, by: User, now: dt.datetime | None = None, request=None
) -> str:
    """A new link for the provider (any earlier one stops working); shown once."""
    _require(by, "referral.work", loop.referral)
    loop = ProviderReferral.objects.select_for_update().get(pk=loop.pk)
    if loop.completed_at:
        raise CommunityError(_("The provider has already reported back."))
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    loop.token_hash = token_hash(token)
    loop.link_issued_at = now
    loop.link_expires_at = now + dt.timedelta(days=LINK_DAYS)
    loop.save(update_fields=["token_hash", "link_issued_at", "link_expires_at"])
    # FERPA 99.32: the link discloses the agreement's categories to the provider.
    access_log_record(
        user=by,
        student=loop.referral.student,
        what="referral",
        action=AccessLog.Action.DISCLOSE,
        detail=(f"link for {loop.provider.name}: " + ", ".join(loop.agreement.categories))[:255],
        request=request,
    )
    return token


def loop_for_token(token: str, *, now: dt.datetime | None = None) -> ProviderReferral:
    """The loop a provider's link opens; LinkGone once completed or expired."""
    loop = (
        ProviderReferral.objects.select_related("provider", "agreement", "referral__student")
        .filter(token_hash=token_hash(token[:200]))
        .first()
    )
    if loop is None or loop.link_issued_at is None:
        raise CommunityError(_("This link is not valid."))
    if loop.completed_at or loop.link_expires_at <= (now or timezone.now()):
        raise LinkGone(_("This link has been used or has expired. Contact the school."))
    return loop


@transaction.atomic
def loop_report(
    *,
    token: str,
    acknowledge: bool = False,
    first_appointment_on: dt.date | None = None,
    outcome: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> ProviderReferral:
    """The provider's answer through their link: acknowledge, a first appointment, an
    outcome (which completes the loop and ends the link)."""
    now = now or timezone.now()
    loop = loop_for_token(token, now=now)
    loop = ProviderReferral.objects.select_for_update().get(pk=loop.pk)
    if loop.completed_at:
        raise LinkGone(_("This link has been used or has expired. Contact the school."))
    if outcome and outcome not in LoopOutcome.values:
        raise CommunityError(_("Choose an outcome from the list."))
    if (first_appointment_on or outcome) and not (acknowledge or loop.acknowledged_at):
        raise CommunityError(_("Acknowledge the referral first."))
    fields = []
    if acknowledge and not loop.acknowledged_at:
        loop.acknowledged_at = now
        fields.append("acknowledged_at")
    if first_appointment_on:
        if abs((first_appointment_on - timezone.localdate(now)).days) > 366:
            raise CommunityError(_("Give a date within a year."))
        loop.first_appointment_on = first_appointment_on
        fields.append("first_appointment_on")
    if outcome:
        loop.outcome, loop.outcome_note, loop.completed_at = outcome, note.strip()[:500], now
        fields += ["outcome", "outcome_note", "completed_at"]
    if not fields:
        raise CommunityError(_("Nothing to record."))
    loop.save(update_fields=fields)
    return loop


def close_check(*, referral: Referral, outcome: str) -> str:
    """Registered as a close validator: "referred to an external provider" needs a loop."""
    if outcome == REFERRED_EXTERNAL and not referral.provider_loops.exists():
        return _(
            "“Referred to an external provider” needs a referral out to a provider of the "
            "directory first."
        )
    return ""


@transaction.atomic
def provider_refer_out(
    *, referral: Referral, provider: ExternalProvider, by: User, request=None
) -> tuple[ProviderReferral, str]:
    """Refer out to a directory provider: the referral's own step (consent, agreement,
    disclosure record), the loop, and the provider's link."""
    from schoolwell.referrals import services as referral_services

    referral_services.referral_refer_out(
        referral=referral, by=by, provider=provider, request=request
    )
    loop = referral.provider_loops.order_by("-pk").first()
    token = loop_link_issue(loop=loop, by=by, request=request)
    loop.refresh_from_db()
    return loop, token


# --- Training ---------------------------------------------------------------------------


@transaction.atomic
def training_records_add(*, school: School, by: User, rows: list[dict], now=None) -> int:
    """Training records (one import, or one form), all or none."""
    _require(by, "community.training", school)
    now = now or timezone.now()
    records = [TrainingRecord(school=school, recorded_by=by, created_at=now, **row) for row in rows]
    TrainingRecord.objects.bulk_create(records, ignore_conflicts=True)
    return len(records)


# --- Incidents --------------------------------------------------------------------------


@transaction.atomic
def incident_open(
    *,
    school: School,
    by: User,
    kind: str,
    title: str,
    team: Iterable[User],
    classes=(),
    grades: Iterable[int] = (),
    students: Iterable[Student] = (),
    now: dt.datetime | None = None,
) -> Incident:
    _require(by, "incident.open", school)
    team, classes, students = list(team), list(classes), list(students)
    staff = gate.staff_by_school([school.pk])[school.pk]
    if not team or any(u.pk not in staff for u in team):
        raise CommunityError(_("The response team must be staff of the school."))
    if any(c.school_id != school.pk for c in classes) or any(
        s.school_id != school.pk for s in students
    ):
        raise CommunityError(_("Affected classes and students must be of this school."))
    incident = Incident.objects.create(
        school=school,
        kind=kind,
        title=title.strip()[:200],
        opened_by=by,
        opened_at=now or timezone.now(),
        grades=sorted(set(grades)),
    )
    incident.team.set(team)
    incident.classes.set(classes)
    incident.students.set(students)
    return incident


def _require_team(by: User, incident: Incident) -> None:
    if not gate.may(by, "incident.respond", incident):
        raise CommunityError(_("Only the incident's response team can do this."))
    if incident.status == Incident.Status.CLOSED:
        raise CommunityError(_("This incident is closed."))


@transaction.atomic
def pfa_contact_record(
    *,
    incident: Incident,
    by: User,
    student: Student,
    needs: Iterable[str],
    follow_up: str,
    now: dt.datetime | None = None,
) -> PFAContact:
    _require_team(by, incident)
    if student.school_id != incident.school_id:
        raise CommunityError(_("Choose a student of this school."))
    contact = PFAContact.objects.create(
        incident=incident,
        student=student,
        seen_by=by,
        seen_at=now or timezone.now(),
        needs=sorted(set(needs)),
        follow_up=follow_up,
    )
    access_log_record(user=by, student=student, what="referral", detail="incident contact")
    return contact


@transaction.atomic
def incident_link(
    *, incident: Incident, by: User, window=None, providers=(), referrals=()
) -> Incident:
    """The targeted screening, community providers engaged and referrals raised from it."""
    _require_team(by, incident)
    if window is not None:
        if window.school_id != incident.school_id:
            raise CommunityError(_("Choose a screening window of this school."))
        incident.screening_window = window
        incident.save(update_fields=["screening_window"])
    district_id = incident.school.district_id
    if any(p.district_id != district_id for p in providers):
        raise CommunityError(_("Unknown provider."))
    if any(r.school_id != incident.school_id for r in referrals):
        raise CommunityError(_("Choose a referral of this school."))
    incident.providers.add(*providers)
    incident.referrals.add(*referrals)
    return incident


@transaction.atomic
def incident_close(
    *, incident: Incident, by: User, summary: str, now: dt.datetime | None = None
) -> Incident:
    _require_team(by, incident)
    if not gate.may(by, "incident.open", incident):
        raise CommunityError(_("An administrator of the school closes the incident."))
    if not summary.strip():
        raise CommunityError(_("Write the after-action summary."))
    incident.status = Incident.Status.CLOSED
    incident.closed_at = now or timezone.now()
    incident.summary = summary.strip()[:5000]
    incident.save(update_fields=["status", "closed_at", "summary"])
    return incident
