"""Authentication of API requests: `Authorization: Token <key>`, or the session.

A token acts as its user through the same gate as the pages: its schools (when it has
any) narrow the user's cached scope (`roles.AccessScope`), so every selector, service and
`gate.may` call of the request sees only those schools. No second permission system.

Token requests carry no session: the second-factor rule of SecondFactorMiddleware (which
sees an anonymous request at that point) applies to the sessions that issue the tokens.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from schoolwell.accounts.roles import AccessScope, access_scope
from schoolwell.api.models import ApiToken
from schoolwell.api.services import key_hash

# last_used_at is written at most this often per token: not a write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_KEY_LENGTH = 200


def narrowed_scope(scope: AccessScope, school_ids: frozenset[int]) -> AccessScope:
    """The scope limited to these schools: school grants, the classes of those schools,
    district grants only for a district whose every school is kept (otherwise the kept
    schools are administered one by one). A guardian's own children are kept."""
    from schoolwell.roster.models import Class, School

    class_ids = frozenset(
        Class.objects.filter(pk__in=scope.class_ids, school_id__in=school_ids).values_list(
            "pk", flat=True
        )
        if scope.class_ids
        else ()
    )
    districts = {}
    if scope.district_ids or scope.is_superuser:
        rows = School.objects.values_list("district_id", "pk")
        if not scope.is_superuser:
            rows = rows.filter(district_id__in=scope.district_ids)
        for district_id, school_id in rows:
            districts.setdefault(district_id, set()).add(school_id)
    kept = {d for d, ids in districts.items() if ids <= school_ids}
    kept_schools = frozenset().union(*(districts[d] for d in kept))
    # A district administrator narrowed to some of its schools administers just those:
    # as a school administrator would (the district-wide grain is not theirs here).
    administered = (scope.admin_school_ids | scope.district_school_ids) & school_ids
    return dataclasses.replace(
        scope,
        counsel_school_ids=scope.counsel_school_ids & school_ids,
        admin_school_ids=administered - kept_schools,
        district_ids=frozenset(kept),
        district_school_ids=kept_schools,
        class_ids=class_ids,
        is_superuser=False,
    )


class TokenAuthentication(BaseAuthentication):
    keyword = "token"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.encode():
            return None
        if len(header) != 2 or len(header[1]) > MAX_KEY_LENGTH:
            raise AuthenticationFailed(_("Send the header as: Authorization: Token <key>."))
        key = header[1].decode("latin-1")
        token = (
            ApiToken.objects.select_related("user")
            .prefetch_related("schools")
            .filter(key_hash=key_hash(key))
            .first()
        )
        now = timezone.now()
        if token is None or not token.is_usable(now) or not token.user.is_active:
            raise AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        user = token.user
        school_ids = frozenset(s.pk for s in token.schools.all())
        if school_ids:
            # The gate reads the scope kept on the user object: narrowed, it is the token's.
            user._schoolwell_scope = narrowed_scope(access_scope(user), school_ids)
        return user, token

    def authenticate_header(self, request):
        return "Token"
