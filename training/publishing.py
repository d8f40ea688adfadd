"""Courses on the public portal (kind "course", section "training").

A course is known by its primary key (``source_key = str(pk)``). Its managers (``policy.
can_manage_course``: the space's editors) may propose it once it is published in the catalogue
with the territory reach; a draft, an archived course or one kept for the space's members is
refused (``NotPublishable``).

The payload holds the course's public description and its upcoming, non-cancelled sessions as
they are at the proposal: for each, the dates of its parts (ISO 8601 with their offset), the
place's name, address and commune, and whether it runs at a distance. Never a registrant, a
seat count, a trainer, an e-mail or the virtual classroom's link. Labels (audience, theme…) are
stored in the site's language, as the public reads them. Like every portal item, nothing
changes publicly until a new proposal is approved.

The snapshot's dates span the first to the last session (lists, date filters); its commune is
the next session's, its theme the course's theme. The iCalendar feed and the month view use the
parts themselves (``occurrences``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from extranet.models import PublicationRequest
from extranet.portal.registry import Occurrence, PublicField, PublishableKind
from extranet.portal.services import NotPublishable, submit_publication
from training import policy
from training.models import Course, CourseStatus, Format, Reach, Session, SessionStatus

KIND = "course"
SECTION = "training"

# schema.org's courseMode for the course's format (a session without a place runs online).
COURSE_MODES = {Format.ONSITE: "onsite", Format.DISTANCE: "online", Format.BLENDED: "blended"}


def source_key(course: Course) -> str:
    return str(course.pk)


def course_source(user: Any, key: str) -> Course:
    """The course if ``user`` may propose it: Http404 for unknown courses and for whom may not
    see it, PermissionDenied for those who see it but do not manage it."""
    if not key.isdigit():
        raise Http404
    course = Course.objects.select_related("space").filter(pk=int(key)).first()
    if course is None or not policy.can_see_course(user, course):
        raise Http404
    if not policy.can_manage_course(user, course):
        raise PermissionDenied
    return course


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat()


def _public_id(session: Session) -> str:
    # Not the session's own UID (that of the registrants' invitations): a public one, stable.
    return hashlib.sha256(f"training-session:{session.uid}".encode()).hexdigest()[:16]


def _hours(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _session_data(session: Session) -> dict[str, Any]:
    parts = [
        {"start": _iso(part.starts_at), "end": _iso(part.ends_at)} for part in session.parts.all()
    ]
    place = session.place_label
    return {
        "id": _public_id(session),
        "start": parts[0]["start"],
        "end": parts[-1]["end"],
        "parts": parts,
        "place": place,
        "address": session.address,
        "commune": session.commune,
        "online": bool(session.online_url) and not (place or session.address),
    }


def public_sessions(course: Course, *, now: datetime | None = None) -> list[Session]:
    """The course's sessions the public may see: not over, not cancelled, with dates."""
    now = now or timezone.now()
    return list(
        course.sessions.exclude(status=SessionStatus.CANCELLED)
        .filter(ends_at__gte=now, starts_at__isnull=False)
        .select_related("place")
        .prefetch_related("parts")
        .order_by("starts_at", "pk")
    )


def course_payload(course: Course) -> dict[str, Any]:
    if course.status != CourseStatus.PUBLISHED:
        raise NotPublishable(
            gettext(
                "Publiez d'abord la formation dans le catalogue : un brouillon ou une formation "
                "archivée ne peut pas être proposé au portail."
            )
        )
    if course.reach != Reach.TERRITORY:
        raise NotPublishable(
            gettext(
                "Cette formation est réservée aux membres de l'espace : elle ne peut pas être "
                "proposée au portail public."
            )
        )
    sessions = [s for s in public_sessions(course) if s.parts.all()]
    # The public reads the labels in the site's language, whoever proposes.
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "title": course.title,
            "summary": course.summary,
            "description": course.description,
            "audience": str(course.get_audience_display()),
            "theme": str(course.get_theme_display()),
            "level": str(course.get_level_display()),
            "duration_hours": _hours(course.duration_hours),
            "format": str(course.get_format_display()),
            "mode": COURSE_MODES.get(Format(course.format), "onsite"),
            "prerequisites": course.prerequisites,
            "objectives": course.objective_list(),
            "organizer": course.space.name,
            "sessions": [_session_data(session) for session in sessions],
        }


# --- reading the public data (any JSON: approved data, or the never-leak test's) --------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _sessions(data: dict[str, Any]) -> list[dict[str, Any]]:
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        return []
    return [s for s in sessions if isinstance(s, dict)]


def _moment(value: Any) -> datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _parts(session: dict[str, Any]) -> list[tuple[datetime, datetime | None]]:
    parts = session.get("parts")
    found = []
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, dict):
            start = _moment(part.get("start"))
            if start is not None:
                found.append((start, _moment(part.get("end"))))
    if not found:
        start = _moment(session.get("start"))
        if start is not None:
            found.append((start, _moment(session.get("end"))))
    return found


