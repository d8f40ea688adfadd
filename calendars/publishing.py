"""Events of space calendars on the public portal (kind "event").

An event is known by ``"<space_slug>/<calendar_slug>/<uid>"``. Editors of the space (ability
``calendars.publish``) may propose it; it is read through the web agenda's CalDAV client as the
proposing person, so Radicale's rights apply as for any read.

Payload: ``start``/``end`` are ISO 8601 in local time with their offset; for an all-day event they
are dates and ``end`` is the *last day* (inclusive, as people read it and as schema.org's
``endDate``); an iCalendar DTEND is then ``end`` + 1 day. ``starts_at``/``ends_at`` of the
snapshot are instants, ``ends_at`` exclusive (midnight after the last day for all-day events).
``commune`` is the event's ``X-MAILLAGE-COMMUNE`` property (the agenda form's "Commune" field);
``theme`` is its first category (the form's "Catégorie ou thème").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calendars.client import CalendarNotFound, EventNotFound
from calendars.dav.paths import link_name
from calendars.models import SpaceCalendar
from calendars.services.events import EventDetails, Recurrence, load_event
from extranet.access import access_space
from extranet.models import Space
from extranet.portal.registry import PublicField, PublishableKind
from extranet.portal.services import NotPublishable

KIND = "event"
ABILITY = "calendars.publish"


@dataclass(frozen=True)
class EventSource:
    space: Space
    calendar_slug: str
    uid: str
    details: EventDetails


def source_key(space_slug: str, calendar_slug: str, uid: str) -> str:
    return f"{space_slug}/{calendar_slug}/{uid}"


def key_for_collection(collection: str, uid: str) -> str | None:
    """The source key of event ``uid`` in the home collection ``collection`` (None when that
    collection is a personal calendar: only space calendars are published)."""
    from calendars.client import DavCalendar

    calendar = DavCalendar(name=collection, display_name="", color="", url="")
    if not calendar.is_space:
        return None
    return source_key(calendar.space_slug, calendar.calendar_slug, uid)


def _parse_key(key: str) -> tuple[str, str, str]:
    parts = key.split("/", 2)
    if len(parts) != 3 or not all(parts):
        raise Http404
    return parts[0], parts[1], parts[2]


def source_from(space: Space, calendar_slug: str, uid: str, details: EventDetails) -> EventSource:
    if details.recurrence != Recurrence.NONE:
        raise NotPublishable(
            gettext(
                "Un événement qui se répète ne peut pas être proposé au portail : créez un "
                "événement par date à publier."
            )
        )
    return EventSource(space=space, calendar_slug=calendar_slug, uid=uid, details=details)


def event_source(user: Any, key: str) -> EventSource:
    """The event if ``user`` may propose it: Http404 for outsiders and unknown events,
    PermissionDenied for members below editor."""
    space_slug, calendar_slug, uid = _parse_key(key)
    membership = access_space(user, space_slug, need=ABILITY)
    if not SpaceCalendar.objects.filter(space=membership.space, slug=calendar_slug).exists():
        raise Http404
    try:
        _calendars, stored = load_event(
            user=user,
            space=membership.space,
            collection=link_name(space_slug, calendar_slug),
            uid=uid,
        )
    except (CalendarNotFound, EventNotFound) as exc:
        raise Http404 from exc
    return source_from(membership.space, calendar_slug, uid, stored.details)


def _iso(value: date | datetime) -> str:
    if not isinstance(value, datetime):
        return value.isoformat()
    aware = value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.localtime(aware).isoformat()


def event_payload(source: EventSource) -> dict[str, Any]:
    details = source.details
    end: date | datetime = details.last_day if details.all_day else details.end
    return {
        "title": details.summary,
        "description": details.description,
        "start": _iso(details.start),
        "end": _iso(end),
        "all_day": details.all_day,
        "location": details.location,
        "commune": details.commune,
        "theme": details.categories[0] if details.categories else "",
        "url": "",
        "organizer": source.space.name,
    }


def _instant(text: Any, *, end_of_day: bool) -> datetime | None:
    if not text:
        return None
    value = str(text)
    moment = parse_datetime(value) if "T" in value else None
    if moment is not None:
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    day = parse_date(value)
    if day is None:
        return None
    if end_of_day:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min))


def event_bounds(data: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    starts_at = _instant(data.get("start"), end_of_day=False)
    ends_at = _instant(data.get("end"), end_of_day=True) or starts_at
    return starts_at, ends_at


def event_place(data: dict[str, Any]) -> tuple[str, str]:
    return str(data.get("commune") or ""), str(data.get("theme") or "")


EVENT_KIND = PublishableKind(
    name=KIND,
    label=_("Événement"),
    label_plural=_("Agenda"),
    fields=(
        PublicField("title", _("Titre")),
        PublicField("start", _("Début"), editable=False),
        PublicField("end", _("Fin"), editable=False),
        PublicField("all_day", _("Toute la journée"), editable=False),
        PublicField("location", _("Lieu")),
        PublicField("commune", _("Commune")),
        PublicField("theme", _("Thème")),
        PublicField("description", _("Description")),
        PublicField("organizer", _("Organisateur")),
        PublicField("url", _("Site web")),
    ),
    source_for=event_source,
    payload=event_payload,
    title_of=lambda data: str(data.get("title") or ""),
    space_of=lambda source: source.space,
    bounds=event_bounds,
    place=event_place,
    public_section="events",
    order=10,
)
