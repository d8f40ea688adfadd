"""``manage.py export_portal``: the public slice as static files that work without the app."""

# ruff: noqa: F811  (fixtures imported from public_fixtures)

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import icalendar
import pytest
from django.core.management import call_command
from lxml import etree

from extranet.portal.public.export import MANIFEST, export_portal
from tests.extranet.portal.public_fixtures import (  # noqa: F401 — fixtures
    brochure_payload,
    contributor,
    event_payload,
    general_admin,
    portal_kinds,
    portal_storage,
    workflow,
)

pytestmark = pytest.mark.django_db

PDF = [("guide.pdf", "application/pdf", b"%PDF-1.4 guide")]


def _links(out: Path) -> list[tuple[Path, str]]:
    found = []
    for page in out.rglob("*.html"):
        for link in re.findall(r'(?:href|src)="([^"]+)"', page.read_text(encoding="utf-8")):
            found.append((page, link))
    return found


def test_export_writes_a_browsable_static_site(workflow, tmp_path):
    event = workflow.publish("event", "e/1", event_payload("Concert"))
    brochure = workflow.publish("brochure", "7", brochure_payload("Guide"), files=PDF)
    out = tmp_path / "site"
    summary = export_portal(out, base_url="https://portail.example/agenda/")
    assert summary.broken_links == []
    for name in (
        "index.html",
        "events/index.html",
        f"events/{event.public_id}/index.html",
        f"brochures/{brochure.public_id}/index.html",
        "events.ics",
        "api/v1/events.json",
        f"api/v1/items/{event.public_id}.json",
        "feeds/events.atom",
        "feeds/all.atom",
        "api/openapi.json",
        "sitemap.xml",
        "embed/agenda.html",
        "static/portal/portal.css",
    ):
        assert (out / name).is_file(), name
    (download,) = (out / "brochures" / brochure.public_id / "files").rglob("*.pdf")
    assert download.read_bytes() == b"%PDF-1.4 guide"
    # Every link of every page is relative and leads to an exported file.
    for page, link in _links(out):
        if link.startswith(("http://", "https://", "mailto:", "tel:", "#")):
            continue
        assert not link.startswith("/"), (page, link)
        target = (page.parent / link.split("#")[0]).resolve()
        assert target.is_file(), (page, link)
    # Absolute URLs point at the static host.
    sitemap = etree.fromstring((out / "sitemap.xml").read_bytes())
    locs = [el.text for el in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"https://portail.example/agenda/events/{event.public_id}/index.html" in locs
    items = json.loads((out / "api/v1/events.json").read_text())["items"]
    assert items[0]["url"] == f"https://portail.example/agenda/events/{event.public_id}/index.html"
    calendar = icalendar.Calendar.from_ical((out / "events.ics").read_bytes())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Concert"]
    page = (out / "events/index.html").read_text(encoding="utf-8")
    assert "<form" not in page and "language/" not in page


def test_export_is_idempotent_and_drops_unpublished_items(workflow, tmp_path):
    kept = workflow.publish("event", "e/1", event_payload("Concert"))
    gone = workflow.publish("brochure", "7", brochure_payload("Guide"), files=PDF)
    out = tmp_path / "site"
    first = export_portal(out)
    again = export_portal(out)
    assert again.written == 0 and again.unchanged == first.total and again.removed == 0
    foreign = out / "notes-du-webmestre.txt"
    foreign.write_text("à garder")

    workflow.unpublish("brochure", "7")
    third = export_portal(out)
    assert third.removed >= 3  # the page, the JSON and the file of the brochure at least
    assert not (out / "brochures" / gone.public_id).exists()
    assert not (out / f"api/v1/items/{gone.public_id}.json").exists()
    assert (out / f"events/{kept.public_id}/index.html").is_file()
    assert foreign.read_text() == "à garder"  # never written by the export: left alone
    exported = set(json.loads((out / MANIFEST).read_text())["files"])
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert on_disk == exported | {MANIFEST, foreign.name}
    assert gone.public_id not in "".join(
        p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file()
    )


def test_command_prints_a_summary(workflow, tmp_path):
    workflow.publish("event", "e/1", event_payload("Concert"))
    stdout = StringIO()
    call_command(
        "export_portal", "--out", str(tmp_path / "site"), "--language", "en", stdout=stdout
    )
    text = stdout.getvalue()
    assert "Portal exported to" in text and "written" in text
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
