"""Space admins: the space's calendars and availability sharing; members: shared availability."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from calendars import selectors
from calendars.services.availability import (
    availability_for,
    share_availability,
    unshare_availability,
)
from calendars.services.space_calendars import create_space_calendar, update_space_calendar
from extranet.access import access_space
from extranet.exceptions import MaillageError
from extranet.selectors import partner_spaces

COLOR_FIELD = forms.RegexField(
    label=gettext_lazy("Couleur"),
    regex=r"^#[0-9a-fA-F]{6}$",
    initial="#0b5e4a",
    widget=forms.TextInput(attrs={"type": "color"}),
    error_messages={"invalid": gettext_lazy("Choisissez une couleur (format #RRVVBB).")},
)


class CalendarForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom de l'agenda"), max_length=80)
    color = COLOR_FIELD


class AvailabilityForm(forms.Form):
    calendar = forms.TypedChoiceField(label=gettext_lazy("Agenda"), coerce=int)
    space = forms.TypedChoiceField(
        label=gettext_lazy("Espace qui verra les disponibilités"), coerce=int
    )


@login_required
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="calendars.manage")
    space = membership.space
    calendars = list(selectors.space_calendars(space))
    targets = partner_spaces(membership)
    calendar_form = CalendarForm(request.POST if "add_calendar" in request.POST else None)
    share_form = AvailabilityForm(request.POST if "share" in request.POST else None)
    share_form.fields["calendar"].choices = [(c.pk, c.name) for c in calendars]  # type: ignore[attr-defined]
    share_form.fields["space"].choices = [(s.pk, s.name) for s in targets]  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            if "add_calendar" in request.POST and calendar_form.is_valid():
                created = create_space_calendar(
                    space=space, membership=membership, **calendar_form.cleaned_data
                )
                messages.success(request, _("Agenda « %(name)s » créé.") % {"name": created.name})
                return redirect("calendar_settings:index", slug=slug)
            if "share" in request.POST and share_form.is_valid():
                calendar = next(c for c in calendars if c.pk == share_form.cleaned_data["calendar"])
                target = targets.get(pk=share_form.cleaned_data["space"])
                share_availability(membership=membership, calendar=calendar, target=target)
                messages.success(
                    request,
                    _("« %(space)s » voit désormais les disponibilités de « %(calendar)s ».")
                    % {"space": target.name, "calendar": calendar.name},
                )
                return redirect("calendar_settings:index", slug=slug)
        except MaillageError as exc:
            (calendar_form if "add_calendar" in request.POST else share_form).add_error(
                None, exc.message
            )
    shares = selectors.availability_shares_of(space)
    context = {
        "membership": membership,
        "space": space,
        "calendars": calendars,
        "calendar_form": calendar_form,
        "share_form": share_form,
        "shares": shares,
    }
    status = 400 if (calendar_form.errors or share_form.errors) else 200
    return render(request, "calendars/space_settings.html", context, status=status)


@require_POST
@login_required
def calendar_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="calendars.manage")
    calendar = selectors.space_calendar_of(membership, pk)
    if calendar is None:
        raise Http404
    form = CalendarForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nom ou couleur invalide."))
        return redirect("calendar_settings:index", slug=slug)
    update_space_calendar(membership=membership, calendar=calendar, **form.cleaned_data)
    messages.success(request, _("Agenda enregistré."))
    return redirect("calendar_settings:index", slug=slug)


@require_POST
@login_required
def availability_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = access_space(request.user, slug, need="calendars.manage")
    share = selectors.availability_share_of(membership, pk)
    if share is None:
        raise Http404
    unshare_availability(membership=membership, share=share)
    messages.success(request, _("Partage de disponibilités retiré."))
    return redirect("calendar_settings:index", slug=slug)


@login_required
def availability(request: HttpRequest, slug: str) -> HttpResponse:
    membership = access_space(request.user, slug, need="calendars.view")
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    start = datetime.combine(today, time.min, tzinfo=tz)
    end = start + timedelta(days=14)
    rows = availability_for(membership, start, end)
    days = [today + timedelta(days=i) for i in range(14)]
    for row in rows:
        row["by_day"] = {
            day: [(b, e) for b, e in row["periods"] if b.date() <= day <= e.date()] for day in days
        }
    context = {"membership": membership, "space": membership.space, "rows": rows, "days": days}
    return render(request, "calendars/availability.html", context)
