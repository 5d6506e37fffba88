"""The defaults behind the per-school tables, and the school's answer for each category.

Guardian visibility: every category is shown unless the school hides it. Counsellors'
private notes and restricted safeguarding records are not categories at all: FERPA's
sole-possession records (34 CFR 99.3) are never part of what guardians are shown.

Retention (README, "Retention and erasure"): check-ins 365 days after the student leaves,
screening results 3 years after they were taken, closed referrals and support plans 5 years
after they were closed. Consent history and the disclosure record are kept as long as the
student's record (they are the evidence of what was agreed and who looked).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from schoolwell.lifecycle.models import Category, GuardianVisibility, RetentionRule

DEFAULT_SHOWN = {category: True for category in Category}

DEFAULT_RETENTION_DAYS = {
    Category.CHECKINS: 365,
    Category.SCREENING: 3 * 365,
    Category.SUPPORT: 5 * 365,
}
RETAINED = list(DEFAULT_RETENTION_DAYS)

# What a retention period counts from, per category (shown beside the number of days).
RETENTION_FROM = {
    Category.CHECKINS: _("days after the student leaves"),
    Category.SCREENING: _("days after the screening"),
    Category.SUPPORT: _("days after the referral or plan was closed"),
}

# Records that exist but that guardians are never shown, and why (the page says so).
NEVER_SHOWN = [
    (
        _("Counsellors' private notes"),
        _(
            "A counsellor's private notes are memory aids kept only by their author "
            "(sole-possession records); they are not part of your child's education record."
        ),
    ),
    (
        _("Restricted safeguarding records"),
        _(
            "Risk assessments and safety plans are kept by the school's counsellors only, to "
            "protect your child; the counsellor talks with you about them directly."
        ),
    ),
]


def shown_categories(school_id: int) -> dict[str, bool]:
    """Category → shown to guardians at this school."""
    chosen = dict(
        GuardianVisibility.objects.filter(school_id=school_id).values_list("category", "shown")
    )
    return {category.value: chosen.get(category, DEFAULT_SHOWN[category]) for category in Category}


def retention_days(school_id: int) -> dict[str, int]:
    """Category → days kept at this school (only the categories that expire)."""
    chosen = dict(RetentionRule.objects.filter(school_id=school_id).values_list("category", "days"))
    return {
        category.value: chosen.get(category, DEFAULT_RETENTION_DAYS[category])
        for category in RETAINED
    }
