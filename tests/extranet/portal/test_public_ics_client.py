"""The portal's iCalendar feed imported by a real calendar client: vdirsyncer subscribes to it
over HTTP (its read-only ``http`` storage, as for any published calendar) and writes each event
to a local calendar folder."""

# ruff: noqa: F811  (fixtures imported from public_fixtures)

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import icalendar
import pytest

from tests.extranet.portal.public_fixtures import (  # noqa: F401 — fixtures
    contributor,
    event_payload,
    general_admin,
    portal_kinds,
    portal_storage,
    workflow,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

VDIRSYNCER = Path(sys.executable).with_name("vdirsyncer")


def _serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — http.server's API
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_vdirsyncer_imports_the_feed(client, workflow, tmp_path):
    if not VDIRSYNCER.exists():
        pytest.skip("vdirsyncer is not installed")
    workflow.publish("event", "e/1", event_payload("Concert, piano ; voix", description="A\nB"))
    workflow.publish("event", "e/2", event_payload("Fête du village", all_day=True))
    workflow.publish("event", "e/3", event_payload("Marché " + "é" * 60))
    body = client.get("/portal/events.ics").content
    server = _serve(body)
    try:
        local = tmp_path / "agenda"
        local.mkdir()
        config = tmp_path / "config"
        config.write_text(
            f"""
[general]
status_path = "{tmp_path / "status"}"

[pair abonnement]
a = "portail"
b = "local"
collections = null

[storage portail]
type = "http"
url = "http://127.0.0.1:{server.server_address[1]}/portal/events.ics"

[storage local]
type = "filesystem"
path = "{local}"
fileext = ".ics"
"""
        )
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        env["HOME"] = str(tmp_path)
        for command in ("discover", "sync"):
            result = subprocess.run(  # noqa: S603 — fixed executable and arguments
                [str(VDIRSYNCER), "-c", str(config), command],
                input="y\n" * 5,
                capture_output=True,
                text=True,
                timeout=120,
                env=env,
                check=False,
            )
            assert result.returncode == 0, result.stdout + result.stderr
    finally:
        server.shutdown()
    files = sorted(local.rglob("*.ics"))
    assert len(files) == 3
    summaries = set()
    for path in files:
        (event,) = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        summaries.add(str(event["SUMMARY"]))
    assert summaries == {"Concert, piano ; voix", "Fête du village", "Marché " + "é" * 60}
