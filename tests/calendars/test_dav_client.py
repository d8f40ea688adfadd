"""The caldav library against a live Radicale with Maillage's auth and rights plugins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import caldav
import pytest

from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links

# Real clients against both storages: the database one (the default) and Radicale's folder.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("dav_server", ["database", "file"], indirect=True),
]


def _client(url: str, user: object, secret: str) -> caldav.DAVClient:
    return caldav.DAVClient(url=url, username=user.email, password=secret)


def test_member_discovers_space_calendar_and_manages_events(dav_server, space, member, reader):
    _ap, secret = create_app_password(user=member, name="DAVx5")
    sync_user_links(member)
    principal = _client(dav_server, member, secret).principal()
    names = {c.get_display_name(): c for c in principal.calendars()}
    assert "Personnel" in names
    space_calendar = names["Agenda · Élus et agents du Pays"]
    start = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    event = space_calendar.save_event(
        dtstart=start,
        dtend=start + timedelta(hours=2),
        summary="Conseil communautaire",
        uid="conseil-1",
    )
    found = space_calendar.search(
        start=start - timedelta(days=1), end=start + timedelta(days=1), event=True
    )
    assert [e.icalendar_component["summary"] for e in found] == ["Conseil communautaire"]

    # the reader sees it and cannot write
    _ap, reader_secret = create_app_password(user=reader, name="Thunderbird")
    sync_user_links(reader)
    reader_cal = {
        c.get_display_name(): c
        for c in _client(dav_server, reader, reader_secret).principal().calendars()
    }["Agenda · Élus et agents du Pays"]
    assert len(reader_cal.events()) == 1
    with pytest.raises(caldav.lib.error.DAVError):
        reader_cal.save_event(
            dtstart=start, dtend=start + timedelta(hours=1), summary="Intrus", uid="x-1"
        )

    event.delete()
    assert space_calendar.events() == []


def test_account_password_and_wrong_secret_are_refused(dav_server, member):
    from tests.conftest import PASSWORD

    with pytest.raises(caldav.lib.error.AuthorizationError):
        _client(dav_server, member, PASSWORD).principal()


def test_non_ascii_event_names_round_trip(dav_server, space, member):
    import niquests

    _ap, secret = create_app_password(user=member, name="Thunderbird")
    sync_user_links(member)
    url = f"{dav_server}{member.email}/personnel/réunion-été.ics"
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\nBEGIN:VEVENT\r\n"
        "UID:reunion-ete\r\nDTSTAMP:20261201T100000Z\r\nDTSTART:20261203T100000Z\r\n"
        "DTEND:20261203T110000Z\r\nSUMMARY:Réunion d'été\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    auth = (member.email, secret)
    put = niquests.put(
        url, data=body.encode(), auth=auth, headers={"Content-Type": "text/calendar"}
    )
    assert put.status_code == 201
    got = niquests.get(url, auth=auth)
    assert got.status_code == 200 and "Réunion d'été" in got.text
