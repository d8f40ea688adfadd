"""The demo territory has a training catalogue, written through the training services."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from extranet.demo_data import TRAINING
from extranet.models import PublicationRequest, PublicSnapshot
from extranet.search import TERRITORY_SPACE_ID, SearchQuery, get_backend
from training.models import (
    Attendance,
    Course,
    CourseStatus,
    RegistrationStatus,
    Session,
    SessionStatus,
    SurveyAnswer,
)


@pytest.mark.slow
@pytest.mark.django_db
def test_seed_demo_creates_the_training_catalogue(
    settings, capsys, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")
    assert "Training: 6 courses, 10 sessions" in capsys.readouterr().out

    courses = Course.objects.filter(space__slug=TRAINING)
    assert courses.count() == 6
    assert courses.filter(status=CourseStatus.DRAFT).count() == 1
    sessions = Session.objects.filter(course__space__slug=TRAINING)
    assert sessions.count() == 10
    # Most sessions take place at the directory's ICT access place.
    assert sessions.filter(place__kind__code="espace-numerique").count() >= 4

    full = sessions.get(status=SessionStatus.FULL)
    registrations = full.registrations.values_list("status", flat=True)
    assert list(registrations).count(RegistrationStatus.CONFIRMED) == full.capacity
    assert list(registrations).count(RegistrationStatus.WAITING) == 2

    past = sessions.get(status=SessionStatus.DONE)
    assert past.registrations.filter(attendance=Attendance.PRESENT).count() == 4
    assert past.registrations.filter(attendance=Attendance.ABSENT).count() == 1
    assert SurveyAnswer.objects.filter(registration__session=past).count() == 3

    public = PublicSnapshot.objects.get(kind="course", is_current=True)
    assert public.title == "Réussir ses démarches en ligne"
    assert public.data["sessions"] and public.commune
    assert PublicationRequest.objects.pending().filter(kind="course").count() == 1

    # The catalogue is searchable as soon as the demo is loaded (not its space-only course
    # outside its space, nor its draft).
    def titles(text: str) -> list[str]:
        query = SearchQuery(text=text, space_ids=[TERRITORY_SPACE_ID])
        return [hit.title for hit in get_backend().search(query).hits]

    assert "Prendre en main son smartphone" in titles("smartphone")
    assert not any(title.startswith("Bureautique") for title in titles("tableur"))
    assert not any(title.startswith("Santé numérique") for title in titles("messagerie"))
