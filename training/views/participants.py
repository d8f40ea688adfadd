"""A participant's actions: register (oneself or a colleague), my registrations, cancel, the
attendance certificate and the satisfaction survey."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from extranet.exceptions import MaillageError
from training import policy, selectors
from training.certificates import certificate_pdf
from training.forms_participants import RegisterOtherForm, SurveyForm
from training.models import Registration, RegistrationStatus
from training.services.registrations import cancel_registration, register, register_other
from training.services.surveys import answer_survey


def _registered_message(registration: Registration) -> str:
    title = registration.session.course.title
    if registration.status == RegistrationStatus.CONFIRMED:
        return _(
            "Inscription confirmée à « %(title)s ». Un e-mail avec l'invitation pour votre "
            "agenda est envoyé à %(email)s."
        ) % {"title": title, "email": registration.email}
    return _(
        "La session « %(title)s » est complète : %(name)s est sur la liste d'attente "
        "(position %(position)s). Un e-mail sera envoyé si une place se libère."
    ) % {
        "title": title,
        "name": registration.full_name,
        "position": selectors.waiting_position(registration),
    }


@require_POST
@login_required
def register_view(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for(request.user, pk)
    try:
        registration = register(user=request.user, session=session)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _registered_message(registration))
    return redirect("training:session", pk=session.pk)


@require_http_methods(["GET", "POST"])
@login_required
def register_other_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    session = selectors.session_for(user, pk)
    if not policy.can_register_others(user, session):
        raise PermissionDenied
    form = RegisterOtherForm(
        request.POST or None, organisations=policy.organisations_managed_by(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = register_other(user=user, session=session, **form.cleaned_data)
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _registered_message(registration))
            return redirect("training:session", pk=session.pk)
    return render(
        request,
        "training/register_other.html",
        {"session": session, "course": session.course, "form": form},
        status=400 if form.errors else 200,
    )


@dataclass(frozen=True)
class RegistrationRow:
    registration: Registration
    course_visible: bool
    for_someone_else: bool
    can_cancel: bool
    has_certificate: bool
    can_answer_survey: bool


def _rows(user: Any, registrations: list[Registration]) -> list[RegistrationRow]:
    visible = selectors.visible_course_ids(user, {r.session.course_id for r in registrations})
    now = timezone.now()
    return [
        RegistrationRow(
            registration=r,
            course_visible=r.session.course_id in visible,
            for_someone_else=r.user_id != user.pk,
            can_cancel=policy.can_cancel_registration(user, r)
            and (r.session.starts_at is None or r.session.starts_at > now),
            has_certificate=policy.can_get_certificate(user, r),
            can_answer_survey=policy.can_answer_survey(user, r),
        )
        for r in registrations
    ]


@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming: list[Registration] = []
    past: list[Registration] = []
    for r in selectors.registrations_of(request.user):
        ended = r.session.ends_at is not None and r.session.ends_at < now
        (past if ended else upcoming).append(r)
    past.reverse()
    return render(
        request,
        "training/my_registrations.html",
        {"upcoming": _rows(request.user, upcoming), "past": _rows(request.user, past)},
    )


@require_POST
@login_required
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_for(request.user, pk)
    try:
        cancel_registration(user=request.user, registration=registration)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("L'inscription de %(name)s à « %(title)s » est annulée.")
            % {"name": registration.full_name, "title": registration.session.course.title},
        )
    return redirect("training:my_registrations")


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance certificate; absent (404) unless the person was marked present."""
    registration = selectors.registration_for(request.user, pk)
    if not policy.can_get_certificate(request.user, registration):
        raise Http404
    try:
        pdf = certificate_pdf(user=request.user, registration=registration)
    except MaillageError as exc:
        raise Http404 from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"attestation-{registration.session.course.slug}-{registration.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    registration = selectors.registration_for(user, pk)
    if registration.user_id != user.pk:
        raise PermissionDenied
    if hasattr(registration, "survey_answer"):
        messages.info(request, _("Vous avez déjà répondu à ce questionnaire. Merci !"))
        return redirect("training:my_registrations")
    if not policy.can_answer_survey(user, registration):
        raise PermissionDenied
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer_survey(user=user, registration=registration, **form.cleaned_data)
        except MaillageError as exc:
            messages.info(request, exc.message)
        else:
            messages.success(request, _("Merci ! Vos réponses sont enregistrées."))
        return redirect(reverse("training:my_registrations"))
    return render(
        request,
        "training/survey.html",
        {"registration": registration, "session": registration.session, "form": form},
        status=400 if form.errors else 200,
    )
