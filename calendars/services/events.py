"""Events of the web agenda, read and written through CalDAV as the signed-in person.

Nothing is stored in Django: Radicale holds the events, so what a DAV client writes shows on the
next page load and the other way round. An event is known by its calendar (the collection's name
in the person's home, checked against their listing) and its UID, never by a path from the
browser. Policy is checked before writing; Radicale's rights plugin applies the same policy again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendars import policy
from calendars.client import (
    AgendaClient,
    CalendarNotFound,
    CalendarRefused,
    DavCalendar,
    EventNotFound,
    agenda_client,
)
from extranet.access import check_membership
from extranet.models import Membership, Space

logger = logging.getLogger(__name__)

PRODID = "-//Maillage//Agenda web//FR"
# The commune where an event takes place (for the public portal's filters); DAV clients keep it.
COMMUNE_PROPERTY = "X-MAILLAGE-COMMUNE"
SIMPLE_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY")


class Recurrence(models.TextChoices):
    NONE = "none", _("Ne se répète pas")
    DAILY = "DAILY", _("Tous les jours")
    WEEKLY = "WEEKLY", _("Toutes les semaines")
    MONTHLY = "MONTHLY", _("Tous les mois")
    CUSTOM = "custom", _("Règle définie dans un autre logiciel (conservée telle quelle)")


class ReadOnlyCalendar(CalendarRefused):
    default_message = _(
        "Vous pouvez consulter cet agenda mais pas le modifier : votre rôle dans l'espace "
        "ne permet pas d'y ajouter ou d'y changer des événements."
    )


@dataclass(frozen=True)
class EventDetails:
    """What the web edits of an event. Dates are local; ``end`` is exclusive (as in iCalendar)."""

    summary: str
    start: date | datetime
    end: date | datetime
    location: str = ""
    description: str = ""
    categories: tuple[str, ...] = ()
    recurrence: Recurrence = Recurrence.NONE
    until: date | None = None
    commune: str = ""

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def first_day(self) -> date:
        return _day(self.start)

    @property
    def last_day(self) -> date:
        return _last_day(self.start, self.end)


@dataclass(frozen=True)
class AgendaCalendar:
    """A calendar as the agenda shows it: colour, visibility and whether the person may write."""

    dav: DavCalendar
    can_write: bool
    is_visible: bool = True

    @property
    def name(self) -> str:
        return self.dav.name

    @property
    def display_name(self) -> str:
        return self.dav.display_name

    @property
    def color(self) -> str:
        return self.dav.color

    @property
    def is_space(self) -> bool:
        return self.dav.is_space

    @property
    def is_linked(self) -> bool:
        return self.dav.is_linked

    @property
    def is_default(self) -> bool:
        return self.dav.is_default


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event in a period (recurring events give one per date)."""

    calendar: AgendaCalendar
    uid: str
    summary: str
    start: date | datetime
    end: date | datetime
    location: str
    categories: tuple[str, ...]
    is_recurring: bool

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def first_day(self) -> date:
        return _day(self.start)

    @property
    def last_day(self) -> date:
        return _last_day(self.start, self.end)

    @property
    def sort_key(self) -> tuple[int, datetime, str]:
        start = self.start if isinstance(self.start, datetime) else _midnight(self.start)
        return (0 if self.all_day else 1, start, self.summary.lower())


@dataclass(frozen=True)
class StoredEvent:
    calendar: AgendaCalendar
    uid: str
    details: EventDetails
    rule_text: str  # the RRULE as stored, shown when the web cannot edit it


@dataclass(frozen=True)
class Agenda:
    calendars: list[AgendaCalendar]
    occurrences: list[Occurrence]

    @property
    def writable(self) -> list[AgendaCalendar]:
        return [c for c in self.calendars if c.can_write]


# --- reads --------------------------------------------------------------------------------------


