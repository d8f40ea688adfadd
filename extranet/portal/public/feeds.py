"""iCalendar and Atom feeds of the public slice.

The iCalendar feed is written by hand (RFC 5545: escaping, 75-octet folding, UTC times) because
it may hold thousands of events and is requested often; tests parse it with ``icalendar``. The
Atom feed uses Django's ``Atom1Feed`` (RFC 4287) with ``urn:uuid`` ids that stay the same
across versions of an item.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Min, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from extranet.models import PublicSnapshot
from extranet.portal.public import queries
from extranet.portal.public.conditional import STATE_KEY, public_resource, section_kinds
from extranet.portal.public.links import absolute
from extranet.portal.public.params import BadParameter, bad_request, parse_filters
from extranet.portal.public.sections import Section, get_section, sections
from extranet.portal.registry import Occurrence

ATOM_ENTRIES = 50


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "maillage"


def stable_hash(kind: str, source_key: str) -> str:
    return hashlib.sha256(f"{kind}\n{source_key}".encode()).hexdigest()


def ical_uid(snapshot: PublicSnapshot) -> str:
    """The same for every version of an item, so calendar clients update rather than duplicate."""
    return f"{snapshot.kind}-{stable_hash(snapshot.kind, snapshot.source_key)[:32]}@{uid_domain()}"


def atom_id(snapshot: PublicSnapshot) -> str:
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"maillage-portal:{ical_uid(snapshot)}")
    )


# --- iCalendar --------------------------------------------------------------------------------


def ics_text(value: Any) -> str:
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued by CRLF and one space; never
    splitting a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while len(encoded) - start > limit:
        cut = start + limit
        while encoded[cut] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            cut -= 1
        parts.append(encoded[start:cut])
        start, limit = cut, 74  # continuation lines start with a space
    parts.append(encoded[start:])
    return b"\r\n ".join(parts).decode()


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _all_day_dates(snapshot: PublicSnapshot) -> tuple[date, date] | None:
    """(first day, day after the last) of an all-day item: the payload's ``end`` is the last
    day, inclusive; iCalendar's DTEND is exclusive."""
    data = snapshot.data if isinstance(snapshot.data, dict) else {}
    if not data.get("all_day"):
        return None
    start = parse_date(str(data.get("start") or "")[:10])
    if start is None and snapshot.starts_at is not None:
        start = timezone.localtime(snapshot.starts_at).date()
    if start is None:
        return None
    last = parse_date(str(data.get("end") or "")[:10])
    if last is None or last < start:
        last = start
    return start, last + timedelta(days=1)


def vevent_lines(snapshot: PublicSnapshot, url: str) -> list[str]:
    data = snapshot.data if isinstance(snapshot.data, dict) else {}
    lines = [
        "BEGIN:VEVENT",
        f"UID:{ical_uid(snapshot)}",
        f"DTSTAMP:{utc_stamp(snapshot.approved_at)}",
        f"LAST-MODIFIED:{utc_stamp(snapshot.approved_at)}",
        f"SEQUENCE:{max(snapshot.version - 1, 0)}",
    ]
    all_day = _all_day_dates(snapshot)
    if all_day is not None:
        start, after = all_day
        lines.append(f"DTSTART;VALUE=DATE:{start:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{after:%Y%m%d}")
    else:
        assert snapshot.starts_at is not None  # noqa: S101 — the query excludes undated items
        lines.append(f"DTSTART:{utc_stamp(snapshot.starts_at)}")
        if snapshot.ends_at and snapshot.ends_at > snapshot.starts_at:
            lines.append(f"DTEND:{utc_stamp(snapshot.ends_at)}")
    lines.append(f"SUMMARY:{ics_text(snapshot.title)}")
    description = str(data.get("description") or "")
    if description:
        lines.append(f"DESCRIPTION:{ics_text(description)}")
    place = ", ".join(p for p in (str(data.get("location") or ""), snapshot.commune) if p.strip())
    if place:
        lines.append(f"LOCATION:{ics_text(place)}")
    if snapshot.theme:
        lines.append(f"CATEGORIES:{ics_text(snapshot.theme)}")
    lines.append(f"URL;VALUE=URI:{url}")
    lines.append("STATUS:CONFIRMED")
    lines.append("END:VEVENT")
    return lines


def occurrence_lines(snapshot: PublicSnapshot, occurrence: Occurrence, url: str) -> list[str]:
    """One VEVENT per occurrence of an item that happens several times (a course's sessions):
    the item's summary, description and theme, the occurrence's dates and place."""
    data = snapshot.data if isinstance(snapshot.data, dict) else {}
    lines = [
        "BEGIN:VEVENT",
        f"UID:{ical_uid(snapshot).replace('@', '-' + occurrence.key + '@', 1)}",
        f"DTSTAMP:{utc_stamp(snapshot.approved_at)}",
        f"LAST-MODIFIED:{utc_stamp(snapshot.approved_at)}",
        f"SEQUENCE:{max(snapshot.version - 1, 0)}",
        f"DTSTART:{utc_stamp(occurrence.starts_at)}",
    ]
    if occurrence.ends_at and occurrence.ends_at > occurrence.starts_at:
        lines.append(f"DTEND:{utc_stamp(occurrence.ends_at)}")
    lines.append(f"SUMMARY:{ics_text(snapshot.title)}")
    description = str(data.get("description") or data.get("summary") or "")
    if description:
        lines.append(f"DESCRIPTION:{ics_text(description)}")
    if occurrence.location.strip():
        lines.append(f"LOCATION:{ics_text(occurrence.location)}")
    if snapshot.theme:
        lines.append(f"CATEGORIES:{ics_text(snapshot.theme)}")
    lines.append(f"URL;VALUE=URI:{url}")
    lines.append("STATUS:CONFIRMED")
    lines.append("END:VEVENT")
    return lines


