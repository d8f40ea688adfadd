"""The attendance certificate: a PDF for people marked present, refused to anyone else."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from tests.conftest import make_user
from training.certificates import certificate_pdf
from training.models import Attendance, Registration, RegistrationStatus
from training.services.errors import NotPresent


@pytest.fixture
def francoise(db):
    return make_user("francoise.leger@exemple.test", "Françoise Léger-Çelik")


def registration_of(session, user, attendance) -> Registration:
    return Registration.objects.create(
        session=session,
        user=user,
        full_name=user.get_full_name(),
        email=user.email,
        status=RegistrationStatus.CONFIRMED,
        registered_by=user,
        attendance=attendance,
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_person_marked_present_gets_a_certificate_with_her_name(make_session, francoise, space):
    session = make_session(days=-3, parts=2)
    registration = registration_of(session, francoise, Attendance.PRESENT)

    pdf = certificate_pdf(user=francoise, registration=registration)

    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = " ".join(text_of(pdf).split())
    assert "Françoise Léger-Çelik" in text
    assert "Attestation de présence".upper() in text
    assert "Réussir ses démarches en ligne" in text
    assert space.name in text
    assert "Nadia Formatrice" in text
    assert "Espace numérique de Mauriac" in text
    assert "3 heures" in text
    assert text.count("de 9 h 30 à 12 h 30") == 2  # both parts
    assert f"{registration.pk:06d}" in text  # the certificate number


@pytest.mark.parametrize("attendance", [Attendance.ABSENT, Attendance.UNKNOWN])
def test_no_certificate_unless_present(make_session, francoise, attendance):
    registration = registration_of(make_session(days=-3), francoise, attendance)
    with pytest.raises(NotPresent):
        certificate_pdf(user=francoise, registration=registration)


def test_the_trainer_may_print_it_a_stranger_may_not(make_session, francoise, trainer, outsider):
    registration = registration_of(make_session(days=-3), francoise, Attendance.PRESENT)
    assert certificate_pdf(user=trainer, registration=registration).startswith(b"%PDF")
    with pytest.raises(PermissionDenied):
        certificate_pdf(user=outsider, registration=registration)
