"""Forms of the web agenda: an event, a personal calendar."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars.services.events import (
    AgendaCalendar,
    EventDetails,
    ReadOnlyCalendar,
    Recurrence,
    StoredEvent,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DEFAULT_DURATION = timedelta(hours=1)
CATEGORY_SUGGESTIONS = (
    _("Réunion"),
    _("Conseil"),
    _("Commission"),
    _("Formation"),
    _("Événement public"),
    _("Échéance"),
    _("Déplacement"),
    _("Permanence"),
    _("Congés"),
)


class EventForm(forms.Form):
    calendar = forms.CharField(label=_("Agenda"), widget=forms.Select)
    title = forms.CharField(label=_("Titre"), max_length=200)
    all_day = forms.BooleanField(label=_("Toute la journée"), required=False)
    start_date = forms.DateField(label=_("Date de début"), widget=DATE_WIDGET)
    start_time = forms.TimeField(
        label=_("Heure de début"),
        required=False,
        widget=TIME_WIDGET,
        help_text=_("Sans objet pour un événement sur la journée entière."),
    )
    end_date = forms.DateField(
        label=_("Date de fin"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Laissez vide si l'événement finit le jour où il commence."),
    )
    end_time = forms.TimeField(
        label=_("Heure de fin"),
        required=False,
        widget=TIME_WIDGET,
        help_text=_("Une heure après le début si vous la laissez vide."),
    )
    location = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    commune = forms.CharField(
        label=_("Commune"),
        max_length=120,
        required=False,
        help_text=_(
            "Facultatif : la commune du lieu, pour le portail public (filtre par commune)."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    category = forms.CharField(
        label=_("Catégorie ou thème"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "agenda-categories"}),
        help_text=_("Par exemple : Réunion, Formation. Séparez plusieurs thèmes par des virgules."),
    )
    recurrence = forms.ChoiceField(label=_("Répétition"), choices=())
    until = forms.DateField(
        label=_("Se répète jusqu'au (inclus)"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Obligatoire pour un événement qui se répète."),
    )

    def __init__(
        self,
        *args: Any,
        calendars: list[AgendaCalendar],
        keeps_custom_rule: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.calendars = {c.name: c for c in calendars}
        self.fields["calendar"].widget.choices = [
            (c.name, c.display_name) for c in calendars if c.can_write
        ]
        choices = [(r.value, r.label) for r in Recurrence if r != Recurrence.CUSTOM]
        if keeps_custom_rule:
            choices.append((Recurrence.CUSTOM.value, Recurrence.CUSTOM.label))
        cast(forms.ChoiceField, self.fields["recurrence"]).choices = choices
        self.details: EventDetails | None = None

    def clean_calendar(self) -> str:
        name: str = self.cleaned_data["calendar"]
        calendar = self.calendars.get(name)
        if calendar is None:
            raise forms.ValidationError(_("Choisissez un de vos agendas."))
        if not calendar.can_write:
            raise forms.ValidationError(ReadOnlyCalendar.default_message, code="refused")
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start_date: date | None = data.get("start_date")
        if start_date is None or self.errors:
            return data
        end_date: date = data.get("end_date") or start_date
        start: date | datetime
        end: date | datetime
        if data.get("all_day"):
            if end_date < start_date:
                raise forms.ValidationError(_("La date de fin doit suivre la date de début."))
            start, end = start_date, end_date + timedelta(days=1)
        else:
            start_time: time | None = data.get("start_time")
            if start_time is None:
                self.add_error(
                    "start_time", _("Indiquez l'heure de début, ou cochez « Toute la journée ».")
                )
                return data
            start = _aware(start_date, start_time)
            end_time: time | None = data.get("end_time")
            end = _aware(end_date, end_time) if end_time else start + DEFAULT_DURATION
            if end <= start:
                self.add_error("end_time", _("La fin doit être après le début."))
                return data
        recurrence = Recurrence(data.get("recurrence") or Recurrence.NONE)
        until: date | None = data.get("until")
        if recurrence in (Recurrence.DAILY, Recurrence.WEEKLY, Recurrence.MONTHLY):
            if until is None:
                self.add_error("until", _("Indiquez jusqu'à quand l'événement se répète."))
                return data
            if until < start_date:
                self.add_error("until", _("La répétition doit finir après le premier jour."))
                return data
        else:
            until = None
        self.details = EventDetails(
            summary=data["title"].strip(),
            start=start,
            end=end,
            location=data.get("location", "").strip(),
            description=data.get("description", "").strip(),
            categories=_split(data.get("category", "")),
            recurrence=recurrence,
            until=until,
            commune=" ".join(data.get("commune", "").split()),
        )
        return data


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at.replace(second=0, microsecond=0)))


def _split(value: str) -> tuple[str, ...]:
    seen: list[str] = []
    for part in value.split(","):
        part = " ".join(part.split())
        if part and part not in seen:
            seen.append(part)
    return tuple(seen)


def new_event_initial(day: date, calendar: str = "") -> dict[str, Any]:
    return {
        "calendar": calendar,
        "start_date": day,
        "start_time": time(9, 0),
        "end_date": day,
        "end_time": time(10, 0),
        "recurrence": Recurrence.NONE.value,
    }


def stored_event_initial(event: StoredEvent) -> dict[str, Any]:
    details = event.details
    initial: dict[str, Any] = {
        "calendar": event.calendar.name,
        "title": details.summary,
        "all_day": details.all_day,
        "location": details.location,
        "commune": details.commune,
        "description": details.description,
        "category": ", ".join(details.categories),
        "recurrence": details.recurrence.value,
        "until": details.until,
    }
    if isinstance(details.start, datetime):
        initial.update(start_date=details.start.date(), start_time=details.start.time())
        if isinstance(details.end, datetime):
            initial.update(end_date=details.end.date(), end_time=details.end.time())
        else:
            initial.update(end_date=details.last_day)
    else:
        initial.update(start_date=details.start, end_date=details.last_day)
    return initial


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'agenda"), max_length=80)
    color = forms.CharField(
        label=_("Couleur"),
        max_length=7,
        initial="#1d4ed8",
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Utilisée dans l'agenda web et proposée aux logiciels d'agenda."),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Donnez un nom à l'agenda."))
        return name

    def clean_color(self) -> str:
        color: str = self.cleaned_data["color"].strip()
        if not _COLOR.match(color):
            raise forms.ValidationError(_("Choisissez une couleur au format #rrvvbb."))
        return color.lower()
