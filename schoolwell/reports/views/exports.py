from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from schoolwell.reports.exports import KINDS, kinds_for
from schoolwell.reports.forms import ExportRequestForm
from schoolwell.reports.models import Export
from schoolwell.reports.selectors import my_export, my_exports
from schoolwell.reports.services import export_request


def _status(export: Export) -> dict:
    ready = export.status == Export.Status.DONE and not export.is_expired
    return {
        "id": export.pk,
        "status": export.status,
        "status_label": " · ".join(
            str(part) for part in (export.get_status_display(), export.error_message) if part
        ),
        "percent": export.percent,
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "download_url": reverse("reports:export_download", args=[export.pk]) if ready else None,
    }


@require_http_methods(["GET", "POST"])
def export_list(request):
    """Request an export, and follow the user's own exports."""
    if not kinds_for(request.user):
        raise PermissionDenied
    form = ExportRequestForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            export_request(
                user=request.user,
                kind=form.cleaned_data["kind"],
                filters=form.filters(),
                language=request.LANGUAGE_CODE,
            )
            messages.success(request, _("Your export has started. It appears below when ready."))
            return redirect("reports:export_list")
        return render(request, "reports/export_list.html", _context(request, form), status=400)
    return render(request, "reports/export_list.html", _context(request, form))


def _context(request, form) -> dict:
    exports = list(my_exports(request.user))
    for export in exports:
        export.kind_label = KINDS[export.kind].label if export.kind in KINDS else export.kind
    return {"form": form, "exports": exports}


@require_GET
def export_status(request):
    """JSON progress of the user's own exports, polled by reports/exports.js."""
    return JsonResponse({"exports": [_status(e) for e in my_exports(request.user)]})


@require_GET
def export_download(request, pk: int):
    """The file, to its requester only (anyone else: 404), until it expires (then 410)."""
    export = my_export(request.user, pk)
    if export is None:
        raise Http404
    if export.is_expired:
        return HttpResponse(
            _("This export has expired. Please request it again."),
            status=410,
            content_type="text/plain",
        )
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"schoolwell-{export.kind}-{export.created_at:%Y%m%d-%H%M}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    # The file holds children's records: never keep it in a shared or browser cache.
    response["Cache-Control"] = "private, no-store"
    return response
