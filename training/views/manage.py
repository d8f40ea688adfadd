"""The space's training pages (/s/<slug>/formations/…): its courses, and for its editors
(``training.manage``) creating and editing courses, resources and sessions, opening and
closing sessions, and proposing a course for the public portal.

Every view opens the space's door first (``access_space``); courses and sessions are then
looked up inside that space only, so another space's objects answer 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Min, Q
from django.forms import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.models import Organisation
from directory.selectors import organisation_or_none
from documents.selectors import documents_of_space
from extranet.access import access_space
from extranet.exceptions import MaillageError
from extranet.models import Membership
from extranet.portal.selectors import PublicationStatus, publication_status
from training import policy, publishing, selectors
from training.forms import (
    COURSE_FIELDS,
    CancelSessionForm,
    CourseForm,
    PartFormSet,
    ResourceForm,
    SessionForm,
    ict_first,
)
from training.models import (
    Course,
    CourseStatus,
    Session,
    SessionStatus,
)
from training.selectors import courses_visible_to
from training.services import courses as course_services
from training.services import sessions as session_services
from training.services.errors import CapacityBelowConfirmed, InvalidParts

MANAGE = "training.manage"


def _page(
    request: HttpRequest, template: str, membership: Membership, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"membership": membership, "space": membership.space, **extra}
    return render(request, f"training/manage/{template}", context, status=status)


def _course_url(course: Course) -> str:
    return reverse(
        "training_space:course", kwargs={"slug": course.space.slug, "course_slug": course.slug}
    )


def _publication(course: Course) -> PublicationStatus:
    return publication_status(publishing.KIND, publishing.source_key(course))


def _tell_portal_outcome(request: HttpRequest, course: Course, before: PublicationStatus) -> None:
    """After a change that made the course unfit for the portal, say that the service withdrew
    its proposal. A public version stays: the course page says so for as long as it does."""
    if before.pending is not None and not policy.is_portal_eligible(course):
        messages.info(request, _("Sa proposition en attente au portail public a été retirée."))


def _places(user: Any) -> list[tuple[int, str, str, str]]:
    return list(
        ict_first(Organisation.objects.visible_to(user)).values_list(
            "pk", "name", "commune", "kind__code"
        )
    )


# --- courses ---------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="training.view")
    now = timezone.now()
    upcoming = Q(sessions__starts_at__gte=now) & ~Q(sessions__status=SessionStatus.CANCELLED)
    courses = (
        courses_visible_to(request.user, queryset=Course.objects.in_space(membership.space))
        .annotate(
            upcoming_count=Count("sessions", filter=upcoming),
            next_start=Min("sessions__starts_at", filter=upcoming),
        )
        .order_by("title", "pk")
    )
    return _page(
        request,
        "index.html",
        membership,
        courses=courses,
        can_manage=membership.can(MANAGE),
    )


@login_required
def course(request: HttpRequest, slug: str, course_slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    course = selectors.course_in_space(membership, course_slug)
    now = timezone.now()
    upcoming, past = selectors.split_upcoming_past(selectors.sessions_of_course(course), now=now)
    return _page(
        request,
        "course.html",
        membership,
        course=course,
        trainers=list(course.trainers.order_by("full_name", "email")),
        resources=list(course.resources.select_related("document")),
        upcoming=upcoming,
        past=past,
        statuses=CourseStatus,
        session_statuses=SessionStatus,
        now=now,
        is_course_page=True,
        publication=_publication(course),
        portal_eligible=policy.is_portal_eligible(course),
    )


def _course_form_page(
    request: HttpRequest, membership: Membership, form: CourseForm, course: Course | None
) -> HttpResponse:
    status = 400 if form.errors else 200
    return _page(request, "course_form.html", membership, status, form=form, course=course)


@login_required
def course_create(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    form = CourseForm(request.POST or None, people=selectors.trainer_candidates(membership))
    if request.method == "POST" and form.is_valid():
        try:
            created = course_services.create_course(
                membership=membership, trainers=form.chosen_trainers(), **form.course_data()
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Formation « %(title)s » créée en brouillon : ajoutez-lui des sessions.")
                % {"title": created.title},
            )
            return redirect(_course_url(created))
    return _course_form_page(request, membership, form, None)


@login_required
def course_edit(request: HttpRequest, slug: str, course_slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    course = selectors.course_in_space(membership, course_slug)
    initial = {
        **model_to_dict(course, fields=COURSE_FIELDS),
        "trainers": list(course.trainers.values_list("pk", flat=True)),
    }
    form = CourseForm(
        request.POST or None,
        people=selectors.trainer_candidates(membership, course),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        before = _publication(course)
        try:
            course = course_services.update_course(
                user=request.user,
                course=course,
                data=form.course_data(),
                trainers=form.chosen_trainers(),
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Formation enregistrée."))
            _tell_portal_outcome(request, course, before)
            return redirect(_course_url(course))
    return _course_form_page(request, membership, form, course)


@require_POST
@login_required
def course_status(request: HttpRequest, slug: str, course_slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    course = selectors.course_in_space(membership, course_slug)
    status = request.POST.get("status", "")
    before = _publication(course)
    try:
        course = course_services.set_course_status(user=request.user, course=course, status=status)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        done = {
            CourseStatus.PUBLISHED: _("Formation publiée : elle paraît au catalogue."),
            CourseStatus.ARCHIVED: _("Formation archivée : elle ne paraît plus au catalogue."),
            CourseStatus.DRAFT: _("Formation repassée en brouillon."),
        }
        messages.success(request, done[CourseStatus(status)])
        _tell_portal_outcome(request, course, before)
    return redirect(_course_url(course))


@require_POST
@login_required
def course_propose(request: HttpRequest, slug: str, course_slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    course = selectors.course_in_space(membership, course_slug)
    try:
        proposal = publishing.propose_course(user=request.user, course=course)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "« %(title)s » est proposée au portail public avec ses sessions à venir : un "
                "administrateur général va la relire avant publication."
            )
            % {"title": proposal.title},
        )
    return redirect(_course_url(course))


# --- resources -------------------------------------------------------------------------------


@login_required
def resource_add(request: HttpRequest, slug: str, course_slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    course = selectors.course_in_space(membership, course_slug)
    form = ResourceForm(request.POST or None, documents=documents_of_space(membership))
    if request.method == "POST" and form.is_valid():
        try:
            course_services.add_resource(
                user=request.user,
                course=course,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"] or "",
                document=form.chosen_document(),
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Ressource ajoutée."))
            return redirect(_course_url(course))
    status = 400 if form.errors else 200
    return _page(request, "resource_form.html", membership, status, form=form, course=course)


@require_POST
@login_required
def resource_delete(request: HttpRequest, slug: str, course_slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    course = selectors.course_in_space(membership, course_slug)
    resource = selectors.resource_of(course, pk)
    try:
        course_services.remove_resource(user=request.user, resource=resource)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ressource « %(title)s » retirée.") % {"title": resource.title})
    return redirect(_course_url(course))


# --- sessions --------------------------------------------------------------------------------


def _session_forms(
    request: HttpRequest,
    course: Course,
    session: Session | None,
    initial: dict[str, Any] | None = None,
    parts: list[dict[str, Any]] | None = None,
) -> tuple[SessionForm, Any]:
    trainers = list(course.trainers.order_by("full_name", "email"))
    if session is not None and session.trainer is not None and session.trainer not in trainers:
        trainers.append(session.trainer)
    data = request.POST if request.method == "POST" else None
    form = SessionForm(
        data,
        course=course,
        trainers=trainers,
        places=_places(request.user),
        initial=initial,
        creating=session is None,
    )
    # Bound, the parts come from the form alone: an initial value would make a blank spare
    # row look "changed" and required.
    formset = PartFormSet(data, initial=None if data is not None else parts, prefix="parts")
    return form, formset


def _session_arguments(request: HttpRequest, form: SessionForm, formset: Any) -> dict[str, Any]:
    data = form.cleaned_data
    place = organisation_or_none(request.user, data["place"]) if data["place"] else None
    return {
        "parts": [session_services.PartInput(s, e) for s, e in formset.intervals()],
        "capacity": data["capacity"],
        "trainer": form.chosen_trainer(),
        "place": place,
        "place_name": data["place_name"],
        "address": data["address"],
        "commune": data["commune"],
        "online_url": data["online_url"] or "",
        "registration_deadline": data["registration_deadline"],
        "notes": data["notes"],
    }


def _save_error(form: SessionForm, formset: Any, exc: MaillageError) -> None:
    if isinstance(exc, CapacityBelowConfirmed):
        form.add_error("capacity", exc.message)
    elif isinstance(exc, InvalidParts):
        formset._non_form_errors = formset.error_class([exc.message])
    else:
        form.add_error(None, exc.message)


def _session_form_page(
    request: HttpRequest,
    membership: Membership,
    course: Course,
    session: Session | None,
    form: SessionForm,
    formset: Any,
) -> HttpResponse:
    invalid = bool(form.errors) or bool(formset.total_error_count())
    return _page(
        request,
        "session_form.html",
        membership,
        400 if invalid else 200,
        course=course,
        session=session,
        form=form,
        formset=formset,
        session_statuses=SessionStatus,
        now=timezone.now(),
    )


@login_required
def session_create(request: HttpRequest, slug: str, course_slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    course = selectors.course_in_space(membership, course_slug)
    trainers = list(course.trainers.values_list("pk", flat=True))
    initial = {"trainer": trainers[0] if len(trainers) == 1 else None}
    form, formset = _session_forms(request, course, None, initial=initial)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            created = session_services.create_session(
                user=request.user,
                course=course,
                status=form.cleaned_data["status"],
                **_session_arguments(request, form, formset),
            )
        except MaillageError as exc:
            _save_error(form, formset, exc)
        else:
            if created.status == SessionStatus.PLANNED:
                messages.success(
                    request,
                    _(
                        "Session annoncée, inscriptions fermées : ouvrez-les depuis cette page "
                        "quand vous serez prêt·e."
                    ),
                )
            else:
                messages.success(request, _("Session créée, inscriptions ouvertes."))
            return redirect(_course_url(course))
    return _session_form_page(request, membership, course, None, form, formset)


@login_required
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    session = selectors.session_in_space(membership, pk)
    course = session.course
    initial = {
        **model_to_dict(
            session,
            fields=[
                "capacity",
                "place_name",
                "address",
                "commune",
                "online_url",
                "notes",
                "trainer",
                "place",
            ],
        ),
        "registration_deadline": session.registration_deadline
        and timezone.localtime(session.registration_deadline),
    }
    parts = [
        {
            "day": timezone.localtime(p.starts_at).date(),
            "start": timezone.localtime(p.starts_at).time(),
            "end": timezone.localtime(p.ends_at).time(),
        }
        for p in session.parts.order_by("starts_at", "pk")
    ]
    form, formset = _session_forms(request, course, session, initial=initial, parts=parts)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            session_services.update_session(
                user=request.user, session=session, **_session_arguments(request, form, formset)
            )
        except MaillageError as exc:
            _save_error(form, formset, exc)
        else:
            messages.success(
                request, _("Session enregistrée ; les inscrits sont prévenus des changements.")
            )
            return redirect(_course_url(course))
    return _session_form_page(request, membership, course, session, form, formset)


@login_required
def session_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    session = selectors.session_in_space(membership, pk, seat_counts=True)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_services.cancel_session(
                user=request.user, session=session, reason=form.cleaned_data["reason"]
            )
        except MaillageError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Session annulée ; les inscrits sont prévenus."))
            return redirect(_course_url(session.course))
    status = 400 if form.errors else 200
    return _page(
        request,
        "session_cancel.html",
        membership,
        status,
        session=session,
        course=session.course,
        form=form,
    )


@require_POST
@login_required
def session_open(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    session = selectors.session_in_space(membership, pk)
    try:
        session_services.open_registrations(user=request.user, session=session)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Inscriptions ouvertes pour cette session."))
    return redirect(_course_url(session.course))


@require_POST
@login_required
def session_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need=MANAGE)
    session = selectors.session_in_space(membership, pk)
    try:
        session_services.mark_session_done(user=request.user, session=session)
    except MaillageError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Session marquée comme terminée : les inscriptions sont closes, les présences "
                "restent à noter."
            ),
        )
    return redirect(_course_url(session.course))
