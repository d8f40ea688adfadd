"""Personal calendars from the web: created, renamed and deleted in the person's DAV home, the
same way a DAV client does (MKCALENDAR, PROPPATCH, DELETE), so both see the same calendars."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from calendars import policy
from calendars.client import (
    AgendaClient,
    CalendarNotFound,
    DavCalendar,
    agenda_client,
    normalize_color,
)
from calendars.dav.paths import PERSONAL_DEFAULT, is_reserved_name
from extranet.exceptions import MaillageError

DEFAULT_COLOR = "#1d4ed8"
MAX_NAME = 80


class DefaultCalendarProtected(MaillageError):
    default_message = _("« Personnel » est votre agenda par défaut : il ne peut pas être supprimé.")


class SpaceCalendarProtected(MaillageError):
    default_message = _(
        "Les agendas d'espace ne se renomment ni ne se suppriment ici : "
        "ils appartiennent à l'espace et se gèrent dans ses réglages."
    )


class PublishedCalendarProtected(MaillageError):
    default_message = _(
        "Cet agenda est publié par Maillage (par exemple vos formations) : il se met à jour "
        "tout seul et ne se renomme ni ne se supprime."
    )


def personal_calendars(*, user: Any) -> list[DavCalendar]:
    """All calendars of the person's home (personal ones first, then links to space calendars)."""
    with agenda_client(user) as dav:
        listed = dav.calendars()
    listed.sort(key=lambda c: (c.is_linked, not c.is_default, c.display_name.lower()))
    return listed


def create_personal_calendar(*, user: Any, name: str, color: str = DEFAULT_COLOR) -> DavCalendar:
    """A new calendar in the person's home; its collection name is derived from ``name``."""
    display_name = name.strip()[:MAX_NAME]
    color = normalize_color(color, DEFAULT_COLOR)
    with agenda_client(user) as dav:
        taken = {c.name for c in dav.calendars()}
        collection = _collection_name(display_name, taken)
        dav.make_calendar(name=collection, display_name=display_name, color=color)
        return DavCalendar(
            name=collection,
            display_name=display_name,
            color=color,
            url=dav.collection_url(collection),
        )


def update_personal_calendar(*, user: Any, collection: str, name: str, color: str) -> None:
    """Rename and recolour one of the person's own calendars."""
    with agenda_client(user) as dav:
        calendar = _own(dav, collection)
        dav.set_calendar_properties(
            calendar,
            display_name=name.strip()[:MAX_NAME],
            color=normalize_color(color, calendar.color),
        )


def delete_personal_calendar(*, user: Any, collection: str) -> None:
    """Delete one of the person's own calendars and its events (never the default one)."""
    if not policy.can_delete_personal(collection):
        raise DefaultCalendarProtected
    with agenda_client(user) as dav:
        dav.delete_calendar(_own(dav, collection))


def _own(dav: AgendaClient, collection: str) -> DavCalendar:
    for calendar in dav.calendars():
        if calendar.name == collection:
            if calendar.is_space:
                raise SpaceCalendarProtected
            if calendar.is_published:
                raise PublishedCalendarProtected
            return calendar
    raise CalendarNotFound


def _collection_name(display_name: str, taken: set[str]) -> str:
    base = slugify(display_name)[:40].strip("-") or "agenda"
    if is_reserved_name(base) or base == PERSONAL_DEFAULT:
        # "espace-…" and "annuaire-…" are kept for links to space collections (the rights
        # plugin refuses them).
        base = f"agenda-{base}"[:40]
    name = base
    while name in taken:
        name = f"{base}-{secrets.token_hex(3)}"
    return name
