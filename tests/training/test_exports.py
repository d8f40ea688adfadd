"""The CSV export of a session's registrants, opened by a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied

from extranet.models import AuditEvent
from tests.conftest import make_user
from training.exports import registrants_csv
from training.models import Attendance, Registration, RegistrationStatus, SurveyAnswer


def test_the_export_lists_every_registration_with_attendance_and_answers(
    make_session, trainer, member
):
    session = make_session(days=-1)
    alice = make_user("alice@exemple.test", "Alice Éluard")
    present = Registration.objects.create(
        session=session,
        user=alice,
        full_name="Alice Éluard",
        email=alice.email,
        status=RegistrationStatus.CONFIRMED,
        attendance=Attendance.PRESENT,
    )
    SurveyAnswer.objects.create(
        registration=present,
        overall=5,
        objectives_met=4,
        trainer_rating=5,
        would_recommend=True,
        comment="Très utile ; merci",
    )
    Registration.objects.create(
        session=session,
        full_name='=HYPERLINK("http://pirate.test")',
        email="bob@exemple.test",
        status=RegistrationStatus.WAITING,
        registered_by=member,
    )

    text = registrants_csv(user=trainer, session=session)

    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    header, alice_row, bob_row = rows
    assert header[:4] == ["Nom", "E-mail", "Structure", "État"]
    answers = dict(zip(header, alice_row, strict=True))
    assert answers["Nom"] == "Alice Éluard"
    assert answers["État"] == "Inscrit"
    assert answers["Présence"] == "Présent"
    assert answers["Satisfaction générale (1-5)"] == "5"
    assert answers["Objectifs atteints (1-5)"] == "4"
    assert answers["Recommanderait"] == "oui"
    assert answers["Commentaire"] == "Très utile ; merci"
    bob = dict(zip(header, bob_row, strict=True))
    assert bob["État"] == "Sur liste d'attente"
    assert bob["Inscrit par"] == "Marie Membre"
    assert bob["Satisfaction générale (1-5)"] == ""
    # a name typed as a formula stays text in the spreadsheet
    assert bob["Nom"].startswith("'=")
    assert AuditEvent.objects.filter(action="training.registrants_exported", actor=trainer).exists()


def test_only_the_trainer_and_managers_export(make_session, member, editor):
    session = make_session()
    with pytest.raises(PermissionDenied):
        registrants_csv(user=member, session=session)
    assert registrants_csv(user=editor, session=session).startswith("\ufeffNom;")