def load_agenda(
    *,
    user: Any,
    space: Space | None,
    start: date,
    end: date,
    is_shown: Callable[[str], bool] = lambda name: True,
) -> Agenda:
    """The person's calendars (of ``space`` only, when given) and the occurrences in
    [start, end) of those shown: one PROPFIND, then one REPORT per shown calendar."""
    with agenda_client(user) as dav:
        calendars = [
            replace(c, is_visible=is_shown(c.name)) for c in _calendars(dav, user=user, space=space)
        ]
        occurrences = []
        for calendar in calendars:
            if not calendar.is_visible:
                continue
            try:
                found = dav.occurrences(calendar.dav, _midnight(start), _midnight(end))
            except CalendarRefused:
                # Listed but not readable (a link whose membership just ended): skip it.
                logger.warning("Calendar %s listed but not readable", calendar.name)
                continue
            for component in found:
                if component.get("dtstart") is not None:
                    occurrences.append(_occurrence(calendar, component))
    occurrences.sort(key=lambda o: o.sort_key)
    return Agenda(calendars=calendars, occurrences=occurrences)


def agenda_calendars(*, user: Any, space: Space | None) -> list[AgendaCalendar]:
    """The person's calendars (of ``space`` only, when given), with whether they may write."""
    with agenda_client(user) as dav:
        return _calendars(dav, user=user, space=space)


def load_event(
    *, user: Any, space: Space | None, collection: str, uid: str
) -> tuple[list[AgendaCalendar], StoredEvent]:
    """The calendars in scope and the event ``uid`` of calendar ``collection``.

    Raises CalendarNotFound when the collection is not one of the person's calendars in scope,
    EventNotFound when it holds no such event."""
    with agenda_client(user) as dav:
        calendars = _calendars(dav, user=user, space=space)
        calendar = _pick(calendars, collection)
        stored = dav.find_event(calendar.dav, uid)
    master = _master(stored.ical, uid)
    details, rule_text = _details_from(master)
    return calendars, StoredEvent(calendar=calendar, uid=uid, details=details, rule_text=rule_text)


def occurrences_by_day(
    occurrences: Iterable[Occurrence], first: date, last: date
) -> dict[date, list[Occurrence]]:
    """Occurrences under each day of [first, last] they cover (multi-day events on each)."""
    days: dict[date, list[Occurrence]] = {}
    for occurrence in occurrences:
        day = max(occurrence.first_day, first)
        while day <= min(occurrence.last_day, last):
            days.setdefault(day, []).append(occurrence)
            day += timedelta(days=1)
    return days


# --- writes -------------------------------------------------------------------------------------


def create_event(*, user: Any, space: Space | None, collection: str, details: EventDetails) -> str:
    """Add an event to one of the person's calendars; returns its UID."""
    _check_write(user, collection)
    uid = str(uuid.uuid4())
    ical = icalendar.Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("created", timezone.now().astimezone(UTC))
    _apply(event, details, previous=None)
    ical.add_component(event)
    _add_timezones(ical, details)
    with agenda_client(user) as dav:
        calendar = _pick(_calendars(dav, user=user, space=space), collection)
        dav.put_event(dav.new_event_href(calendar.dav), ical, create=True)
    return uid


def update_event(
    *,
    user: Any,
    space: Space | None,
    collection: str,
    uid: str,
    details: EventDetails,
    move_to: str | None = None,
) -> None:
    """Change an event (the whole series for a recurring one), possibly into another calendar.

    Properties the web does not edit (alarms, attendees…) are kept as the DAV client left them.
    """
    target_name = move_to or collection
    _check_write(user, collection)
    _check_write(user, target_name)
    with agenda_client(user) as dav:
        calendars = _calendars(dav, user=user, space=space)
        source = _pick(calendars, collection)
        target = _pick(calendars, target_name)
        stored = dav.find_event(source.dav, uid)
        master = _master(stored.ical, uid)
        previous, _rule = _details_from(master)
        _apply(master, details, previous=previous)
        if _series_changed(previous, details):
            _drop_exceptions(stored.ical, master)
        _add_timezones(stored.ical, details)
        if target.name == source.name:
            dav.put_event(stored.href, stored.ical, create=False)
        else:
            # Written in the new calendar first: a failure then leaves a copy, never a loss.
            dav.put_event(dav.new_event_href(target.dav), stored.ical, create=True)
            dav.delete_event(stored.href)


