"""The one gate of the safety pathway: only counsellors of the student's school read or
write it. Teachers (even the one who raised the concern), guardians and administrators who
do not also counsel there get a 404, as for any record outside their scope."""

from __future__ import annotations

from django.http import Http404

from schoolwell.accounts.models import User
from schoolwell.accounts.roles import access_scope
from schoolwell.referrals.models import Referral


def may_counsel(user: User, school_id: int) -> bool:
    return school_id in access_scope(user).counsel_school_ids


def pathway_referral(*, user: User, pk: int) -> Referral:
    """A referral whose pathway the user may work; 404 otherwise."""
    referral = (
        Referral.objects.filter(pk=pk, school_id__in=access_scope(user).counsel_school_ids)
        .select_related("student__school", "assignee")
        .first()
    )
    if referral is None:
        raise Http404
    return referral
