from __future__ import annotations

from collections.abc import Iterable

from schoolwell.accounts.client_ip import client_ip
from schoolwell.audit.models import AccessLog


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    # The same address sign-in throttling uses: X-Forwarded-For only from trusted proxies.
    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:255]


def access_log_record(
    *, user, student, what: str, request=None, action=AccessLog.Action.VIEW, detail: str = ""
) -> AccessLog:
    """Record one view/export of a student's sensitive data (rule 8)."""
    ip, agent = _client(request)
    return AccessLog.objects.create(
        user=user,
        student=student,
        action=action,
        what=what,
        detail=detail,
        ip_address=ip,
        user_agent=agent,
    )


def access_log_record_many(
    *, user, students: Iterable, what: str, request=None, action=AccessLog.Action.EXPORT, detail=""
) -> int:
    """One row per student in a set (exports, class pages), written in batches."""
    ip, agent = _client(request)
    rows = (
        AccessLog(
            user=user,
            student_id=getattr(s, "pk", s),
            action=action,
            what=what,
            detail=detail,
            ip_address=ip,
            user_agent=agent,
        )
        for s in students
    )
    count = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 2000:
            AccessLog.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        AccessLog.objects.bulk_create(batch)
        count += len(batch)
    return count