def delete_event(*, user: Any, space: Space | None, collection: str, uid: str) -> None:
    """Delete an event (every occurrence of a recurring one)."""
    _check_write(user, collection)
    with agenda_client(user) as dav:
        calendar = _pick(_calendars(dav, user=user, space=space), collection)
        dav.delete_event(dav.find_event(calendar.dav, uid).href)


# --- policy -------------------------------------------------------------------------------------


def _check_write(user: Any, collection: str) -> None:
    """Space calendars follow the member's role (same policy as Radicale's rights plugin);
    calendars of the person's own home are theirs."""
    calendar = DavCalendar(name=collection, display_name="", color="", url="")
    if not calendar.is_space:
        return
    rights = policy.space_calendar_rights(user, calendar.space_slug, calendar.calendar_slug)
    if not rights:
        raise CalendarNotFound
    if rights != policy.SPACE_WRITE:
        raise ReadOnlyCalendar


def _writable_spaces(user: Any) -> set[str]:
    """Slugs of the spaces whose calendars ``user`` may write, with one query (the listing's
    version of ``policy.space_calendar_rights``; the write itself asks the policy again)."""
    slugs = set()
    for membership in Membership.objects.filter(user=user).select_related("space", "user"):
        try:
            check_membership(membership, need="calendars.write")
        except PermissionDenied:
            continue
        if not membership.space.is_archived:
            slugs.add(membership.space.slug)
    return slugs


def _calendars(dav: AgendaClient, *, user: Any, space: Space | None) -> list[AgendaCalendar]:
    listed = dav.calendars()
    if space is not None:
        listed = [c for c in listed if c.space_slug == space.slug]
    writable_spaces = _writable_spaces(user) if any(c.is_space for c in listed) else set()
    calendars = [
        AgendaCalendar(
            dav=c,
            can_write=not c.is_published and (not c.is_space or c.space_slug in writable_spaces),
        )
        for c in listed
    ]
    calendars.sort(key=lambda c: (c.is_linked, not c.is_default, c.display_name.lower()))
    return calendars


def _pick(calendars: list[AgendaCalendar], collection: str) -> AgendaCalendar:
    for calendar in calendars:
        if calendar.name == collection:
            return calendar
    raise CalendarNotFound


# --- iCalendar ----------------------------------------------------------------------------------


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _last_day(start: date | datetime, end: date | datetime) -> date:
    """The last local day covered by [start, end) (inclusive)."""
    if isinstance(end, datetime):
        last = end.date()
        if end.time() == time.min and last > _day(start):
            last -= timedelta(days=1)  # ends at midnight: the next day is not covered
    else:
        last = end - timedelta(days=1)
    return max(last, _day(start))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _local(value: date | datetime) -> date | datetime:
    if not isinstance(value, datetime):
        return value
    if timezone.is_naive(value):  # floating time: the wall clock wherever one is
        return timezone.make_aware(value)
    return timezone.localtime(value)


def _text(component: Any, key: str) -> str:
    value = component.get(key)
    return str(value).strip() if value is not None else ""


def _categories(component: Any) -> tuple[str, ...]:
    value = component.get("categories")
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    return tuple(str(c).strip() for v in values for c in getattr(v, "cats", [v]) if str(c).strip())


def _bounds(component: Any) -> tuple[date | datetime, date | datetime]:
    start = _local(component["dtstart"].dt)
    if component.get("dtend") is not None:
        end = _local(component["dtend"].dt)
    elif component.get("duration") is not None:
        end = start + component["duration"].dt
    else:
        end = start if isinstance(start, datetime) else start + timedelta(days=1)
    return start, end


def _occurrence(calendar: AgendaCalendar, component: Any) -> Occurrence:
    start, end = _bounds(component)
    return Occurrence(
        calendar=calendar,
        uid=_text(component, "uid"),
        summary=_text(component, "summary") or str(_("(sans titre)")),
        start=start,
        end=end,
        location=_text(component, "location"),
        categories=_categories(component),
        is_recurring=component.get("recurrence-id") is not None
        or component.get("rrule") is not None,
    )


def _master(ical: icalendar.Calendar, uid: str) -> Any:
    events = [e for e in ical.walk("VEVENT") if _text(e, "uid") == uid]
    for event in events:
        if event.get("recurrence-id") is None:
            return event
    if events:
        return events[0]
    raise EventNotFound


