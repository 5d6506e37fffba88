"""The counsellor's caseload: their students and what each needs next."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from schoolwell.accounts import gate
from schoolwell.audit.services import access_log_record_many
from schoolwell.referrals import caseload as caseload_rows

PAGE_SIZE = 50


@require_GET
def caseload(request):
    if not gate.may(request.user, "referral.work"):
        raise PermissionDenied(_("Only counsellors have a caseload."))
    rows = caseload_rows.caseload(user=request.user, today=timezone.localdate())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    access_log_record_many(
        user=request.user,
        students=[row.student for row in page],
        what="caseload",
        request=request,
        action="view",
    )
    return render(request, "referrals/caseload.html", {"page": page, "rows": page.object_list})
