"""Writes of the API app: issuing and revoking integration tokens (one transaction each).

The token row is its own record of who issued it, when, for whom and for which schools,
and who revoked it; the key itself is shown once and never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell.accounts import gate
from schoolwell.accounts.models import User
from schoolwell.api.models import ApiToken
from schoolwell.roster.models import School

KEY_BYTES = 32
PREFIX_LENGTH = 8
MAX_DAYS = 366


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def api_token_issue(
    *,
    user: User,
    name: str,
    schools: Collection[School] = (),
    days: int | None = 90,
    by: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key (the only time the key exists).

    `by`: the administrator issuing it on the tokens page, who may narrow it only to schools
    they administer and issue it only to someone working at one of them. None: the
    `api_token` command, run by whoever runs the server."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("A token lasts 1 to %(max)d days.") % {"max": MAX_DAYS}})
    schools = list(schools)
    if by is not None:
        if not schools:
            raise ValidationError({"schools": _("Choose at least one school.")})
        if not all(gate.may(by, "api.tokens.manage", school) for school in schools):
            raise PermissionDenied(_("You can only issue tokens for schools you administer."))
        if user.pk != by.pk and not any(gate.may(user, "school.work", s) for s in schools):
            raise ValidationError({"user": _("This person does not work at these schools.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    key = secrets.token_urlsafe(KEY_BYTES)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            key_hash=key_hash(key),
            prefix=key[:PREFIX_LENGTH],
            created_at=now,
            created_by=by,
            expires_at=now + dt.timedelta(days=days) if days else None,
        )
        token.schools.set(schools)
    return token, key


def api_token_revoke(*, token: ApiToken, by: User | None) -> ApiToken:
    """Revoke at once: the next request with the key is refused."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = by
            token.save(update_fields=["revoked_at", "revoked_by"])
    return token
