"""The API part of `seed_demo` (order 95): the district's student information system
holds a token of the school administrator, narrowed to Riverside Secondary and used
recently, and an older revoked one shows on the tokens page. Idempotent.

The keys are random and never printed: a demo visitor issues their own on the page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from schoolwell.accounts.models import User
from schoolwell.api.models import ApiToken
from schoolwell.api.services import api_token_issue, api_token_revoke

SECONDARY = "riverside-secondary"


def seed_api(district, rng, stdout) -> None:
    admin = User.objects.filter(username="schooladmin").first()
    school = district.schools.filter(code=SECONDARY).first()
    if admin is None or school is None or ApiToken.objects.filter(user=admin).exists():
        return
    old, _key = api_token_issue(
        user=admin, name="Gradebook sync (2025)", schools=[school], days=365, by=admin
    )
    api_token_revoke(token=old, by=admin)
    token, _key = api_token_issue(
        user=admin, name="Student information system", schools=[school], days=90, by=admin
    )
    ApiToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - dt.timedelta(minutes=rng.randint(5, 90))
    )
    stdout.write("API: 2 integration tokens for the school administrator (1 revoked).")
