"""The web agenda: month, week and list views, and events created, changed, moved and deleted.

Each view serves both "My agenda" (/agenda/…, no slug) and a space's agenda (/s/<slug>/agenda/…,
limited to that space's calendars); ``agenda_scope`` opens the door before any CalDAV request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from calendars import publishing
from calendars.client import CalendarError, CalendarRefused
from calendars.services.events import (
    Agenda,
    ReadOnlyCalendar,
    Recurrence,
    StoredEvent,
    agenda_calendars,
    create_event,
    delete_event,
    load_agenda,
    load_event,
    update_event,
)
from calendars.views.agenda_forms import (
    CATEGORY_SUGGESTIONS,
    EventForm,
    new_event_initial,
    stored_event_initial,
)
from calendars.views.grid import (
    Period,
    days_of,
    list_period,
    month_period,
    parse_day,
    week_period,
    weeks_of,
)
from calendars.views.scope import AgendaScope, agenda_scope, agenda_view
from extranet.access import membership_for
from extranet.portal.selectors import PublicationStatus, publication_status
from extranet.portal.services import PublicationError, submit_publication

SESSION_KEY = "agenda_hidden_calendars"
PERIODS: dict[str, Callable[..., Period]] = {
    "month": month_period,
    "week": week_period,
    "list": list_period,
}


def _is_shown(request: HttpRequest, scope: AgendaScope) -> Callable[[str], bool]:
    """The calendar toggles: from the form when submitted (?toggles=1&cal=…), else as
    remembered in the session. Hidden ones are remembered, so a new calendar shows up."""
    if "toggles" in request.GET:
        shown = set(request.GET.getlist("cal"))
        return lambda name: name in shown
    hidden = set(request.session.get(SESSION_KEY, {}).get(scope.key, []))
    return lambda name: name not in hidden


def _remember_toggles(request: HttpRequest, scope: AgendaScope, agenda: Agenda) -> None:
    if "toggles" in request.GET:
        remembered = dict(request.session.get(SESSION_KEY, {}))
        remembered[scope.key] = sorted(c.name for c in agenda.calendars if not c.is_visible)
        request.session[SESSION_KEY] = remembered


def _agenda_page(request: HttpRequest, slug: str | None, kind: str) -> HttpResponse:
    scope = agenda_scope(request, slug)
    today = timezone.localdate()
    selected = parse_day(request.GET.get("date"), today)
    period = PERIODS[kind](selected)
    agenda = load_agenda(
        user=request.user,
        space=scope.space,
        start=period.first,
        end=period.end,
        is_shown=_is_shown(request, scope),
    )
    _remember_toggles(request, scope, agenda)
    days = days_of(period, agenda.occurrences, today, only_busy=kind == "list")
    context = {
        **scope.context(),
        "agenda": agenda,
        "period": period,
        "days": days,
        "weeks": weeks_of(days) if kind == "month" else [],
        "today": today,
        "selected": selected,
    }
    return render(request, f"calendars/{kind}.html", context)


@require_GET
@login_required
@agenda_view
def month(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    return _agenda_page(request, slug, "month")


@require_GET
@login_required
@agenda_view
def week(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    return _agenda_page(request, slug, "week")


@require_GET
@login_required
@agenda_view
def upcoming(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    return _agenda_page(request, slug, "list")


def _refusal(exc: CalendarError) -> ValidationError:
    return ValidationError(
        exc.message, code="refused" if isinstance(exc, CalendarRefused) else "failed"
    )


def _form_page(
    request: HttpRequest, scope: AgendaScope, form: EventForm, event: StoredEvent | None
) -> HttpResponse:
    can_write_any = any(c.can_write for c in form.calendars.values())
    refused = form.has_error(NON_FIELD_ERRORS, "refused") or form.has_error("calendar", "refused")
    status = 403 if refused or not can_write_any else 400 if form.errors else 200
    context = {
        **scope.context(),
        "form": form,
        "event": event,
        "categories": CATEGORY_SUGGESTIONS,
        "can_write_any": can_write_any,
        "read_only_message": ReadOnlyCalendar.default_message,
    }
    return render(request, "calendars/event_form.html", context, status=status)


def _day_of(value: object) -> str:
    return value.date().isoformat() if isinstance(value, datetime) else str(value)


@login_required
@agenda_view
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    scope = agenda_scope(request, slug)
    calendars = agenda_calendars(user=request.user, space=scope.space)
    day = parse_day(request.GET.get("date"), timezone.localdate())
    form = EventForm(
        request.POST or None,
        calendars=calendars,
        initial=new_event_initial(day, request.GET.get("calendar", "")),
    )
    if request.method == "POST" and form.is_valid() and form.details:
        try:
            create_event(
                user=request.user,
                space=scope.space,
                collection=form.cleaned_data["calendar"],
                details=form.details,
            )
        except CalendarError as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(
                request, _("L'événement « %(name)s » est ajouté.") % {"name": form.details.summary}
            )
            return redirect(f"{scope.url('index')}?date={_day_of(form.details.start)}")
    return _form_page(request, scope, form, None)


@require_GET
@login_required
@agenda_view
def event_detail(
    request: HttpRequest, collection: str, uid: str, slug: str | None = None
) -> HttpResponse:
    scope = agenda_scope(request, slug)
    _calendars, event = load_event(
        user=request.user, space=scope.space, collection=collection, uid=uid
    )
    publication = _publication(request, scope, event)
    context = {
        **scope.context(),
        "event": event,
        "Recurrence": Recurrence,
        "publication": publication,
        "can_propose": publication is not None and event.details.recurrence == Recurrence.NONE,
    }
    return render(request, "calendars/event_detail.html", context)


def _publication(
    request: HttpRequest, scope: AgendaScope, event: StoredEvent
) -> PublicationStatus | None:
    """The event's publication state, for the space's editors only (None for anyone else and
    for personal calendars)."""
    key = publishing.key_for_collection(event.calendar.name, event.uid)
    if key is None:
        return None
    space_slug = event.calendar.dav.space_slug
    membership = (
        scope.membership
        if scope.membership is not None and scope.membership.space.slug == space_slug
        else membership_for(request.user, space_slug)
    )
    if membership is None or not membership.can(publishing.ABILITY):
        return None
    return publication_status(publishing.KIND, key)


@require_POST
@login_required
@agenda_view
def event_propose(
    request: HttpRequest, collection: str, uid: str, slug: str | None = None
) -> HttpResponse:
    """Propose the event for the public portal (editors of its space)."""
    scope = agenda_scope(request, slug)
    key = publishing.key_for_collection(collection, uid)
    if key is None or (scope.space is not None and not key.startswith(f"{scope.space.slug}/")):
        raise Http404
    try:
        proposal = submit_publication(user=request.user, kind=publishing.KIND, source_key=key)
    except PublicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "« %(name)s » est proposé au portail public : un administrateur général va le "
                "relire avant publication."
            )
            % {"name": proposal.title},
        )
    return redirect(scope.url("event_detail", collection=collection, uid=uid))


@login_required
@agenda_view
@require_http_methods(["GET", "POST"])
def event_edit(
    request: HttpRequest, collection: str, uid: str, slug: str | None = None
) -> HttpResponse:
    scope = agenda_scope(request, slug)
    calendars, event = load_event(
        user=request.user, space=scope.space, collection=collection, uid=uid
    )
    detail_url = scope.url("event_detail", collection=collection, uid=uid)
    if not event.calendar.can_write:
        messages.error(request, _("Vous pouvez consulter cet agenda mais pas le modifier."))
        return redirect(detail_url)
    form = EventForm(
        request.POST or None,
        calendars=calendars,
        initial=stored_event_initial(event),
        keeps_custom_rule=event.details.recurrence == Recurrence.CUSTOM,
    )
    if request.method == "POST" and form.is_valid() and form.details:
        target = form.cleaned_data["calendar"]
        try:
            update_event(
                user=request.user,
                space=scope.space,
                collection=collection,
                uid=uid,
                details=form.details,
                move_to=target if target != collection else None,
            )
        except CalendarError as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(
                request, _("L'événement « %(name)s » est modifié.") % {"name": form.details.summary}
            )
            return redirect(scope.url("event_detail", collection=target, uid=uid))
    return _form_page(request, scope, form, event)


@login_required
@agenda_view
@require_http_methods(["GET", "POST"])
def event_delete(
    request: HttpRequest, collection: str, uid: str, slug: str | None = None
) -> HttpResponse:
    scope = agenda_scope(request, slug)
    _calendars, event = load_event(
        user=request.user, space=scope.space, collection=collection, uid=uid
    )
    if request.method == "POST":
        try:
            delete_event(user=request.user, space=scope.space, collection=collection, uid=uid)
        except CalendarError as exc:
            messages.error(request, exc.message)
            return redirect(scope.url("event_detail", collection=collection, uid=uid))
        messages.success(
            request, _("L'événement « %(name)s » est supprimé.") % {"name": event.details.summary}
        )
        return redirect(f"{scope.url('index')}?date={_day_of(event.details.start)}")
    context = {**scope.context(), "event": event}
    return render(request, "calendars/event_delete.html", context)
