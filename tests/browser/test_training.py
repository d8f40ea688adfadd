"""The training catalogue in a real browser: from the home page, a member finds a course in
three clicks (navigation → theme → course), registers, and reads the confirmation; every page
passes axe-core."""

# ruff: noqa: F811  (fixtures imported from tests.training.conftest)

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_journey import _log_in
from tests.training.conftest import course, make_session, session, trainer  # noqa: F401
from training.models import Registration, RegistrationStatus

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_member_finds_a_course_in_three_clicks_and_registers(
    transactional_db, live_server, page, space, member, course, session
):
    base = live_server.url
    _log_in(page, base, member.email)
    assert page.url.rstrip("/") == base  # the home page
    assert_accessible(page)

    # 1. the main navigation
    with page.expect_navigation():
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Formations"
        ).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Catalogue des formations"
    assert_accessible(page)

    # 2. a theme
    with page.expect_navigation():
        page.get_by_role("navigation", name="Par thème").get_by_role(
            "link", name="Démarches en ligne"
        ).click()
    assert "theme=online-services" in page.url
    assert_accessible(page)

    # 3. the course
    with page.expect_navigation():
        page.get_by_role("link", name=course.title).click()
    assert page.get_by_role("heading", level=1).inner_text() == course.title
    assert "2 places restantes" in page.locator("main").inner_text()
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("button", name="S'inscrire").first.click()
    status = page.get_by_role("status").inner_text()
    assert "Inscription confirmée à « Réussir ses démarches en ligne »" in status
    assert "Vous êtes inscrit(e) à cette session." in page.locator("main").inner_text()
    assert_accessible(page)
    assert Registration.objects.get(session=session, user=member).status == (
        RegistrationStatus.CONFIRMED
    )

    # My registrations lists it, and the printed catalogue drops the site around it.
    with page.expect_navigation():
        page.get_by_role("link", name="Mes inscriptions").first.click()
    assert course.title in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto(f"{base}/formations/")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("form.training-filters").is_visible()
    assert page.locator("ul.training-list").get_by_text("Mauriac").first.is_visible()
    page.emulate_media(media="screen")


def test_other_participant_pages_are_accessible(
    transactional_db, live_server, page, space, member, course, make_session
):
    from directory.models import Organisation, OrganisationKind
    from training.models import Attendance

    base = live_server.url
    past = make_session(days=-2)
    full = make_session(days=9, capacity=1)
    Registration.objects.create(
        session=full, full_name="Paul Premier", email="paul@e.test", status="confirmed"
    )
    attended = Registration.objects.create(
        session=past,
        user=member,
        full_name=member.full_name,
        email=member.email,
        status="confirmed",
        attendance=Attendance.PRESENT,
    )
    mairie = Organisation.objects.create(
        kind=OrganisationKind.objects.get(code="commune"), name="Mairie de Mauriac"
    )
    mairie.managers.add(member)
    _log_in(page, base, member.email)
    for path in (
        f"/formations/sessions/{full.pk}/",
        f"/formations/sessions/{full.pk}/inscrire-un-collegue/",
        "/formations/mes-inscriptions/",
        f"/formations/inscriptions/{attended.pk}/questionnaire/",
        "/formations/agenda/",
        "/formations/imprimer/",
    ):
        page.goto(f"{base}{path}")
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    # The waiting list, then the survey sent without JavaScript.
    page.goto(f"{base}/formations/sessions/{full.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Rejoindre la liste d'attente").click()
    assert "liste d'attente (position 1)" in page.get_by_role("status").inner_text()
    page.goto(f"{base}/formations/inscriptions/{attended.pk}/questionnaire/")
    for name in ("overall", "objectives_met", "trainer_rating"):
        page.check(f"input[name={name}][value='4']")
    page.check("input[name=would_recommend][value=True]")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer mes réponses").click()
    assert "Vos réponses sont enregistrées" in page.get_by_role("status").inner_text()


def test_editor_schedules_a_session_and_the_trainer_marks_attendance(
    transactional_db, live_server, page, space, editor, member, course, trainer, make_session
):
    """The managers' and trainers' pages, keyboard and axe-core included: an editor adds a
    two-part session through the form (no JavaScript needed), the trainer marks who came."""
    from datetime import timedelta

    from django.utils import timezone

    from training.models import Attendance, Session
    from training.services.registrations import register

    base = live_server.url
    _log_in(page, base, editor.email)
    page.goto(f"{base}/s/{space.slug}/formations/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=course.title).click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Nouvelle session").click()
    assert_accessible(page)
    day = timezone.localdate() + timedelta(days=21)
    page.locator("#id_parts-0-day").fill(day.isoformat())
    page.locator("#id_parts-0-start").fill("09:00")
    page.locator("#id_parts-0-end").fill("12:00")
    page.locator("#id_parts-1-day").fill((day + timedelta(days=7)).isoformat())
    page.locator("#id_parts-1-start").fill("09:00")
    page.locator("#id_parts-1-end").fill("12:00")
    page.get_by_label("Nombre de places").fill("6")
    page.get_by_label("Ou nom du lieu").fill("Médiathèque de Riom")
    page.get_by_label("Commune", exact=True).fill("Riom")
    page.locator("#id_trainer").select_option(str(trainer.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Créer la session").click()
    assert_accessible(page)
    created = Session.objects.get(course=course, place_name="Médiathèque de Riom")
    assert created.parts.count() == 2 and created.capacity == 6

    past = make_session(days=-1, capacity=4)
    Session.objects.filter(pk=past.pk).update(starts_at=timezone.now() + timedelta(hours=1))
    registration = register(user=member, session=past)
    Session.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(days=1))
    page.context.clear_cookies()
    _log_in(page, base, trainer.email)
    page.goto(f"{base}/formations/mes-sessions/")
    assert_accessible(page)
    page.goto(f"{base}/formations/sessions/{past.pk}/presences/")
    assert_accessible(page)
    page.get_by_label(f"Présent : {member.full_name}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer les présences").click()
    registration.refresh_from_db()
    assert registration.attendance == Attendance.PRESENT
    page.goto(f"{base}/formations/sessions/{past.pk}/participants/")
    assert_accessible(page)
