"""iCalendar for training sessions: the events of the published calendars and the invitations
attached to e-mails.

A session is one VEVENT per dated part, UID ``<session uid>-<n>@maillage`` (n = the part's
1-based position), in UTC. The texts are deterministic (DTSTAMP is the last change of the
session or its course, not "now"), so a calendar refresh that changes nothing stores nothing
and clients see the same ETags.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr

import icalendar
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from training.models import Registration, RegistrationStatus, Session, SessionStatus

PRODID = "-//Maillage//Formations//FR"


def session_path(session: Session) -> str:
    """The session page, relative to the site (the services' helper, kept in one place)."""
    from training.services._effects import session_path as path

    return path(session)


def session_url(session: Session) -> str:
    return settings.SITE_URL + session_path(session)


def event_uid(session: Session, n: int) -> str:
    return f"{session.uid}-{n}@maillage"


def location(session: Session) -> str:
    """Place label, address and commune, or the virtual classroom's address."""
    parts = [session.place_label, session.address, session.commune]
    text = ", ".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    return text or session.online_url


def _stamp(session: Session) -> datetime:
    latest = max(session.updated_at, session.course.updated_at)
    return latest.astimezone(UTC).replace(microsecond=0)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)


def _description(session: Session) -> str:
    course = session.course
    lines = [course.summary.strip()]
    if session.trainer is not None:
        name = session.trainer.get_full_name() or session.trainer.email
        lines.append(_("Formateur : %(name)s") % {"name": name})
    if session.online_url:
        lines.append(_("Classe virtuelle : %(url)s") % {"url": session.online_url})
    if session.is_cancelled:
        lines.append(_("Session annulée."))
    lines.append(_("Détails et inscription : %(url)s") % {"url": session_url(session)})
    return "\n\n".join(line for line in lines if line)


def session_events(session: Session) -> list[icalendar.Event]:
    """One VEVENT per part of ``session`` (in the site's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        description = _description(session)
    events = []
    parts = sorted(session.parts.all(), key=lambda p: (p.starts_at, p.pk))
    for n, part in enumerate(parts, start=1):
        event = icalendar.Event()
        event.add("uid", event_uid(session, n))
        event.add("dtstamp", _stamp(session))
        event.add("dtstart", _utc(part.starts_at))
        event.add("dtend", _utc(part.ends_at))
        summary = session.course.title
        if len(parts) > 1:
            summary = f"{summary} ({n}/{len(parts)})"
        event.add("summary", summary)
        where = location(session)
        if where:
            event.add("location", where)
        event.add("description", description)
        event.add("url", session_url(session))
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        event.add("sequence", session.sequence)
        events.append(event)
    return events


def calendar_of(events: list[icalendar.Event], *, method: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    return calendar


def _organizer() -> icalendar.vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = icalendar.vText(name or "Maillage")
    return organizer


def _attendee(registration: Registration, method: str) -> icalendar.vCalAddress:
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = icalendar.vText(registration.full_name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    confirmed = registration.status == RegistrationStatus.CONFIRMED and method != "CANCEL"
    attendee.params["partstat"] = icalendar.vText("ACCEPTED" if confirmed else "DECLINED")
    attendee.params["rsvp"] = icalendar.vText("FALSE")
    return attendee


def invitation(session: Session, registration: Registration, *, method: str = "REQUEST") -> bytes:
    """A VCALENDAR for an e-mail attachment: METHOD REQUEST (the session in the person's
    calendar, updated by a later REQUEST with a higher SEQUENCE) or CANCEL (removed from it:
    a cancelled session or registration), with ORGANIZER and the registrant as ATTENDEE."""
    method = method.upper()
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"Unsupported iTIP method {method!r}")
    events = session_events(session)
    for event in events:
        event.add("organizer", _organizer())
        event.add("attendee", _attendee(registration, method))
        if method == "CANCEL" and session.status != SessionStatus.CANCELLED:
            event["status"] = icalendar.vText("CANCELLED")  # the registration, not the session
    return bytes(calendar_of(events, method=method).to_ical())
