"""The portal in a real browser, JavaScript off: axe-core on every kind of page, no CSP
violation, the filter form works, the print stylesheet hides the navigation, the embedded agenda
shows inside another page's iframe."""

# ruff: noqa: F811  (fixtures imported from tests.extranet.portal.public_fixtures)

from __future__ import annotations

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.extranet.portal.public_fixtures import (  # noqa: F401 — fixtures
    brochure_payload,
    contributor,
    event_payload,
    general_admin,
    portal_kinds,
    portal_storage,
    workflow,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_portal_pages_are_accessible_and_work_without_javascript(
    live_server, page, no_js_page, workflow
):
    soon = timezone.localtime() + timedelta(days=2)
    event = workflow.publish(
        "event", "e/1", event_payload("Concert au kiosque", start=soon, commune="Lavaur")
    )
    workflow.publish("event", "e/2", event_payload("Randonnée", start=soon, commune="Sorèze"))
    brochure = workflow.publish(
        "brochure",
        "7",
        brochure_payload("Guide des sentiers"),
        files=[("guide.pdf", "application/pdf", b"%PDF-1.4")],
    )
    workflow.publish("testcard", "c/1", {"name": "Mairie de Lavaur", "commune": "Lavaur"})
    base = live_server.url
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    for path in (
        "/portal/",
        "/portal/events/",
        "/portal/events/month/",
        f"/portal/events/{event.public_id}/",
        f"/portal/brochures/{brochure.public_id}/",
        "/portal/testdirectory/",
        "/portal/testdirectory/communes/lavaur/",
        "/portal/data/",
        "/portal/embed/",
        "/portal/embed/agenda",
    ):
        page.goto(base + path)
        assert_accessible(page)
    assert csp == []

    # The filter form is a plain GET form: it works with JavaScript off (axe needs it on).
    page = no_js_page
    page.goto(base + "/portal/events/")
    page.get_by_label("Commune", exact=True).select_option("Sorèze")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    assert "commune=Sor" in page.url
    expect(page.get_by_role("link", name="Randonnée")).to_be_visible()
    expect(page.get_by_role("link", name="Concert au kiosque")).to_have_count(0)

    # Printed, an item page keeps its content and drops the navigation.
    page.goto(f"{base}/portal/events/{event.public_id}/")
    page.emulate_media(media="print")
    expect(page.locator("header.portal-header")).to_be_hidden()
    expect(page.get_by_role("heading", name="Concert au kiosque")).to_be_visible()


def test_embedded_agenda_shows_in_another_site(live_server, no_js_page, workflow):
    """Another origin (a commune's site) frames the agenda: CSP frame-ancestors allows it."""
    workflow.publish("event", "e/1", event_payload("Bal du samedi", commune="Lavaur"))
    html = (
        f'<!DOCTYPE html><html lang="fr"><title>Mairie</title><iframe title="Agenda" '
        f'src="{live_server.url}/portal/embed/agenda?commune=Lavaur"></iframe></html>'
    ).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 — http.server's API
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        no_js_page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        frame = no_js_page.frame_locator("iframe")
        expect(frame.get_by_role("link", name="Bal du samedi")).to_be_visible()
    finally:
        server.shutdown()
