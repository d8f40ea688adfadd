"""Personal calendars from the web: list, create, rename and recolour, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from calendars.client import CalendarError, DavCalendar
from calendars.services.personal_calendars import (
    DefaultCalendarProtected,
    SpaceCalendarProtected,
    create_personal_calendar,
    delete_personal_calendar,
    personal_calendars,
    update_personal_calendar,
)
from calendars.views.agenda_forms import CalendarForm
from calendars.views.scope import agenda_scope, agenda_view


def _own_calendar(request: HttpRequest, collection: str) -> DavCalendar:
    for calendar in personal_calendars(user=request.user):
        if calendar.name == collection and not calendar.is_linked:
            return calendar
    raise Http404


@login_required
@agenda_view
@require_http_methods(["GET", "POST"])
def calendar_list(request: HttpRequest) -> HttpResponse:
    scope = agenda_scope(request, None)
    form = CalendarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            calendar = create_personal_calendar(
                user=request.user,
                name=form.cleaned_data["name"],
                color=form.cleaned_data["color"],
            )
        except CalendarError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("L'agenda « %(name)s » est créé.") % {"name": calendar.display_name}
            )
            return redirect("agenda:calendars")
    calendars = personal_calendars(user=request.user)
    context = {
        **scope.context(),
        "form": form,
        "own": [c for c in calendars if not c.is_linked],
        "linked": [c for c in calendars if c.is_space],
        "published": [c for c in calendars if c.is_published],
    }
    return render(
        request, "calendars/calendar_list.html", context, status=400 if form.errors else 200
    )


@login_required
@agenda_view
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HttpRequest, collection: str) -> HttpResponse:
    scope = agenda_scope(request, None)
    calendar = _own_calendar(request, collection)
    form = CalendarForm(
        request.POST or None, initial={"name": calendar.display_name, "color": calendar.color}
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_personal_calendar(
                user=request.user,
                collection=collection,
                name=form.cleaned_data["name"],
                color=form.cleaned_data["color"],
            )
        except CalendarError as exc:
            form.add_error(None, exc.message)
        else:
            name = form.cleaned_data["name"]
            messages.success(request, _("L'agenda « %(name)s » est modifié.") % {"name": name})
            return redirect("agenda:calendars")
    context = {**scope.context(), "form": form, "calendar": calendar}
    return render(
        request, "calendars/calendar_edit.html", context, status=400 if form.errors else 200
    )


@login_required
@agenda_view
@require_http_methods(["GET", "POST"])
def calendar_delete(request: HttpRequest, collection: str) -> HttpResponse:
    scope = agenda_scope(request, None)
    calendar = _own_calendar(request, collection)
    if request.method == "POST":
        try:
            delete_personal_calendar(user=request.user, collection=collection)
        except (DefaultCalendarProtected, SpaceCalendarProtected, CalendarError) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("L'agenda « %(name)s » est supprimé.") % {"name": calendar.display_name}
            )
        return redirect("agenda:calendars")
    context = {**scope.context(), "calendar": calendar}
    return render(request, "calendars/calendar_delete.html", context)
