"""Radicale as its own service (``python -m calendars.dav.server``): the same answers as at
/dav/, and each request leaves no database connection behind (Radicale's server starts a
thread per request; connections left open would run PostgreSQL out of them)."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from django.db import connection

from calendars.dav import server
from calendars.dav.app import radicale_configuration
from calendars.dav.paths import link_name
from calendars.models import DavItem, SpaceCalendar
from calendars.provisioning import ensure_space_calendar
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links
from tests.calendars.test_dav_storage import day_event


def _call(app: Any, method: str, path: str, auth: tuple[str, str], body: bytes = b"") -> str:
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "text/calendar; charset=utf-8" if method == "PUT" else "text/xml",
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "HTTP_DEPTH": "1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "5232",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
    }
    statuses: list[str] = []
    for _chunk in app(environ, lambda status, headers, *exc: statuses.append(status)):
        pass
    return statuses[0]


ETAGS = b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>'


@pytest.mark.parametrize("streaming", [True, False])
def test_the_standalone_server_answers_and_closes_its_connections(
    transactional_db, settings, space, member, streaming
):
    settings.RADICALE_STORAGE = "database"
    settings.DAV_STREAMING = streaming
    agenda = SpaceCalendar.objects.get(space=space, is_default=True)
    ensure_space_calendar(space.slug, agenda.slug, agenda.name, agenda.color)
    _app_password, secret = create_app_password(user=member, name="Thunderbird")
    sync_user_links(member)
    app_class = server.Application if streaming else server.PlainApplication
    app = app_class(radicale_configuration())
    path = f"/{member.email}/{link_name(space.slug, agenda.slug)}/"
    auth = (member.email, secret)

    assert _call(app, "PUT", f"{path}reunion.ics", auth, day_event("reunion", 3).encode()) == (
        "201 Created"
    )
    closes = connection.vendor != "sqlite" or not connection.is_in_memory_db()
    if closes:  # the test suite's in-memory SQLite database is never closed by Django
        assert connection.connection is None
    assert _call(app, "PROPFIND", path, auth, ETAGS).startswith("207")
    if closes:
        assert connection.connection is None
    assert DavItem.objects.filter(href="reunion.ics").count() == 1
