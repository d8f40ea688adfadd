"""The one module that talks CalDAV for the web.

The web agenda goes through Radicale like any DAV client, signed in as the person with a
short-lived web token (calendars/webtoken.py), so Radicale's rights apply to the web too and the
web and DAV clients see the same data. Radicale's layout is known (calendars/dav/paths.py), so
the client skips discovery: one PROPFIND on the person's home lists their calendars.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

import icalendar
import niquests
from caldav.collection import Calendar as DavCollection
from caldav.davclient import DAVClient
from caldav.lib import error as dav_error
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from calendars import webtoken
from calendars.dav.paths import (
    LINK_PREFIX,
    LINK_SEPARATOR,
    PERSONAL_DEFAULT,
    PUBLISHED_LINK_PREFIX,
    principal_for,
)
from extranet.exceptions import MaillageError

logger = logging.getLogger(__name__)

TIMEOUT_S = 5
PERSONAL_COLOR = "#1d4ed8"
SPACE_COLOR = "#0b5e4a"
_COLOR = re.compile(r"^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$")
_NAMESPACES = (
    'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:I="http://apple.com/ns/ical/"'
)
_LIST_BODY = (
    f'<?xml version="1.0" encoding="utf-8"?><D:propfind {_NAMESPACES}><D:prop>'
    "<D:resourcetype/><D:displayname/><I:calendar-color/></D:prop></D:propfind>"
)
_CALENDAR_TAG = "{urn:ietf:params:xml:ns:caldav}calendar"
_ICAL_TYPE = {"Content-Type": "text/calendar; charset=utf-8"}


class CalendarUnavailable(MaillageError):
    default_message = _(
        "L'agenda est momentanément indisponible. Le reste de Maillage fonctionne normalement : "
        "réessayez dans quelques minutes."
    )


class CalendarNotFound(MaillageError):
    default_message = _("Cet agenda est introuvable.")


class EventNotFound(MaillageError):
    default_message = _("Cet événement est introuvable : il a peut-être été supprimé entre-temps.")


class CalendarError(MaillageError):
    default_message = _("L'agenda n'a pas accepté cette modification.")


class CalendarRefused(CalendarError):
    """Radicale's rights (or the policy before them) refuse this person the change."""

    default_message = _("Vous n'avez pas le droit de modifier cet agenda.")


def normalize_color(value: Any, default: str) -> str:
    """``#rrggbb`` (Apple clients store ``#rrggbbaa``); anything else gives ``default``."""
    match = _COLOR.match(str(value or "").strip())
    return f"#{match.group(1).lower()}" if match else default


@dataclass(frozen=True)
class DavCalendar:
    """A calendar listed in the person's home: their own ones and links to space calendars."""

    name: str  # the collection's name inside the home: "personnel", "espace-elus--agenda"…
    display_name: str
    color: str
    url: str

    @property
    def space_slug(self) -> str:
        return self._link_parts()[0]

    @property
    def calendar_slug(self) -> str:
        return self._link_parts()[1]

    @property
    def is_space(self) -> bool:
        return bool(self.space_slug)

    @property
    def is_published(self) -> bool:
        """A read-only calendar an app publishes into the home (e.g. training sessions)."""
        return self.name.startswith(PUBLISHED_LINK_PREFIX)

    @property
    def is_linked(self) -> bool:
        """Not the person's own: a space calendar or a published one (never renamed or
        deleted from the home)."""
        return self.is_space or self.is_published

    @property
    def is_default(self) -> bool:
        return self.name == PERSONAL_DEFAULT

    def _link_parts(self) -> tuple[str, str]:
        if self.name.startswith(LINK_PREFIX) and LINK_SEPARATOR in self.name:
            space, calendar = self.name[len(LINK_PREFIX) :].split(LINK_SEPARATOR, 1)
            return space, calendar
        return "", ""


@dataclass(frozen=True)
class DavEvent:
    """One calendar object as stored: its address and parsed iCalendar data."""

    href: str
    ical: icalendar.Calendar


@contextmanager
def _translated_errors() -> Iterator[None]:
    """Transport and server failures become domain errors the views know how to show."""
    try:
        yield
    except niquests.exceptions.RequestException as exc:
        logger.warning("CalDAV server unreachable: %s", exc)
        raise CalendarUnavailable from exc
    except dav_error.AuthorizationError as exc:
        if exc.status == 401:
            # The web token was refused: Radicale and the web do not share their secret.
            logger.error("CalDAV server refused the web token: %s", exc)
            raise CalendarUnavailable from exc
        raise CalendarRefused from exc
    except dav_error.NotFoundError as exc:
        raise EventNotFound from exc
    except dav_error.DAVError as exc:
        if exc.status is None or exc.status >= 500:
            logger.warning("CalDAV server error: %s", exc)
            raise CalendarUnavailable from exc
        raise CalendarError from exc


