"""Server-side reads of calendar data for feeds and availability (no DAV client involved:
feeds are fetched by tools holding only a secret URL, availability viewers may not read events).
Callers decide who may see what before calling."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from django.conf import settings
from radicale import pathutils

from calendars.dav.app import load_storage


def _collection(path: str) -> Any | None:
    storage = load_storage()
    sane = pathutils.sanitize_path("/" + path.strip("/") + "/")
    with storage.acquire_lock("r"):
        found = list(storage.discover(sane))
        if not found:
            return None
        collection: Any = found[0]
        items = [item.serialize() for item in collection.get_all()]
        meta = dict(collection.get_meta())
        etag = collection.etag
    return {"items": items, "meta": meta, "etag": etag}


def calendar_snapshot(path: str) -> dict[str, Any] | None:
    """Items (iCalendar texts), properties and ETag of the collection at ``path``, or None."""
    return _collection(path)


def merged_calendar(snapshot: dict[str, Any], *, name: str) -> icalendar.Calendar:
    merged = icalendar.Calendar()
    merged.add("prodid", "-//Maillage//Agenda//FR")
    merged.add("version", "2.0")
    merged.add("x-wr-calname", name)
    seen_tz: set[str] = set()
    for text in snapshot["items"]:
        try:
            cal = icalendar.Calendar.from_ical(text)
        except ValueError:
            continue
        for component in cal.subcomponents:
            if component.name == "VTIMEZONE":
                tzid = str(component.get("tzid"))
                if tzid in seen_tz:
                    continue
                seen_tz.add(tzid)
            merged.add_component(component)
    return merged


def _aware(value: date | datetime, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, time.min, tzinfo=tz)


def busy_periods(
    snapshot: dict[str, Any], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Busy blocks between ``start`` and ``end``: only times, never titles or details."""
    tz = ZoneInfo(settings.TIME_ZONE)
    calendar = merged_calendar(snapshot, name="busy")
    periods: list[tuple[datetime, datetime]] = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        if str(event.get("transp", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("status", "")).upper() == "CANCELLED":
            continue
        begin = _aware(event.decoded("dtstart"), tz)
        finish = _aware(event.decoded("dtend"), tz) if event.get("dtend") else begin
        periods.append((begin, finish))
    periods.sort()
    merged: list[tuple[datetime, datetime]] = []
    for begin, finish in periods:
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def home_calendars(email: str) -> list[dict[str, str]]:
    """The calendars in a person's home: collection name, display name and colour."""
    from calendars.dav.paths import principal_for

    storage = load_storage()
    sane = pathutils.sanitize_path(f"/{principal_for(email)}/")
    calendars = []
    with storage.acquire_lock("r"):
        for found in storage.discover(sane, depth="1"):
            collection: Any = found
            path = collection.path.strip("/")
            if "/" not in path:
                continue  # the home itself
            meta = dict(collection.get_meta())
            if meta.get("tag") != "VCALENDAR":
                continue
            name = path.split("/", 1)[1]
            calendars.append(
                {
                    "collection": name,
                    "name": meta.get("D:displayname") or name,
                    "color": meta.get("ICAL:calendar-color") or "#0b5e4a",
                }
            )
    return sorted(calendars, key=lambda c: (c["collection"].startswith("espace-"), c["name"]))
