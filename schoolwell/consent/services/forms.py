"""Consent forms: drafts, versions, publishing, defaults, settings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts.models import User
from schoolwell.consent.defaults import default_forms
from schoolwell.consent.gating import (
    school_year_now,
)
from schoolwell.consent.models import (
    ConsentForm,
    Policy,
    Purpose,
    SchoolConsentSettings,
)
from schoolwell.consent.services._common import (
    TEXT_FIELDS,
    require_administrator,
)
from schoolwell.consent.services.notices import consent_notices_send
from schoolwell.core.figures import school_consent_changed
from schoolwell.roster.models import School


def _next_version(school: School, purpose: str) -> int:
    latest = ConsentForm.objects.filter(school=school, purpose=purpose).aggregate(v=Max("version"))[
        "v"
    ]
    return (latest or 0) + 1


@transaction.atomic
def consent_form_draft_create(
    *,
    school: School,
    purpose: str,
    by: User,
    school_year: int | None = None,
    copy_from: ConsentForm | None = None,
) -> ConsentForm:
    """A new draft version: a copy of `copy_from`, or of the school's latest version, or of
    the shipped default text. Publishing it later never changes earlier versions."""
    require_administrator(by, school.pk)
    source = copy_from or (
        ConsentForm.objects.filter(school=school, purpose=purpose).order_by("-version").first()
    )
    if source is not None and (source.school_id != school.pk or source.purpose != purpose):
        raise ValidationError(_("A draft can only copy a form of the same school and purpose."))
    if source is not None:
        fields = {f: getattr(source, f) for f in TEXT_FIELDS}
        fields.update(policy=source.policy, notice_days=source.notice_days)
    elif purpose in default_forms():
        item = default_forms()[purpose]
        fields = {f: item[f] for f in TEXT_FIELDS}
        fields.update(policy=item["default_policy"], notice_days=item["default_notice_days"])
    else:
        fields = {"policy": Policy.ACTIVE, "notice_days": 14}
    return ConsentForm.objects.create(
        school=school,
        purpose=purpose,
        version=_next_version(school, purpose),
        school_year=school_year or school_year_now(school),
        created_by=by,
        **fields,
    )


@transaction.atomic
def consent_form_draft_update(*, form: ConsentForm, by: User, **changes) -> ConsentForm:
    """Change a draft's text, policy, notice period or school year (never a published one)."""
    require_administrator(by, form.school_id)
    form = ConsentForm.objects.select_for_update().get(pk=form.pk)
    if form.is_published:
        raise ValidationError(_("This version is published and can no longer be changed."))
    allowed = {*TEXT_FIELDS, "policy", "notice_days", "school_year"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(form, name, value)
    form.clean_fields(exclude=[*TEXT_FIELDS, "school", "created_by", "published_by"])
    form.save()
    return form


@transaction.atomic
def consent_form_publish(
    *,
    form: ConsentForm,
    by: User,
    portal_url: str = "",
    notify: bool = True,
    confirmed_voids: int | None = None,
) -> ConsentForm:
    """Publish a draft: from now on it is the version families decide on, and immutable.

    Decisions on the version it replaces stop counting (PPRA: consent never carries into a
    new version), so when any would, the caller must pass the number of consents it
    confirmed voiding (`consent_publish_impact`); a different number is refused.

    Guardians are emailed (in their language) unless the purpose is asked per student
    (sharing with an outside provider is requested referral by referral)."""
    from schoolwell.consent.selectors import consent_publish_impact

    require_administrator(by, form.school_id)
    form = ConsentForm.objects.select_for_update().get(pk=form.pk)
    if form.is_published:
        raise ValidationError(_("This version is already published."))
    impact = consent_publish_impact(form)
    if impact.voided and confirmed_voids != impact.voided:
        raise ValidationError(
            _("Publishing this version voids %(n)s consents in effect: confirm that first.")
            % {"n": impact.voided}
        )
    newer = ConsentForm.objects.filter(
        school_id=form.school_id,
        purpose=form.purpose,
        version__gt=form.version,
        published_at__isnull=False,
    )
    if newer.exists():
        # Versions only move forward: an older draft never replaces a newer published text.
        raise ValidationError(_("A newer version is already published; copy it instead."))
    if any(not getattr(form, field).get("en") for field in TEXT_FIELDS):
        raise ValidationError(_("A form needs at least its English text and button labels."))
    form.published_at = timezone.now()
    form.published_by = by
    # Bypasses the published guard once: this save is the act of publishing.
    ConsentForm.objects.filter(pk=form.pk).update(published_at=form.published_at, published_by=by)
    form._published_in_db = True
    school_consent_changed([form.school_id])  # the version in force changed
    if notify and form.purpose != Purpose.EXTERNAL_SHARING:
        consent_notices_send(form=form, by=by, portal_url=portal_url)
    return form


@transaction.atomic
def consent_form_withdraw(*, form: ConsentForm, by: User) -> ConsentForm:
    """Take a version out of use (it stays on record with every decision made on it)."""
    require_administrator(by, form.school_id)
    form.active = False
    form.save(update_fields=["active"])
    school_consent_changed([form.school_id])
    return form


@transaction.atomic
def consent_default_forms_create(
    *, school: School, by: User, school_year: int | None = None, publish: bool = False
) -> list[ConsentForm]:
    """The shipped default forms (fixtures/consent/forms.json) for a school's year, for the
    purposes it has no form for that year yet."""
    require_administrator(by, school.pk)
    year = school_year or school_year_now(school)
    existing = set(
        ConsentForm.objects.filter(school=school, school_year=year).values_list(
            "purpose", flat=True
        )
    )
    created = []
    for purpose in default_forms():
        if purpose in existing:
            continue
        form = consent_form_draft_create(school=school, purpose=purpose, by=by, school_year=year)
        if publish:
            form = consent_form_publish(form=form, by=by, notify=False)
        created.append(form)
    return created


@transaction.atomic
def consent_settings_update(
    *, school: School, by: User, minor_self_consent: bool, minor_self_consent_age: int
) -> SchoolConsentSettings:
    require_administrator(by, school.pk)
    settings, _created = SchoolConsentSettings.objects.get_or_create(school=school)
    settings.minor_self_consent = minor_self_consent
    settings.minor_self_consent_age = minor_self_consent_age
    settings.full_clean(exclude=["school"])
    settings.save()
    school_consent_changed([school.pk])  # minor self-consent decides some students' state
    return settings