def _check(response: Any, *expected: int) -> None:
    status = response.status
    if status in expected:
        return
    if status >= 500:
        logger.warning("CalDAV server answered %s", status)
        raise CalendarUnavailable
    if status in (401, 403):
        raise CalendarRefused
    if status == 404:
        raise EventNotFound
    raise CalendarError


class AgendaClient:
    """CalDAV as ``user``; use as a context manager (one HTTP session per page)."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.base_url = settings.CALDAV_URL.rstrip("/") + "/"
        self.home_url = urljoin(self.base_url, quote(principal_for(user.email), safe="@") + "/")
        self._dav = DAVClient(
            url=self.base_url,
            username=user.email,
            password=webtoken.token_for(user),
            auth_type="basic",  # no unauthenticated round trip first
            timeout=TIMEOUT_S,
            enable_rfc6764=False,
        )

    def __enter__(self) -> AgendaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._dav.close()

    def collection_url(self, name: str) -> str:
        return urljoin(self.home_url, quote(name, safe="@") + "/")

    # --- calendars ----------------------------------------------------------------------------

    def calendars(self) -> list[DavCalendar]:
        """The calendars in the home, as Radicale's rights let this person see them."""
        with _translated_errors():
            response = self._dav.propfind(self.home_url, props=_LIST_BODY, depth=1)
        _check(response, 207)
        found = []
        for result in cast(list[Any], response.results or []):
            props = result.properties
            if _CALENDAR_TAG not in (props.get("{DAV:}resourcetype") or []):
                continue
            name = unquote(urlsplit(result.href).path.rstrip("/").rsplit("/", 1)[-1])
            if not name:
                continue
            is_link = name.startswith((LINK_PREFIX, PUBLISHED_LINK_PREFIX))
            found.append(
                DavCalendar(
                    name=name,
                    display_name=str(props.get("{DAV:}displayname") or name),
                    color=normalize_color(
                        props.get("{http://apple.com/ns/ical/}calendar-color"),
                        SPACE_COLOR if is_link else PERSONAL_COLOR,
                    ),
                    url=self.collection_url(name),
                )
            )
        return found

    def make_calendar(self, *, name: str, display_name: str, color: str) -> None:
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><C:mkcalendar {_NAMESPACES}><D:set><D:prop>'
            f"<D:displayname>{escape(display_name)}</D:displayname>"
            f"<I:calendar-color>{escape(color)}</I:calendar-color>"
            '<C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/>'
            "</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"
        )
        with _translated_errors():
            response = self._dav.mkcalendar(self.collection_url(name), body)
        _check(response, 201)

    def set_calendar_properties(
        self, calendar: DavCalendar, *, display_name: str, color: str
    ) -> None:
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><D:propertyupdate {_NAMESPACES}><D:set>'
            f"<D:prop><D:displayname>{escape(display_name)}</D:displayname>"
            f"<I:calendar-color>{escape(color)}</I:calendar-color></D:prop>"
            "</D:set></D:propertyupdate>"
        )
        with _translated_errors():
            response = self._dav.proppatch(calendar.url, body)
        _check(response, 207, 200)
        if b"200 OK" not in (response._raw or b""):
            raise CalendarError

    def delete_calendar(self, calendar: DavCalendar) -> None:
        with _translated_errors():
            response = self._dav.delete(calendar.url)
        _check(response, 200, 204)

    # --- events -------------------------------------------------------------------------------

    def occurrences(
        self, calendar: DavCalendar, start: datetime, end: datetime
    ) -> list[icalendar.Event]:
        """The events of ``calendar`` overlapping [start, end), recurrences expanded."""
        collection = DavCollection(client=self._dav, url=calendar.url)
        with _translated_errors():
            found = cast(
                list[Any], collection.search(start=start, end=end, event=True, expand=True)
            )
        return [item.icalendar_component for item in found]

    def find_event(self, calendar: DavCalendar, uid: str) -> DavEvent:
        collection = DavCollection(client=self._dav, url=calendar.url)
        with _translated_errors():
            item = cast(Any, collection.get_event_by_uid(uid))
        return DavEvent(href=str(item.url), ical=icalendar.Calendar.from_ical(item.data))

    def new_event_href(self, calendar: DavCalendar) -> str:
        # Never derived from the UID: a UID may hold "/" or other characters a path cannot.
        return urljoin(calendar.url, f"{uuid.uuid4().hex}.ics")

    def put_event(self, href: str, ical: icalendar.Calendar, *, create: bool) -> None:
        headers = {**_ICAL_TYPE, "If-None-Match": "*"} if create else dict(_ICAL_TYPE)
        with _translated_errors():
            response = self._dav.put(href, ical.to_ical().decode("utf-8"), headers)
        _check(response, 201, 204, 200)

    def delete_event(self, href: str) -> None:
        with _translated_errors():
            response = self._dav.delete(href)
        _check(response, 200, 204)


@contextmanager
def agenda_client(user: Any) -> Iterator[AgendaClient]:
    """An :class:`AgendaClient` for ``user``, closed afterwards."""
    with AgendaClient(user) as client:
        yield client