def course_bounds(data: dict[str, Any]) -> tuple[datetime | None, datetime | None]:
    moments = [part for session in _sessions(data) for part in _parts(session)]
    if not moments:
        return None, None
    starts = [start for start, _end in moments]
    ends = [end or start for start, end in moments]
    return min(starts), max(ends)


def course_place(data: dict[str, Any]) -> tuple[str, str]:
    communes = [_text(s.get("commune")) for s in _sessions(data)]
    return next((c for c in communes if c), ""), _text(data.get("theme"))


def _location(session: dict[str, Any]) -> str:
    if session.get("online") is True:
        return gettext("À distance")
    parts = (_text(session.get(name)) for name in ("place", "address", "commune"))
    return ", ".join(p for p in parts if p)


def course_occurrences(data: dict[str, Any]) -> list[Occurrence]:
    """One occurrence per part of each session (its key: the session's public id and the
    part's position)."""
    occurrences = []
    for index, session in enumerate(_sessions(data)):
        ident = _text(session.get("id")) or str(index)
        location = _location(session)
        for position, (start, end) in enumerate(_parts(session), start=1):
            occurrences.append(Occurrence(f"{ident}-{position}", start, end, location))
    return occurrences


def _duration(hours: Any) -> str:
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        return ""
    minutes = round(hours * 60)
    whole, rest = divmod(minutes, 60)
    return "PT" + (f"{whole}H" if whole else "") + (f"{rest}M" if rest else "")


def _instance(session: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    parts = _parts(session)
    online = session.get("online") is True
    mode = "online" if online else _text(data.get("mode")) or "onsite"
    instance: dict[str, Any] = {"@type": "CourseInstance", "courseMode": mode}
    if parts:
        instance["startDate"] = parts[0][0].isoformat()
        end = parts[-1][1] or parts[-1][0]
        instance["endDate"] = end.isoformat()
    if online:
        instance["location"] = {"@type": "VirtualLocation"}
    else:
        address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "FR"}
        if _text(session.get("address")):
            address["streetAddress"] = _text(session.get("address"))
        if _text(session.get("commune")):
            address["addressLocality"] = _text(session.get("commune"))
        instance["location"] = {
            "@type": "Place",
            "name": _text(session.get("place")) or _text(session.get("commune")),
            "address": address,
        }
    if len(parts) > 1:
        instance["eventSchedule"] = [
            {"@type": "Schedule", "startDate": s.isoformat(), "endDate": (e or s).isoformat()}
            for s, e in parts
        ]
    return instance


def course_schema(data: dict[str, Any], url: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url,
        "url": url,
        "name": _text(data.get("title")),
        "inLanguage": "fr",
    }
    for key, name in (
        ("abstract", "summary"),
        ("description", "description"),
        ("educationalLevel", "level"),
        ("about", "theme"),
        ("coursePrerequisites", "prerequisites"),
    ):
        if _text(data.get(name)):
            obj[key] = _text(data.get(name))
    if "description" not in obj and "abstract" in obj:
        obj["description"] = obj["abstract"]
    if _text(data.get("audience")):
        obj["audience"] = {"@type": "Audience", "audienceType": _text(data.get("audience"))}
    objectives = data.get("objectives")
    if isinstance(objectives, list) and objectives:
        obj["teaches"] = [str(o) for o in objectives if o not in (None, "")]
    if _duration(data.get("duration_hours")):
        obj["timeRequired"] = _duration(data.get("duration_hours"))
    if _text(data.get("organizer")):
        obj["provider"] = {"@type": "Organization", "name": _text(data.get("organizer"))}
    obj["hasCourseInstance"] = [_instance(s, data) for s in _sessions(data)]
    return obj


COURSE_KIND = PublishableKind(
    name=KIND,
    label=_("Formation"),
    label_plural=_("Formations"),
    fields=(
        PublicField("title", _("Intitulé")),
        PublicField("summary", _("Résumé")),
        PublicField("description", _("Présentation")),
        PublicField("audience", _("Public"), editable=False),
        PublicField("theme", _("Thème"), editable=False),
        PublicField("level", _("Niveau"), editable=False),
        PublicField("duration_hours", _("Durée (heures)"), editable=False),
        PublicField("format", _("Modalité"), editable=False),
        PublicField("prerequisites", _("Prérequis")),
        PublicField("objectives", _("Objectifs"), editable=False),
        PublicField("organizer", _("Proposée par"), editable=False),
        PublicField(
            "sessions",
            _("Sessions à venir"),
            editable=False,
            template="training/portal/sessions.html",
        ),
    ),
    source_for=course_source,
    payload=course_payload,
    title_of=lambda data: _text(data.get("title")),
    space_of=lambda course: course.space,
    bounds=course_bounds,
    place=course_place,
    schema_org=course_schema,
    occurrences=course_occurrences,
    public_section=SECTION,
    order=40,
)


def propose_course(*, user: Any, course: Course) -> PublicationRequest:
    """Propose the course and its upcoming sessions for the public portal, as they are now
    (a proposal awaiting review is updated instead). PermissionDenied unless ``user`` manages
    the course; ``NotPublishable`` for a draft, an archived or a space-only course."""
    return submit_publication(user=user, kind=KIND, source_key=source_key(course))
