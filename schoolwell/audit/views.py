from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from schoolwell.accounts import gate
from schoolwell.audit.selectors import disclosure_record


@require_GET
def disclosure_record_view(request, pk: int):
    """A student's disclosure record, for the school's administrators and own guardians."""
    student = (
        gate.students(request.user, "student.view_disclosures")
        .filter(pk=pk)
        .select_related("school")
        .first()
    )
    if student is None:
        raise Http404
    page = Paginator(disclosure_record(student), 50).get_page(request.GET.get("page"))
    return render(request, "audit/disclosures.html", {"student": student, "page": page})
