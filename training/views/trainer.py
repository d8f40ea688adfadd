"""Trainers' pages: their sessions, and a session's registrants, attendance, CSV export and
survey results.

The registrants' personal data is shown only to the session's trainer and to the course's
space editors (``policy.can_see_registrants``); anyone else gets 404, the same answer as for a
session that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from extranet.exceptions import MaillageError
from training import policy, selectors
from training.exports import registrants_csv
from training.forms import AttendanceForm
from training.models import (
    RegistrationStatus,
    Session,
)
from training.services.attendance import mark_attendance
from training.services.surveys import survey_results as compute_survey_results

STATUS_ORDER: dict[str, int] = {
    RegistrationStatus.CONFIRMED: 0,
    RegistrationStatus.WAITING: 1,
    RegistrationStatus.CANCELLED: 2,
}


def _page(
    request: HttpRequest, template: str, session: Session, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "session": session,
        "course": session.course,
        "can_manage": policy.can_manage_course(request.user, session.course),
        "has_started": session.starts_at is not None and session.starts_at <= timezone.now(),
        **extra,
    }
    return render(request, f"training/trainer/{template}", context, status=status)


@require_GET
@login_required
def my_sessions(request: HttpRequest) -> HttpResponse:
    upcoming, past = selectors.split_upcoming_past(
        selectors.sessions_of_trainer(request.user), now=timezone.now()
    )
    context = {"upcoming": upcoming, "past": past, "calendar_links": _calendar_links(request)}
    return render(request, "training/trainer/my_sessions.html", context)


def _calendar_links(request: HttpRequest) -> list[Any]:
    from training.calendars import calendar_links_for

    return list(calendar_links_for(request.user))


@require_GET
@login_required
def registrants(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_registrants(request.user, pk)
    rows = sorted(
        session.registrations.select_related("organisation", "registered_by"),
        key=lambda r: (STATUS_ORDER.get(r.status, 3), r.created_at, r.pk),
    )
    waiting_rank = 0
    for row in rows:
        if row.status == RegistrationStatus.WAITING:
            waiting_rank += 1
            row.waiting_rank = waiting_rank  # type: ignore[attr-defined]
    active = [r for r in rows if r.is_active]
    cancelled = [r for r in rows if not r.is_active]
    confirmed = sum(1 for r in active if r.status == RegistrationStatus.CONFIRMED)
    return _page(
        request,
        "registrants.html",
        session,
        active=active,
        cancelled=cancelled,
        confirmed_count=confirmed,
        waiting_count=waiting_rank,
    )


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_registrants(request.user, pk)
    confirmed = selectors.confirmed_registrations(session)
    form = AttendanceForm(request.POST or None, registrations=list(confirmed))
    if request.method == "POST" and form.is_valid():
        try:
            count = mark_attendance(user=request.user, session=session, marks=form.marks())
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Présences enregistrées (%(count)d).") % {"count": count})
            return redirect("training_trainer:registrants", pk=session.pk)
    status = 400 if form.errors else 200
    return _page(request, "attendance.html", session, status, form=form)


@require_GET
@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_registrants(request.user, pk)
    content = registrants_csv(user=request.user, session=session)
    day = timezone.localtime(session.starts_at).strftime("%Y-%m-%d") if session.starts_at else ""
    filename = f"inscrits-{session.course.slug}-{day or session.pk}.csv"
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_registrants(request.user, pk)
    results = compute_survey_results(user=request.user, session=session)
    questions = [
        {
            "label": label,
            "average": results.averages[name],
            "distribution": results.distribution[name],
        }
        for name, label in results.labels().items()
    ]
    return _page(
        request,
        "survey_results.html",
        session,
        results=results,
        questions=questions,
        recommend_percent=(
            None if results.recommend_share is None else round(results.recommend_share * 100)
        ),
    )