def item_events(public: queries.PublicItem, url: str) -> list[str]:
    """The VEVENTs of one public item: one per occurrence when its kind has them."""
    if public.kind.occurrences is None:
        return vevent_lines(public.snapshot, url)
    lines: list[str] = []
    for occurrence in queries.occurrences_of(public):
        lines += occurrence_lines(public.snapshot, occurrence, url)
    return lines


def calendar_lines(
    request: HttpRequest, section: Section, snapshots: list[PublicSnapshot]
) -> Iterator[str]:
    name = f"{settings.PORTAL_SITE_NAME} — {section.label}"
    yield from (
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maillage//Portail public//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{ics_text(name)}",
        f"X-WR-CALNAME:{ics_text(name)}",
        f"URL;VALUE=URI:{absolute(request, reverse('portal:section', args=[section.slug]))}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    )
    for public in queries.public_items(snapshots):
        yield from item_events(public, absolute(request, public.url))
    yield "END:VCALENDAR"


@public_resource(kinds=section_kinds, localised=False, cors=True, cache_body=True)
def ics(request: HttpRequest, section: str) -> HttpResponse:
    """``/portal/events.ics``: the section's current public items, filtered by ``commune``,
    ``theme``, ``kind``, ``from`` and ``to`` (YYYY-MM-DD)."""
    current = get_section(section)
    if not current.is_dated:
        return HttpResponse(status=404)
    try:
        filters = parse_filters(request, current)
    except BadParameter as error:
        return bad_request(error, json=False)
    snapshots = list(queries.filtered(current, filters).filter(starts_at__isnull=False))
    body = "".join(fold(line) + "\r\n" for line in calendar_lines(request, current, snapshots))
    return HttpResponse(body.encode(), content_type="text/calendar; charset=utf-8")


# --- Atom -------------------------------------------------------------------------------------


def _entries(kind_names: list[str]) -> list[PublicSnapshot]:
    first = (
        PublicSnapshot.objects.filter(kind=OuterRef("kind"), source_key=OuterRef("source_key"))
        .order_by()
        .values("kind")
        .annotate(first=Min("approved_at"))
        .values("first")
    )
    return list(
        queries.public_snapshots(kind_names)
        .annotate(first_approved=Subquery(first))
        .order_by("-approved_at", "-pk")[:ATOM_ENTRIES]
    )


def _summary(public: queries.PublicItem) -> str:
    snapshot = public.snapshot
    parts = []
    if snapshot.starts_at:
        when = timezone.localtime(snapshot.starts_at)
        all_day = bool(public.data.get("all_day"))
        parts.append(when.strftime("%d/%m/%Y") if all_day else when.strftime("%d/%m/%Y %H:%M"))
    if snapshot.commune:
        parts.append(snapshot.commune)
    if snapshot.theme:
        parts.append(snapshot.theme)
    description = str(public.data.get("description") or "")
    head = " · ".join(parts)
    text = Truncator(description).chars(400) if description else ""
    return "\n\n".join(p for p in (head, text) if p) or snapshot.title


class PlainAtomFeed(Atom1Feed):
    """Atom 1.0 with text summaries (Django's default labels them HTML) and a stable <updated>
    for an empty feed (Django's default is "now", which would change the body on every request)."""

    fallback_updated: datetime = datetime(2000, 1, 1, tzinfo=UTC)

    def latest_post_date(self) -> datetime:
        if not self.items:
            return self.fallback_updated
        return super().latest_post_date()

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("description"):
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def _atom(request: HttpRequest, title: str, page_path: str, kind_names: list[str]) -> HttpResponse:
    feed_url = absolute(request, request.path)
    feed = PlainAtomFeed(
        title=title,
        link=absolute(request, page_path),
        description="",
        feed_url=feed_url,
        feed_guid="urn:uuid:"
        + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{uid_domain()}{request.path}")),
        author_name=settings.PORTAL_SITE_NAME,
        language=settings.LANGUAGE_CODE,
    )
    state = request.META.get(STATE_KEY)
    if state is not None and state.last_modified is not None:
        feed.fallback_updated = state.last_modified
    for public in queries.public_items(_entries(kind_names)):
        snapshot = public.snapshot
        feed.add_item(
            title=snapshot.title,
            link=absolute(request, public.url),
            description=_summary(public),
            unique_id=atom_id(snapshot),
            unique_id_is_permalink=False,
            pubdate=getattr(snapshot, "first_approved", None) or snapshot.approved_at,
            updateddate=snapshot.approved_at,
            categories=[snapshot.theme] if snapshot.theme else [],
        )
    body = feed.writeString("utf-8")
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@public_resource(kinds=section_kinds, localised=False, cors=True, cache_body=True)
def atom(request: HttpRequest, section: str) -> HttpResponse:
    """New and updated items of a section (newest approval first)."""
    current = get_section(section)
    title = f"{settings.PORTAL_SITE_NAME} — {current.label}"
    return _atom(request, title, reverse("portal:section", args=[current.slug]), current.kind_names)


@public_resource(localised=False, cors=True, cache_body=True)
def atom_all(request: HttpRequest) -> HttpResponse:
    """New and updated items of every section."""
    title = f"{settings.PORTAL_SITE_NAME} — {_('Nouveautés')}"
    names = [name for section in sections() for name in section.kind_names]
    return _atom(request, title, reverse("portal:home"), names)
