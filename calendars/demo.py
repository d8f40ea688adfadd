"""Demo agenda of the Pays des Trois Vallées: meetings, events and duty days in the coming weeks,
written straight into Radicale's storage (the same data every CalDAV client then sees)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import radicale.item
from django.conf import settings
from django.utils import timezone
from radicale import pathutils

from calendars import provisioning
from calendars.dav.paths import space_collection
from calendars.models import SpaceCalendar
from calendars.services.events import COMMUNE_PROPERTY, EventDetails
from extranet.demo import DemoContext


@dataclass(frozen=True)
class DemoEvent:
    space: str
    title: str
    day: int  # days from today
    start: str | None  # "18:30", or None for an all-day event
    hours: float = 2
    days: int = 1  # all-day events: length in days
    location: str = ""
    description: str = ""
    category: str = ""
    weekly_until_days: int | None = None  # weekly repetition until today + N days
    commune: str = ""
    # On the public portal: "approved" (proposed by ``proposed_by``, an editor of the space, and
    # approved by the general administrator) or "pending" (left for them to review).
    portal: str = ""
    proposed_by: str = ""


def _days_until(month: int, day: int) -> int:
    """Days from today to the next ``day``/``month`` (this year's, or next year's once past)."""
    today = timezone.localdate()
    target = date(today.year, month, day)
    if target < today + timedelta(days=7):
        target = date(today.year + 1, month, day)
    return (target - today).days


EVENTS = (
    DemoEvent(
        "elus-et-agents",
        "Conseil communautaire",
        10,
        "18:30",
        2.5,
        location="Salle des fêtes, Saint-Aubin-sur-Loire",
        description=(
            "Séance publique. Ordre du jour : budget primitif 2027, schéma de voirie, tarifs "
            "de l'eau."
        ),
        category="Vie publique",
        commune="Saint-Aubin-sur-Loire",
        portal="approved",
        proposed_by="julien.roussel",
    ),
    DemoEvent(
        "elus-et-agents",
        "Bureau communautaire",
        3,
        "17:00",
        1.5,
        location="Siège de la communauté de communes, Montreuil-le-Vieux",
        category="Conseil",
    ),
    DemoEvent(
        "elus-et-agents",
        "Commission voirie et assainissement",
        1,
        "09:00",
        2,
        location="Services techniques",
        category="Commission",
        weekly_until_days=28,
    ),
    DemoEvent(
        "elus-et-agents",
        "Permanence des élus",
        5,
        "10:00",
        2,
        location="Mairie des Essarts-du-Bocage",
        category="Permanence",
    ),
    DemoEvent(
        "tourisme-trois-vallees",
        "Lancement de la saison estivale",
        6,
        "14:00",
        2,
        location="Office de tourisme des Trois Vallées",
        description="Bilan 2026, brochure 2027, calendrier des animations.",
    ),
    DemoEvent(
        "tourisme-trois-vallees",
        "Salon du tourisme d'Angers",
        20,
        None,
        days=2,
        location="Parc des expositions, Angers",
    ),
    DemoEvent(
        "reseau-culture",
        "Comité de programmation",
        8,
        "18:00",
        2,
        location="Médiathèque intercommunale",
    ),
    DemoEvent(
        "reseau-culture",
        "Festival des Trois Vallées",
        24,
        None,
        days=3,
        location="Montreuil-le-Vieux et Saint-Aubin-sur-Loire",
        description="Trois jours de spectacles de rue, de concerts et d'ateliers en plein air.",
        category="Festival",
        commune="Montreuil-le-Vieux",
        portal="pending",
        proposed_by="nathalie.caron",
    ),
    DemoEvent(
        "reseau-culture",
        "Concert de l'école de musique",
        9,
        "20:30",
        1.5,
        location="Église Saint-Martin",
        description="Les élèves et les professeurs de l'école de musique. Entrée libre.",
        category="Concert",
        commune="Vernoux-en-Vallée",
        portal="approved",
        proposed_by="nathalie.caron",
    ),
    DemoEvent(
        "tourisme-trois-vallees",
        "Marché de Noël de Saint-Aubin-sur-Loire",
        _days_until(12, 12),
        None,
        days=2,
        location="Place de l'Église et quais de Loire",
        description=(
            "Quarante exposants, artisans et producteurs du Pays ; vin chaud, promenades en "
            "calèche et visite du Père Noël le dimanche après-midi."
        ),
        category="Marché",
        commune="Saint-Aubin-sur-Loire",
        portal="approved",
        proposed_by="thomas.perrin",
    ),
    DemoEvent(
        "tourisme-trois-vallees",
        "Randonnée des crêtes de l'Aubance",
        13,
        "09:00",
        4,
        location="Départ : parvis de l'église de Vernoux-en-Vallée",
        description=(
            "14 km accompagnés par un guide de l'office de tourisme. Chaussures de marche, "
            "pique-nique tiré du sac. Gratuit, inscription conseillée."
        ),
        category="Randonnée",
        commune="Vernoux-en-Vallée",
        portal="approved",
        proposed_by="thomas.perrin",
    ),
    DemoEvent(
        "sante-trois-vallees",
        "Garde médicale du week-end — Dr Morin",
        5,
        None,
        days=2,
        description="Numéro de garde : 15, puis renvoi vers la maison de santé.",
    ),
    DemoEvent(
        "sante-trois-vallees",
        "Réunion pluriprofessionnelle",
        9,
        "12:30",
        1.5,
        location="Maison de santé de Montreuil-le-Vieux",
    ),
    DemoEvent(
        "formation-agents",
        "Atelier : bien utiliser sa messagerie",
        4,
        "09:30",
        3,
        location="Espace numérique, Saint-Aubin-sur-Loire",
        category="Formation",
    ),
    DemoEvent(
        "formation-agents",
        "Formation RGPD pour les agents",
        15,
        "14:00",
        3,
        location="Salle du conseil, Les Essarts-du-Bocage",
        category="Formation",
    ),
    DemoEvent(
        "projet-voie-verte",
        "Visite du tracé avec le bureau d'études",
        12,
        "09:00",
        4,
        location="Départ : ancienne gare de Saint-Aubin",
    ),
)


def _ics(event: DemoEvent, today: date, tz: ZoneInfo, index: int) -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Maillage//Demo//FR")
    calendar.add("version", "2.0")
    vevent = icalendar.Event()
    vevent.add("uid", f"demo-{event.space}-{index}@maillage")
    vevent.add("dtstamp", timezone.now())
    vevent.add("summary", event.title)
    day = today + timedelta(days=event.day)
    if event.start is None:
        vevent.add("dtstart", day)
        vevent.add("dtend", day + timedelta(days=event.days))
    else:
        hour, minute = (int(part) for part in event.start.split(":"))
        start = datetime.combine(day, time(hour, minute), tzinfo=tz)
        vevent.add("dtstart", start)
        vevent.add("dtend", start + timedelta(hours=event.hours))
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.category:
        vevent.add("categories", [event.category])
    if event.commune:
        vevent.add(COMMUNE_PROPERTY, event.commune)
    if event.weekly_until_days:
        until = datetime.combine(
            today + timedelta(days=event.weekly_until_days), time.max, tzinfo=tz
        )
        vevent.add("rrule", {"freq": "weekly", "until": until})
    calendar.add_component(vevent)
    return str(calendar.to_ical().decode())


def seed(context: DemoContext) -> list[str]:
    return list(context.spaces)


def finish(space_slugs: list[str]) -> str:
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    storage = provisioning._storage()
    written = 0
    calendars = {
        c.space.slug: c
        for c in SpaceCalendar.objects.filter(
            space__slug__in=space_slugs, is_default=True
        ).select_related("space")
    }
    for calendar in calendars.values():
        provisioning.ensure_space_calendar(
            calendar.space.slug, calendar.slug, calendar.name, calendar.color
        )
    with storage.acquire_lock("w"):
        for index, event in enumerate(EVENTS):
            target = calendars.get(event.space)
            if target is None:
                continue
            path = pathutils.sanitize_path(
                "/" + space_collection(target.space.slug, target.slug) + "/"
            )
            (collection,) = list(storage.discover(path))
            collection_any: Any = collection
            item = radicale.item.Item(
                collection_path=path.strip("/"), text=_ics(event, today, tz, index)
            )
            item.prepare()
            collection_any.upload(f"demo-{index}.ics", item)
            written += 1
    published, pending = _propose_to_portal(calendars, today, tz)
    return (
        f"Agendas: {written} events in the coming weeks (see « Agenda » in any space)\n"
        f"Portal events: {published} public at /portal/, {pending} proposal(s) awaiting the "
        "general administrator at /publication/"
    )


def _details(event: DemoEvent, today: date, tz: ZoneInfo) -> EventDetails:
    day = today + timedelta(days=event.day)
    start: date | datetime
    end: date | datetime
    if event.start is None:
        start, end = day, day + timedelta(days=event.days)
    else:
        hour, minute = (int(part) for part in event.start.split(":"))
        start = datetime.combine(day, time(hour, minute), tzinfo=tz)
        end = start + timedelta(hours=event.hours)
    return EventDetails(
        summary=event.title,
        start=start,
        end=end,
        location=event.location,
        description=event.description,
        categories=(event.category,) if event.category else (),
        commune=event.commune,
    )


def _propose_to_portal(
    calendars: dict[str, SpaceCalendar], today: date, tz: ZoneInfo
) -> tuple[int, int]:
    """Editors propose the public events and the general administrator approves most of them,
    through the workflow's services. The demo is seeded before the server answering CalDAV
    starts, so the event's details come from the data just written to Radicale's storage
    instead of a CalDAV read; the access check is the kind's own (editors of the space)."""
    from django.contrib.auth import get_user_model

    from calendars.publishing import ABILITY, EVENT_KIND, source_from, source_key
    from extranet.access import access_space
    from extranet.demo_data import DOMAIN
    from extranet.portal.demo import demo_reviewer
    from extranet.portal.services import approve_publication, submit_publication

    reviewer = demo_reviewer()
    published = pending = 0
    for index, event in enumerate(EVENTS):
        calendar = calendars.get(event.space)
        if not event.portal or calendar is None:
            continue
        uid = f"demo-{event.space}-{index}@maillage"
        details = _details(event, today, tz)

        def read(
            user: Any,
            key: str,
            calendar: Any = calendar,
            uid: str = uid,
            details: EventDetails = details,
        ) -> Any:
            membership = access_space(user, calendar.space.slug, need=ABILITY)
            return source_from(membership.space, calendar.slug, uid, details)

        kind = dataclasses.replace(EVENT_KIND, source_for=read)
        author = get_user_model().objects.get(email=f"{event.proposed_by}@{DOMAIN}")
        proposal = submit_publication(
            user=author, kind=kind, source_key=source_key(calendar.space.slug, calendar.slug, uid)
        )
        if event.portal == "approved":
            approve_publication(reviewer=reviewer, request=proposal)
            published += 1
        else:
            pending += 1
    return published, pending
