"""The web agenda in a real browser, without JavaScript needs: create an event, find it in the
month, week and list views; axe-core on every page and no CSP violation (colours are SVG)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_journey import _log_in
from tests.calendars.conftest import dav_server  # noqa: F401 - the live Radicale fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.RADICALE_STORAGE_DIR = tmp_path / "radicale"


@pytest.mark.usefixtures("dav_server")
def test_member_adds_a_weekly_event_and_browses_the_agenda(live_server, page, space, member):
    base = live_server.url
    csp_errors: list[str] = []
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    _log_in(page, base, member.email)
    page.goto(f"{base}/s/elus/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Navigation de l’espace").get_by_role(
            "link", name="Agenda", exact=True
        ).click()
    assert_accessible(page)

    page.goto(f"{base}/agenda/?date=2026-12-01")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Nouvel événement").click()
    assert_accessible(page)
    page.select_option("select[name=calendar]", "espace-elus--agenda")
    page.fill("input[name=title]", "Permanence des élus")
    page.fill("input[name=start_date]", "2026-12-03")
    page.fill("input[name=start_time]", "18:00")
    page.fill("input[name=end_date]", "2026-12-03")
    page.fill("input[name=end_time]", "19:30")
    page.fill("input[name=location]", "Mairie")
    page.select_option("select[name=recurrence]", "WEEKLY")
    page.fill("input[name=until]", "2026-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter l'événement").click()

    month = page.locator("table.agenda-month")
    assert month.get_by_role("link", name="Permanence des élus").count() == 5
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Semaine", exact=True).click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Liste", exact=True).click()
    assert page.get_by_role("link", name="Permanence des élus").count() >= 4
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Permanence des élus").first.click()
    assert page.get_by_text("Toutes les semaines, jusqu'au 31 décembre 2026").count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Modifier la série").click()
    assert_accessible(page)

    page.goto(f"{base}/agenda/calendars/")
    assert_accessible(page)
    assert csp_errors == []
