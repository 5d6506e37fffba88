from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from schoolwell.accounts.roles import access_scope
from schoolwell.audit.selectors import disclosure_record
from schoolwell.roster.models import Student


@require_GET
def disclosure_record_view(request, pk: int):
    """A student's disclosure record, for the school's administrators and own guardians."""
    scope = access_scope(request.user)
    student = (
        Student.objects.filter(
            Q(school_id__in=scope.administered_school_ids)
            | Q(guardian_links__guardian=request.user),
            pk=pk,
        )
        .select_related("school")
        .first()
    )
    if student is None:
        raise Http404
    page = Paginator(disclosure_record(student), 50).get_page(request.GET.get("page"))
    return render(request, "audit/disclosures.html", {"student": student, "page": page})
