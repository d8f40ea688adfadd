"""The directory in a real browser: a member completes their card, a colleague of a shared space
sees the new number, a stranger does not, and the card prints without the site around it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_journey import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NUMBER = "05 49 27 81 64"


def test_member_adds_a_number_for_colleagues_only(
    transactional_db, live_server, page, space, member, editor, outsider
):
    base = live_server.url

    _log_in(page, base, member.email)
    page.goto(f"{base}/annuaire/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Ma fiche").first.click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Modifier la fiche").first.click()
    assert_accessible(page)
    empty_row = next(
        n
        for n in range(10)
        if page.locator(f"input[name=contacts-{n}-value]").count()
        and not page.locator(f"input[name=contacts-{n}-value]").input_value()
    )
    page.select_option(f"select[name=contacts-{empty_row}-kind]", "phone")
    page.fill(f"input[name=contacts-{empty_row}-value]", NUMBER)
    page.check(f"input[name=contacts-{empty_row}-audience][value=spaces]")
    with page.expect_navigation():
        page.locator("form.dir-form button[type=submit]").click()
    assert NUMBER in page.locator("main").inner_text()
    card_url = page.url

    # A colleague of the same space sees the number, and the printed card keeps only the card.
    page.context.clear_cookies()
    _log_in(page, base, editor.email)
    page.goto(card_url)
    assert NUMBER in page.locator("main").inner_text()
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("aside.sidebar").is_visible()
    assert page.get_by_text(NUMBER).first.is_visible()
    page.emulate_media(media="screen")

    # Someone sharing no space with the member finds the card but not the number.
    page.context.clear_cookies()
    _log_in(page, base, outsider.email)
    page.goto(card_url)
    assert member.full_name.split()[0] in page.locator("main").inner_text()
    assert NUMBER not in page.content()
    assert_accessible(page)
