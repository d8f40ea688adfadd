"""CSV import pages: upload and documentation, templates, a job's progress and report.

Directory editors only: everyone else gets 404, as if the pages did not exist."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from directory.models import ImportJob, ImportKind, ImportStatus, OrganisationKind
from directory.services import importing
from directory.services.import_columns import COLUMNS
from directory.visibility import is_directory_editor

RECENT_JOBS = 20
REFRESH_SECONDS = 3
# A job still "running" after this long was interrupted (worker stopped): stop refreshing.
STALLED_AFTER = timedelta(hours=1)


def _require_editor(request: HttpRequest) -> None:
    if not is_directory_editor(request.user):
        raise Http404


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Le fichier contient"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.ORGANISATIONS,
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )


def _index(request: HttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "directory/import_index.html",
        {
            "form": form,
            "jobs": ImportJob.objects.select_related("created_by")[:RECENT_JOBS],
            "organisation_columns": COLUMNS[ImportKind.ORGANISATIONS],
            "people_columns": COLUMNS[ImportKind.PEOPLE],
            "kinds": OrganisationKind.objects.all(),
            "max_mb": importing.max_file_bytes() // (1024 * 1024),
            "max_rows": importing.max_rows(),
            "crumbs": [{"label": _("Import CSV"), "url": ""}],
        },
        status=status,
    )


@login_required
def import_index(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    if request.method != "POST":
        return _index(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _index(request, form, status=400)
    try:
        job = importing.create_import_job(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
    except importing.ImportFileError as exc:
        form.add_error("file", str(exc))
        return _index(request, form, status=400)
    return redirect(job)


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_editor(request)
    if kind not in ImportKind.values:
        raise Http404
    response = HttpResponse(importing.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="modele-{kind}.csv"'
    return response


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
    stalled = job.is_running and job.updated_at < timezone.now() - STALLED_AFTER
    report: dict[str, Any] = job.report or {}
    return render(
        request,
        "directory/import_job.html",
        {
            "job": job,
            "report": report,
            "problems": [
                {**p, "where": importing.problem_location(p)} for p in report.get("problems", [])
            ],
            "notes": [
                {**p, "where": importing.problem_location(p)} for p in report.get("notes", [])
            ],
            "hidden_problems": max(
                0, report.get("problems_total", 0) - len(report.get("problems", []))
            ),
            "delimiter": importing.describe_delimiter(report.get("delimiter", "")),
            "refresh": REFRESH_SECONDS if job.is_running and not stalled else None,
            "stalled": stalled,
            "checking": job.status in (ImportStatus.CHECK_QUEUED, ImportStatus.CHECKING)
            or (job.status == ImportStatus.IMPORTING and job.rows_done < job.rows_total),
            "written": importing.write_progress(job),
            "percent": (100 * job.rows_done // job.rows_total) if job.rows_total else 0,
            "crumbs": [
                {"label": _("Import CSV"), "url": reverse("directory:import")},
                {"label": job.filename or _("Fichier"), "url": ""},
            ],
        },
    )


@require_POST
@login_required
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    job = get_object_or_404(ImportJob, pk=pk)
    try:
        importing.request_import(actor=request.user, job=job)
    except importing.ImportNotReady:
        messages.error(request, _("Ce fichier ne peut pas (ou plus) être importé."))
    return redirect(job)
