"""A participant's side through the real URL conf: register (a seat or the waiting list),
register a colleague, my registrations, cancel, the certificate and the survey, and what one
participant never learns about another."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Organisation, OrganisationKind
from tests.conftest import make_user
from training.models import (
    Attendance,
    CatalogueSubscription,
    Registration,
    RegistrationStatus,
    SurveyAnswer,
)

MINE = "/formations/mes-inscriptions/"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def register_url(session) -> str:
    return reverse("training:register", args=[session.pk])


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def colleague(db):
    return make_user("collegue@elus.test", "Colette Collègue")


def registration(session, user, *, status=RegistrationStatus.CONFIRMED, **fields):
    return Registration.objects.create(
        session=session,
        user=user,
        full_name=user.full_name,
        email=user.email,
        status=status,
        **fields,
    )


def test_registering_takes_a_seat_and_says_so(client, member, session):
    client.force_login(member)
    response = client.post(register_url(session), follow=True)
    assert response.redirect_chain[-1][0] == f"/formations/sessions/{session.pk}/"
    assert "Inscription confirmée à « Réussir ses démarches en ligne »" in messages_of(response)
    mine = Registration.objects.get(session=session, user=member)
    assert mine.status == RegistrationStatus.CONFIRMED
    page = text_of(response)
    assert "Vous êtes inscrit(e) à cette session." in page
    assert "1 place restante" in page


def test_when_full_registration_joins_the_waiting_list(client, member, reader, make_session):
    full = make_session(capacity=1)
    registration(full, reader)
    client.force_login(member)
    page = text_of(client.get(f"/formations/sessions/{full.pk}/"))
    assert "Rejoindre la liste d'attente" in page
    response = client.post(register_url(full), follow=True)
    assert "est sur la liste d'attente (position 1)" in messages_of(response)
    assert Registration.objects.get(session=full, user=member).status == "waiting"
    page = text_of(response)
    assert "Vous êtes sur la liste d'attente de cette session." in page
    assert "Votre position sur la liste d'attente : 1." in page


def test_registering_twice_is_refused_politely(client, member, session):
    client.force_login(member)
    client.post(register_url(session))
    response = client.post(register_url(session), follow=True)
    assert "déjà inscrite" in messages_of(response)
    assert Registration.objects.filter(session=session, user=member).count() == 1


def test_registration_closed_after_the_deadline(client, member, make_session):
    late = make_session(registration_deadline=timezone.now() - timedelta(hours=1))
    client.force_login(member)
    assert "Inscriptions closes." in text_of(client.get(f"/formations/sessions/{late.pk}/"))
    response = client.post(register_url(late), follow=True)
    assert "closes" in messages_of(response)
    assert not Registration.objects.filter(session=late).exists()


def test_outsider_cannot_register_to_a_space_course(client, outsider, course, session):
    course.reach = "space"
    course.save()
    client.force_login(outsider)
    assert client.post(register_url(session)).status_code == 404
    assert not Registration.objects.exists()


def test_registering_requires_post(client, member, session):
    client.force_login(member)
    assert client.get(register_url(session)).status_code == 405


# --- a colleague -------------------------------------------------------------------------------


@pytest.fixture
def mairie(member):
    organisation = Organisation.objects.create(
        kind=OrganisationKind.objects.get(code="commune"), name="Mairie de Mauriac"
    )
    organisation.managers.add(member)
    return organisation


def test_organisation_manager_registers_a_colleague(client, member, mairie, session):
    url = reverse("training:register_other", args=[session.pk])
    client.force_login(member)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"organisation": mairie.pk, "full_name": "Jean Agent", "email": "jean@mauriac.test"},
        follow=True,
    )
    assert "Inscription confirmée" in messages_of(response)
    made = Registration.objects.get(session=session, email="jean@mauriac.test")
    assert made.registered_by == member and made.organisation == mairie
    # The manager finds it in their registrations and may cancel it.
    page = text_of(client.get(MINE))
    assert "Inscription de Jean Agent, faite par vous" in page
    assert reverse("training:registration_cancel", args=[made.pk]) in page


def test_registering_a_colleague_needs_to_manage_an_organisation(client, reader, mairie, session):
    url = reverse("training:register_other", args=[session.pk])
    client.force_login(reader)
    assert client.get(url).status_code == 403
    response = client.post(
        url, {"organisation": mairie.pk, "full_name": "Jean Agent", "email": "jean@e.test"}
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_registering_a_colleague_with_a_bad_email_keeps_the_form(client, member, mairie, session):
    url = reverse("training:register_other", args=[session.pk])
    client.force_login(member)
    response = client.post(url, {"organisation": mairie.pk, "full_name": "Jean", "email": "x"})
    assert response.status_code == 400
    assert 'value="Jean"' in response.content.decode()


# --- my registrations, cancelling ------------------------------------------------------------


def test_my_registrations_splits_upcoming_and_past(client, member, make_session):
    soon = make_session(days=3)
    done = make_session(days=-10)
    registration(soon, member)
    registration(done, member)
    client.force_login(member)
    page = text_of(client.get(MINE))
    upcoming, past = page.split('id="past"')
    assert soon.starts_at.strftime("%Y-%m-%d") in upcoming
    assert done.starts_at.strftime("%Y-%m-%d") in past
    assert "Annuler l'inscription" in upcoming and "Annuler l'inscription" not in past


def test_cancelling_frees_the_seat_for_the_waiting_list(
    client, member, reader, make_session, mailoutbox
):
    full = make_session(capacity=1)
    mine = registration(full, member)
    waiting = registration(full, reader, status=RegistrationStatus.WAITING)
    client.force_login(member)
    response = client.post(reverse("training:registration_cancel", args=[mine.pk]), follow=True)
    assert response.redirect_chain[-1][0] == MINE
    assert "est annulée" in messages_of(response)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_nobody_else_cancels_my_registration(client, member, reader, session):
    mine = registration(session, member)
    client.force_login(reader)
    response = client.post(reverse("training:registration_cancel", args=[mine.pk]))
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == RegistrationStatus.CONFIRMED


def test_cancelling_twice_says_it_is_already_done(client, member, session):
    mine = registration(session, member, status=RegistrationStatus.CANCELLED)
    client.force_login(member)
    response = client.post(reverse("training:registration_cancel", args=[mine.pk]), follow=True)
    assert "déjà annulée" in messages_of(response)


# --- certificate -------------------------------------------------------------------------------


@pytest.fixture
def past_session(make_session):
    return make_session(days=-3)


def test_certificate_only_for_people_marked_present(client, member, reader, past_session):
    present = registration(past_session, member, attendance=Attendance.PRESENT)
    absent = registration(past_session, reader, attendance=Attendance.ABSENT)
    client.force_login(member)
    page = text_of(client.get(MINE))
    assert reverse("training:certificate", args=[present.pk]) in page
    response = client.get(reverse("training:certificate", args=[present.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    # Someone else's certificate does not exist for this participant.
    assert client.get(reverse("training:certificate", args=[absent.pk])).status_code == 404
    client.force_login(reader)
    assert reverse("training:certificate", args=[absent.pk]) not in text_of(client.get(MINE))
    assert client.get(reverse("training:certificate", args=[absent.pk])).status_code == 404
    assert client.get(reverse("training:certificate", args=[present.pk])).status_code == 404


# --- survey ------------------------------------------------------------------------------------

ANSWERS = {
    "overall": "5",
    "objectives_met": "4",
    "trainer_rating": "5",
    "would_recommend": "True",
    "comment": "Très clair.",
}


def test_survey_is_answered_once_by_the_attendee(client, member, past_session):
    mine = registration(past_session, member, attendance=Attendance.PRESENT)
    url = reverse("training:survey", args=[mine.pk])
    client.force_login(member)
    assert url in text_of(client.get(MINE))
    assert client.get(url).status_code == 200
    response = client.post(url, ANSWERS, follow=True)
    assert "Vos réponses sont enregistrées" in messages_of(response)
    answer = SurveyAnswer.objects.get(registration=mine)
    assert (answer.overall, answer.would_recommend, answer.comment) == (5, True, "Très clair.")
    assert url not in text_of(response)
    # Once.
    again = client.post(url, {**ANSWERS, "overall": "1"}, follow=True)
    assert "déjà répondu" in messages_of(again)
    assert SurveyAnswer.objects.get(registration=mine).overall == 5


def test_survey_is_refused_to_absentees_and_to_others(client, member, reader, past_session):
    absent = registration(past_session, member, attendance=Attendance.ABSENT)
    present = registration(past_session, reader, attendance=Attendance.PRESENT)
    client.force_login(member)
    assert client.get(reverse("training:survey", args=[absent.pk])).status_code == 403
    assert client.post(reverse("training:survey", args=[present.pk]), ANSWERS).status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_incomplete_survey_is_shown_again(client, member, past_session):
    mine = registration(past_session, member, attendance=Attendance.PRESENT)
    client.force_login(member)
    response = client.post(reverse("training:survey", args=[mine.pk]), {"overall": "5"})
    assert response.status_code == 400
    assert "Merci de répondre à chaque question notée." in text_of(response)
    assert not SurveyAnswer.objects.exists()


# --- privacy -----------------------------------------------------------------------------------


def test_participants_never_see_each_other(client, member, colleague, course, session):
    registration(session, colleague)
    client.force_login(member)
    client.post(register_url(session))
    for url in (
        "/formations/",
        reverse("training:course", args=[course.space.slug, course.slug]),
        f"/formations/sessions/{session.pk}/",
        MINE,
        "/formations/imprimer/",
    ):
        page = text_of(client.get(url))
        assert "Colette" not in page and colleague.email not in page, url
    # The counts are public, the people are not.
    assert "Complète" in text_of(client.get(f"/formations/sessions/{session.pk}/"))


def test_trainer_gets_a_way_to_the_registrants(client, trainer, member, session):
    client.force_login(member)
    assert "Voir les participants" not in text_of(client.get(f"/formations/sessions/{session.pk}/"))
    client.force_login(trainer)
    page = text_of(client.get(f"/formations/sessions/{session.pk}/"))
    try:
        url = reverse("training_trainer:registrants", args=[session.pk])
    except Exception:  # noqa: BLE001  (the trainers' pages are another helper's)
        pytest.skip("trainers' pages not installed")
    assert url in page


# --- the catalogue in my calendar --------------------------------------------------------------


def test_catalogue_calendar_toggle(client, member):
    url = reverse("training:calendar_subscribe")
    client.force_login(member)
    page = text_of(client.get(url))
    assert "http://testserver/dav/" in page
    assert reverse("app_passwords") in page
    response = client.post(url, {"abonner": "1"}, follow=True)
    assert CatalogueSubscription.objects.filter(user=member).exists()
    assert "apparaîtra dans votre agenda" in messages_of(response)
    assert "Le catalogue est dans votre agenda." in text_of(response)
    client.post(url, {"abonner": "0"})
    assert not CatalogueSubscription.objects.filter(user=member).exists()


def test_catalogue_calendar_gets_a_secret_ical_url(
    client, member, course, session, django_capture_on_commit_callbacks
):
    url = reverse("training:calendar_subscribe")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"abonner": "1"})
    page = text_of(client.get(url))
    match = re.search(r'<option value="([^"]+)">Formations · catalogue</option>', page)
    assert match, "the catalogue is offered for an iCal link"
    assert f'action="{reverse("calendar_feeds:list")}"' in page
    created = text_of(client.post(reverse("calendar_feeds:list"), {"collection": match[1]}))
    secret_url = re.search(r"<code>(http://testserver/[^<]+\.ics)</code>", created)[1]
    client.logout()
    feed = client.get(secret_url.removeprefix("http://testserver"))
    assert feed.status_code == 200
    assert "Réussir ses démarches en ligne" in feed.content.decode()