def _details_from(event: Any) -> tuple[EventDetails, str]:
    start, end = _bounds(event)
    rule = event.get("rrule")
    rule_text = rule.to_ical().decode() if rule is not None else ""
    recurrence, until = Recurrence.NONE, None
    if rule is not None:
        recurrence, until = _simple_rule(rule)
    details = EventDetails(
        summary=_text(event, "summary"),
        start=start,
        end=end,
        location=_text(event, "location"),
        description=_text(event, "description"),
        categories=_categories(event),
        recurrence=recurrence,
        until=until,
        commune=_text(event, COMMUNE_PROPERTY),
    )
    return details, rule_text


def _simple_rule(rule: Any) -> tuple[Recurrence, date | None]:
    """The form's recurrence for an RRULE the web can edit as is, else CUSTOM."""
    freq = (rule.get("FREQ") or [""])[0]
    until = (rule.get("UNTIL") or [None])[0]
    interval = (rule.get("INTERVAL") or [1])[0]
    extra = set(rule) - {"FREQ", "UNTIL", "INTERVAL", "WKST"}
    if freq not in SIMPLE_FREQUENCIES or until is None or int(interval) != 1 or extra:
        return Recurrence.CUSTOM, None
    local_until = _local(until)
    return Recurrence(freq), (
        local_until.date() if isinstance(local_until, datetime) else local_until
    )


def _until(details: EventDetails) -> date | datetime:
    assert details.until is not None  # noqa: S101  (the form requires it with a recurrence)
    if details.all_day:
        return details.until
    # With a local DTSTART, UNTIL must be in UTC (RFC 5545 3.3.10): the end of that local day.
    end_of_day = datetime.combine(details.until, time.max.replace(microsecond=0))
    return timezone.make_aware(end_of_day).astimezone(UTC)


def _apply(event: Any, details: EventDetails, *, previous: EventDetails | None) -> None:
    for key in ("summary", "dtstart", "dtend", "duration", "location", "description"):
        event.pop(key, None)
    event.pop("categories", None)
    event.pop(COMMUNE_PROPERTY, None)
    event.add("summary", details.summary)
    event.add("dtstart", details.start)
    event.add("dtend", details.end)
    if details.location:
        event.add("location", details.location)
    if details.description:
        event.add("description", details.description)
    if details.categories:
        event.add("categories", list(details.categories))
    if details.commune:
        event.add(COMMUNE_PROPERTY, details.commune)
    if details.recurrence != Recurrence.CUSTOM:
        event.pop("rrule", None)
        if details.recurrence != Recurrence.NONE:
            event.add("rrule", {"freq": details.recurrence.value, "until": _until(details)})
    now = timezone.now().astimezone(UTC)
    for key in ("dtstamp", "last-modified"):
        event.pop(key, None)
        event.add(key, now)
    if previous is not None:
        sequence = int(event.pop("sequence", 0) or 0)
        event.add("sequence", sequence + 1)


def _series_changed(previous: EventDetails, details: EventDetails) -> bool:
    return (
        previous.start != details.start
        or previous.recurrence != details.recurrence
        or previous.until != details.until
    )


def _drop_exceptions(ical: icalendar.Calendar, master: Any) -> None:
    """Exceptions and extra dates of a series point at its old dates: once the series moves or
    its rule changes they would apply to the wrong occurrences, so they go."""
    for key in ("exdate", "rdate"):
        master.pop(key, None)
    uid = _text(master, "uid")
    ical.subcomponents = [
        c
        for c in ical.subcomponents
        if not (c.name == "VEVENT" and c is not master and _text(c, "uid") == uid)
    ]


def _add_timezones(ical: icalendar.Calendar, details: EventDetails) -> None:
    if details.all_day:
        return
    first = details.start.date() if isinstance(details.start, datetime) else details.start
    last = details.until or (
        details.end.date() if isinstance(details.end, datetime) else details.end
    )
    ical.add_missing_timezones(
        first_date=date(first.year, 1, 1), last_date=date(max(last.year, first.year) + 1, 12, 31)
    )
