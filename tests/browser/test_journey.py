"""One member's journey through Maillage in headless Chromium, with axe-core on every page."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _log_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_member_journey_is_accessible(
    transactional_db, live_server, page, space, other_space, member, outsider
):
    base = live_server.url

    # Anonymous: `/` sends to the French login page.
    page.goto(f"{base}/")
    assert re.search(r"/accounts/login/\?next=/$", page.url), page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("input[type=password][name=password]").count() == 1
    assert_accessible(page)

    # Log in: home lists the member's space.
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url == f"{base}/"
    space_link = page.get_by_role("link", name="Élus et agents du Pays")
    assert space_link.count() == 1
    assert page.get_by_role("link", name="Offices de tourisme").count() == 0
    assert_accessible(page)

    # The space's home page.
    with page.expect_navigation():
        space_link.click()
    assert page.url == f"{base}/s/elus/"
    assert page.locator("h1").inner_text() == "Élus et agents du Pays"
    assert_accessible(page)

    # Its members page.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Navigation de l’espace").get_by_role(
            "link", name="Membres"
        ).click()
    assert page.url == f"{base}/s/elus/members/"
    assert page.get_by_role("cell", name=re.compile("Marie Membre")).count() == 1
    assert_accessible(page)

    # Another space: a 404 that says nothing about it, and is accessible too.
    response = page.goto(f"{base}/s/tourisme/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert "Offices de tourisme" not in page.content()
    assert_accessible(page)

    # Switch to English with the header's language form.
    page.goto(f"{base}/")
    page.select_option("#lang-select", "en")
    with page.expect_navigation():
        page.locator("form.lang-form button[type=submit]").click()
    assert page.url == f"{base}/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_first_tab_focuses_skip_link(transactional_db, live_server, page, space, member):
    _log_in(page, live_server.url, member.email)
    assert page.url == f"{live_server.url}/"

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"text": "Aller au contenu", "href": "#contenu"}
    # The skip link comes on screen once focused, and leads into the main landmark.
    box = page.locator("a.skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, box
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "contenu"


def test_axe_harness_reports_serious_violations(transactional_db, live_server, page):
    """The helper itself: axe runs under our CSP and a real violation fails with details."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
            const input = document.createElement("input");
            input.id = "unlabelled";
            document.querySelector("main").append(input);
        }"""
    )
    with pytest.raises(pytest.fail.Exception) as excinfo:
        assert_accessible(page)
    message = str(excinfo.value)
    assert "[critical] label" in message
    assert "#unlabelled" in message
