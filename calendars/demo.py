"""Demo agenda of the Pays des Trois Vallées: meetings, events and duty days in the coming weeks,
written straight into Radicale's storage (the same data every CalDAV client then sees)."""

from __future__ import annotations

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


EVENTS = (
    DemoEvent(
        "elus-et-agents",
        "Conseil communautaire",
        10,
        "18:30",
        2.5,
        location="Salle des fêtes, Saint-Aubin-sur-Loire",
        description=("Ordre du jour : budget primitif 2027, schéma de voirie, tarifs de l'eau."),
        category="Conseil",
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
    return f"Agendas: {written} events in the coming weeks (see « Agenda » in any space)"
