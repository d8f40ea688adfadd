"""vdirsyncer, a real CalDAV client, given only the server URL: discovery and two-way sync."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import caldav
import pytest

from calendars.dav.paths import link_name
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links

# Real clients against both storages: the database one (the default) and Radicale's folder.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("dav_server", ["database", "file"], indirect=True),
]

VDIRSYNCER = Path(sys.executable).with_name("vdirsyncer")
SPACE_CALENDAR_NAME = "Agenda · Élus et agents du Pays"
LOCAL_EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
    "BEGIN:VEVENT\r\nUID:depuis-le-portable\r\nDTSTAMP:20261101T090000Z\r\n"
    "DTSTART:20261215T140000Z\r\nDTEND:20261215T160000Z\r\n"
    "SUMMARY:Écrit hors ligne\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    }
    env["HOME"] = str(config.parent)  # no user config or cache from the machine
    result = subprocess.run(  # noqa: S603 - fixed executable, arguments from the test
        [str(VDIRSYNCER), "-c", str(config), *args],
        input="y\n" * 10,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"vdirsyncer {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result


@pytest.fixture
def synced(dav_server, tmp_path, space, member):
    """A vdirsyncer configuration syncing every calendar the member discovers, and a client."""
    _app_password, secret = create_app_password(user=member, name="vdirsyncer")
    sync_user_links(member)
    local = tmp_path / "local"
    local.mkdir()
    config = tmp_path / "config"
    config.write_text(
        f"""
[general]
status_path = {_toml_string(str(tmp_path / "status"))}

[pair maillage]
a = "serveur"
b = "portable"
collections = ["from a", "from b"]
conflict_resolution = "a wins"

[storage serveur]
type = "caldav"
url = {_toml_string(dav_server)}
username = {_toml_string(member.email)}
password = {_toml_string(secret)}

[storage portable]
type = "filesystem"
path = {_toml_string(str(local))}
fileext = ".ics"
""",
        encoding="utf-8",
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

    _run(config, "discover", "maillage")
    _run(config, "sync", "maillage")

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
    _run(config, "sync", "maillage")
    pushed = _space_calendar(client).get_event_by_uid("depuis-le-portable")
    assert pushed.icalendar_component["summary"] == "Écrit hors ligne"
    found = _space_calendar(client).search(
        start=datetime(2026, 12, 15, tzinfo=UTC), end=datetime(2026, 12, 16, tzinfo=UTC), event=True
    )
    assert [str(e.icalendar_component["summary"]) for e in found] == ["Écrit hors ligne"]

    # a deletion on the server reaches the folder
    _space_calendar(client).get_event_by_uid("conseil-vdir").delete()
    _run(config, "sync", "maillage")
    remaining = [p.read_text(encoding="utf-8") for p in space_folder.glob("*.ics")]
    assert len(remaining) == 1
    assert "UID:depuis-le-portable" in remaining[0]
