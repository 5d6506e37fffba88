"""Roster import pages, for school administrators (their schools) and district
administrators (their district)."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from schoolwell.accounts import gate
from schoolwell.roster.forms import RosterImportForm
from schoolwell.roster.importing import (
    ImportRejected,
    roster_import_oneroster,
    roster_import_template,
)
from schoolwell.roster.importing.jobs import (
    job_rejection,
    job_result,
    roster_import_job_request,
    runs_in_background,
)
from schoolwell.roster.importing.template_columns import (
    COLUMNS,
    RULES,
    blank_template,
    blank_template_csv,
)
from schoolwell.roster.models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_administrator(request) -> None:
    # District administrators too, even before their district has a school: their first
    # OneRoster import is what creates the schools.
    if not gate.may(request.user, "roster.import"):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@csrf_exempt
def roster_import(request):
    # Uploads go to a temporary file, never into request memory: the handlers must be
    # swapped before CSRF checking reads the body, hence exempt here and protected below.
    request.upload_handlers = [TemporaryFileUploadHandler(request)]
    return _roster_import(request)


@csrf_protect
def _roster_import(request):
    _require_administrator(request)
    form = RosterImportForm(request.POST or None, request.FILES or None, user=request.user)
    context = {"form": form, "columns": COLUMNS, "rules": RULES}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            path = data["file"].temporary_file_path()
            if data["format"] == form.ONEROSTER and runs_in_background(size=data["file"].size):
                job = roster_import_job_request(
                    user=request.user,
                    district=data["district"],
                    path=path,
                    dry_run=data["dry_run"],
                )
                return redirect("roster:import_job", pk=job.pk)
            try:
                if data["format"] == form.ONEROSTER:
                    context["result"] = roster_import_oneroster(
                        path=path,
                        district=data["district"],
                        by=request.user,
                        dry_run=data["dry_run"],
                    )
                else:
                    context["result"] = roster_import_template(
                        path=path, school=data["school"], by=request.user, dry_run=data["dry_run"]
                    )
            except ImportRejected as rejected:
                context["rejected"] = rejected
                status = 400
        else:
            status = 400
    return render(request, "roster/import.html", context, status=status)


@require_GET
def roster_import_template_download(request):
    """The blank template (XLSX with an instructions sheet, or a CSV header)."""
    _require_administrator(request)
    if request.GET.get("format") == "csv":
        response = HttpResponse(blank_template_csv(), content_type="text/csv; charset=utf-8")
        name = "schoolwell-roster-template.csv"
    else:
        response = HttpResponse(blank_template(), content_type=XLSX)
        name = "schoolwell-roster-template.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _my_job(request, pk: int) -> ImportJob:
    """A job is shown to the administrator who started it, and to no one else."""
    _require_administrator(request)
    job = ImportJob.objects.filter(pk=pk, requested_by=request.user).first()
    if job is None:
        raise Http404
    return job


def _job_context(job: ImportJob) -> dict:
    return {"job": job, "result": job_result(job), "rejected": job_rejection(job)}


@require_GET
def roster_import_job(request, pk: int):
    """A background import: its progress while it runs, then the usual result."""
    job = _my_job(request, pk)
    context = {**_job_context(job), "columns": COLUMNS, "rules": RULES}
    return render(request, "roster/import_job.html", context)


@require_GET
def roster_import_job_status(request, pk: int):
    """The page's progress section alone, polled by roster/import_job.js."""
    job = _my_job(request, pk)
    return render(request, "roster/_import_job_status.html", _job_context(job))
