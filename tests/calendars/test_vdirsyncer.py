"""vdirsyncer, a real CalDAV client, given only the server URL: discovery and two-way sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import caldav
import pytest

from calendars.dav.paths import link_name
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links
from tests.support.vdirsyncer import run, write_config

# Real clients against both storages: the database one (the default) and Radicale's folder.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("dav_server", ["database", "file"], indirect=True),
]

SPACE_CALENDAR_NAME = "Agenda · Élus et agents du Pays"
LOCAL_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
    "BEGIN:VEVENT\r\nUID:depuis-le-portable\r\nDTSTAMP:20261101T090000Z\r\n"
    "DTSTART:20261215T140000Z\r\nDTEND:20261215T160000Z\r\n"
    "SUMMARY:Écrit hors ligne\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def synced(dav_server, tmp_path, space, member):
    """A vdirsyncer configuration syncing every calendar the member discovers, and a client."""
    _app_password, secret = create_app_password(user=member, name="vdirsyncer")
    sync_user_links(member)
    local = tmp_path / "local"
    local.mkdir()
    config = write_config(
        tmp_path,
        pair="maillage",
        storage_type="caldav",
        url=dav_server,
        username=member.email,
        password=secret,
        local=local,
        fileext=".ics",
    )
    client = caldav.DAVClient(url=dav_server, username=member.email, password=secret)
    return config, local, client


def _space_calendar(client: caldav.DAVClient) -> caldav.Calendar:
    return {c.get_display_name(): c for c in client.principal().calendars()}[SPACE_CALENDAR_NAME]


def test_vdirsyncer_syncs_the_space_calendar_both_ways(synced):
    config, local, client = synced
    calendar = _space_calendar(client)
    start = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
    calendar.add_event(
        dtstart=start,
        dtend=start + timedelta(hours=2),
        summary="Conseil communautaire",
        uid="conseil-vdir",
    )

    run(config, "discover", "maillage")
    run(config, "sync", "maillage")

    space_folder = local / link_name("elus", "agenda")
    assert sorted(p.name for p in local.iterdir()) == sorted(
        ["personnel", link_name("elus", "agenda")]
    )
    files = list(space_folder.glob("*.ics"))
    assert len(files) == 1
    assert "SUMMARY:Conseil communautaire" in files[0].read_text(encoding="utf-8")
    assert "UID:conseil-vdir" in files[0].read_text(encoding="utf-8")

    # written offline, pushed at the next sync
    (space_folder / "depuis-le-portable.ics").write_text(LOCAL_EVENT, encoding="utf-8")
    run(config, "sync", "maillage")
    pushed = _space_calendar(client).get_event_by_uid("depuis-le-portable")
    assert pushed.icalendar_component["summary"] == "Écrit hors ligne"
    found = _space_calendar(client).search(
        start=datetime(2026, 12, 15, tzinfo=UTC), end=datetime(2026, 12, 16, tzinfo=UTC), event=True
    )
    assert [str(e.icalendar_component["summary"]) for e in found] == ["Écrit hors ligne"]

    # a deletion on the server reaches the folder
    _space_calendar(client).get_event_by_uid("conseil-vdir").delete()
    run(config, "sync", "maillage")
    remaining = [p.read_text(encoding="utf-8") for p in space_folder.glob("*.ics")]
    assert len(remaining) == 1
    assert "UID:depuis-le-portable" in remaining[0]
