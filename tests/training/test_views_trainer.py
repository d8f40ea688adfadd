"""Trainers' pages (/formations/mes-sessions/, /formations/sessions/<pk>/…) through the real
URL conf: only the session's trainer and the course's space editors see registrants."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from directory.models import Organisation, OrganisationKind
from tests.conftest import make_user
from training.models import Attendance, Registration, RegistrationStatus, SurveyAnswer

pytestmark = pytest.mark.django_db

ROUTES = ("registrants", "attendance", "export", "survey_results")


def _url(name: str, session) -> str:
    return reverse(f"training_trainer:{name}", kwargs={"pk": session.pk})


@pytest.fixture
def other_trainer(course):
    """A trainer of the same course, not of this session."""
    user = make_user("autre.formateur@numerique.test", "Paul Autreformateur")
    course.trainers.add(user)
    return user


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("trainer", 200),
        ("space_admin", 200),
        ("editor", 200),
        ("member", 404),
        ("reader", 404),
        ("outsider", 404),
        ("staff", 404),
        ("other_trainer", 404),
    ],
)
@pytest.mark.parametrize("route", ROUTES)
def test_access_by_role(client, request, session, role, expected, route):
    client.force_login(request.getfixturevalue(role))
    assert client.get(_url(route, session)).status_code == expected


def test_missing_session_is_404(client, trainer):
    client.force_login(trainer)
    assert (
        client.get(reverse("training_trainer:registrants", kwargs={"pk": 999999})).status_code
        == 404
    )


def test_anonymous_is_sent_to_login(client, session):
    response = client.get(_url("registrants", session))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.fixture
def organisation(db):
    kind = OrganisationKind.objects.get(code="espace-numerique")
    return Organisation.objects.create(kind=kind, name="Mairie de Salers", commune="Salers")


def _reg(session, name: str, status: str = RegistrationStatus.CONFIRMED, **extra) -> Registration:
    email = name.lower().replace(" ", ".") + "@exemple.test"
    return Registration.objects.create(
        session=session, full_name=name, email=email, status=status, **extra
    )


def test_registrants_page_lists_everything_a_trainer_needs(
    client, trainer, editor, session, organisation
):
    _reg(session, "Anne Confirmée", organisation=organisation, registered_by=editor)
    _reg(session, "Bruno Premier", RegistrationStatus.WAITING)
    _reg(session, "Chloé Seconde", RegistrationStatus.WAITING)
    _reg(session, "Denis Parti", RegistrationStatus.CANCELLED)
    client.force_login(trainer)
    page = client.get(_url("registrants", session)).content.decode()
    assert "anne.confirmée@exemple.test" in page
    assert "Mairie de Salers" in page
    assert "Éric Éditeur" in page  # who registered her
    assert page.index("Bruno Premier") < page.index("Chloé Seconde")
    rows = {line.strip() for line in page.splitlines()}
    assert "<td>1</td>" in rows and "<td>2</td>" in rows  # waiting list order
    assert "1 inscrits sur 2 places" in page
    assert "2 personnes en liste d'attente" in page
    assert "Inscriptions annulées" in page and "Denis Parti" in page


def test_registrants_page_query_count_does_not_grow(
    client, trainer, session, organisation, django_assert_max_num_queries
):
    client.force_login(trainer)
    for i in range(3):
        _reg(session, f"Personne {i}", organisation=organisation, registered_by=trainer)
    with django_assert_max_num_queries(12) as few:
        client.get(_url("registrants", session))
    for i in range(3, 30):
        _reg(session, f"Personne {i}", RegistrationStatus.WAITING, organisation=organisation)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_url("registrants", session))
    assert "Personne 29" in response.content.decode()


def test_attendance_only_once_the_session_started(client, trainer, make_session):
    upcoming = make_session(days=3)
    registration = _reg(upcoming, "Anne Confirmée")
    client.force_login(trainer)
    page = client.get(_url("attendance", upcoming)).content.decode()
    assert "La présence se note une fois la session commencée." in page
    response = client.post(_url("attendance", upcoming), {f"reg-{registration.pk}": "present"})
    assert response.status_code == 400
    assert "La session n&#x27;a pas encore commencé." in response.content.decode()
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN


def test_trainer_marks_attendance(client, trainer, make_session):
    past = make_session(days=-1)
    anne = _reg(past, "Anne Confirmée")
    bruno = _reg(past, "Bruno Confirmé")
    waiting = _reg(past, "Chloé Attente", RegistrationStatus.WAITING)
    client.force_login(trainer)
    page = client.get(_url("attendance", past)).content.decode()
    assert f'name="reg-{anne.pk}"' in page
    assert f'name="reg-{waiting.pk}"' not in page  # only confirmed registrants
    response = client.post(
        _url("attendance", past), {f"reg-{anne.pk}": "present", f"reg-{bruno.pk}": "absent"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("registrants", past)
    anne.refresh_from_db()
    bruno.refresh_from_db()
    assert (anne.attendance, bruno.attendance) == (Attendance.PRESENT, Attendance.ABSENT)
    assert anne.attendance_marked_by == trainer
    # The form shows what was recorded.
    page = client.get(_url("attendance", past)).content.decode()
    assert re.search(rf'name="reg-{anne.pk}" value="present"[^>]*checked', page)
    assert re.search(rf'name="reg-{bruno.pk}" value="absent"[^>]*checked', page)


def test_attendance_rejects_an_unknown_value(client, trainer, make_session):
    past = make_session(days=-1)
    anne = _reg(past, "Anne Confirmée")
    client.force_login(trainer)
    response = client.post(_url("attendance", past), {f"reg-{anne.pk}": "peut-être"})
    assert response.status_code == 400
    anne.refresh_from_db()
    assert anne.attendance == Attendance.UNKNOWN


def test_export_is_a_csv_download(client, editor, session, organisation):
    _reg(session, "Anne Confirmée", organisation=organisation)
    client.force_login(editor)
    response = client.get(_url("export", session))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="inscrits-')
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert any("anne.confirmée@exemple.test" in row for row in rows)


def test_survey_results_show_averages_distribution_and_comments(client, trainer, make_session):
    past = make_session(days=-2)
    for i, (overall, recommend, comment) in enumerate(
        [(5, True, "Très clair, merci."), (3, True, ""), (4, False, "Trop rapide.")]
    ):
        registration = _reg(past, f"Personne {i}", attendance=Attendance.PRESENT)
        SurveyAnswer.objects.create(
            registration=registration,
            overall=overall,
            objectives_met=4,
            trainer_rating=5,
            would_recommend=recommend,
            comment=comment,
        )
    client.force_login(trainer)
    page = client.get(_url("survey_results", past)).content.decode()
    assert "3 réponses" in page
    assert "67 % recommanderaient cette formation" in page
    compact = "".join(page.split())
    # Overall: 1×3, 1×4, 1×5 → average 4; the distribution is a table, not colours.
    assert "<td>4</td><td>0</td><td>0</td><td>1</td><td>1</td><td>1</td>" in compact
    assert "Très clair, merci." in page and "Trop rapide." in page


def test_survey_results_without_answers(client, trainer, session):
    client.force_login(trainer)
    page = client.get(_url("survey_results", session)).content.decode()
    assert "Personne n'a encore répondu." in page


def test_my_sessions_lists_upcoming_and_past_with_counts(
    client, trainer, other_trainer, make_session
):
    upcoming = make_session(days=5, capacity=3)
    past = make_session(days=-5)
    _reg(upcoming, "Anne Confirmée")
    _reg(upcoming, "Bruno Attente", RegistrationStatus.WAITING)
    client.force_login(trainer)
    page = client.get(reverse("training_trainer:my_sessions")).content.decode()
    assert page.index(_url("registrants", upcoming)) < page.index(_url("registrants", past))
    assert "1 / 3 inscrits" in page
    assert "1 en attente" in page
    assert _url("export", past) in page
    # Their calendar of sessions, with a way to get an iCal subscription URL for it.
    assert f'action="{reverse("calendar_feeds:list")}"' in page
    assert 'name="collection"' in page
    client.force_login(other_trainer)
    page = client.get(reverse("training_trainer:my_sessions")).content.decode()
    assert _url("registrants", upcoming) not in page
    assert "Aucune session à venir." in page
