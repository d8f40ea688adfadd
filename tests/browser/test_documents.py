"""Depositing minutes in a real browser (several files, progress bar) and finding them."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_journey import _log_in
from tests.documents import samples

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_member_deposits_two_files_and_a_reader_finds_them(
    transactional_db, live_server, page, space, member, reader, tmp_path
):
    base = live_server.url
    pdf = tmp_path / "cr-conseil-12-mars.pdf"
    pdf.write_bytes(
        samples.pdf_bytes(["Compte rendu du conseil", "Assainissement de la rue des Écoles"])
    )
    txt = tmp_path / "ordre-du-jour.txt"
    txt.write_text("Ordre du jour : déneigement, périscolaire.", encoding="utf-8")

    _log_in(page, base, member.email)
    page.goto(f"{base}/s/elus/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Navigation de l’espace").get_by_role(
            "link", name="Documents"
        ).click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Déposer des documents").click()
    assert_accessible(page)
    page.set_input_files("input[name=files]", [str(pdf), str(txt)])
    page.select_option("select[name=kind]", "minutes")
    assert page.locator("progress#upload-bar").count() == 1
    with page.expect_navigation():
        page.locator("#upload-form button[type=submit]").click()
    assert page.get_by_role("link", name="cr-conseil-12-mars").count() == 1
    assert page.get_by_role("link", name="ordre-du-jour").count() == 1
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="cr-conseil-12-mars").click()
    assert page.locator("iframe").count() == 1  # PDF preview
    assert_accessible(page)

    page.context.clear_cookies()
    _log_in(page, base, reader.email)
    page.goto(f"{base}/search/?q=assainissement")
    assert page.get_by_role("link", name="cr-conseil-12-mars").count() == 1
    assert page.locator("mark").count() >= 1
    assert_accessible(page)
