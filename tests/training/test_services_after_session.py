"""After the session: attendance marked by the trainer, the satisfaction survey and its
results."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from extranet.models import AuditEvent
from tests.conftest import make_user
from training.models import Attendance, Registration, RegistrationStatus
from training.services.attendance import mark_attendance
from training.services.errors import (
    InvalidAttendance,
    InvalidRating,
    NotConfirmed,
    SessionNotStarted,
    SurveyAlreadyAnswered,
)
from training.services.surveys import answer_survey, survey_results


def registration_of(session, user, status=RegistrationStatus.CONFIRMED, **extra) -> Registration:
    return Registration.objects.create(
        session=session,
        user=user,
        full_name=user.get_full_name(),
        email=user.email,
        status=status,
        registered_by=user,
        **extra,
    )


def test_the_trainer_marks_attendance_once_the_session_has_started(
    make_session, trainer, member, reader
):
    session = make_session(days=-1)
    present = registration_of(session, member)
    absent = registration_of(session, reader)

    changed = mark_attendance(
        user=trainer,
        session=session,
        marks={present.pk: Attendance.PRESENT, absent.pk: Attendance.ABSENT},
    )

    assert changed == 2
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attendance, absent.attendance) == (Attendance.PRESENT, Attendance.ABSENT)
    assert present.attendance_marked_by == trainer
    assert AuditEvent.objects.get(action="training.attendance_marked").actor == trainer
    # marking the same again changes nothing
    assert mark_attendance(user=trainer, session=session, marks={present.pk: "present"}) == 0


def test_no_attendance_before_the_start(make_session, trainer, member):
    session = make_session(days=1)
    registration = registration_of(session, member)
    with pytest.raises(SessionNotStarted):
        mark_attendance(user=trainer, session=session, marks={registration.pk: "present"})
    registration.refresh_from_db()
    assert registration.attendance == Attendance.UNKNOWN


def test_attendance_only_for_confirmed_registrations_of_the_session(
    make_session, trainer, member, reader
):
    session = make_session(days=-1)
    waiting = registration_of(session, member, status=RegistrationStatus.WAITING)
    with pytest.raises(NotConfirmed):
        mark_attendance(user=trainer, session=session, marks={waiting.pk: "present"})
    elsewhere = registration_of(make_session(days=-1), reader)
    with pytest.raises(InvalidAttendance):
        mark_attendance(user=trainer, session=session, marks={elsewhere.pk: "present"})
    confirmed = registration_of(session, reader)
    with pytest.raises(InvalidAttendance):
        mark_attendance(user=trainer, session=session, marks={confirmed.pk: "late"})


def test_only_the_trainer_and_managers_mark_attendance(make_session, editor, member):
    session = make_session(days=-1)
    own = registration_of(session, member)
    with pytest.raises(PermissionDenied):
        mark_attendance(user=member, session=session, marks={own.pk: "present"})
    assert mark_attendance(user=editor, session=session, marks={own.pk: "present"}) == 1


def _answer(registration, user=None, **extra):
    values = {
        "overall": 4,
        "objectives_met": 5,
        "trainer_rating": 5,
        "would_recommend": True,
        "comment": "",
        **extra,
    }
    return answer_survey(user=user or registration.user, registration=registration, **values)


def test_people_present_answer_the_survey_once(make_session, member):
    registration = registration_of(make_session(days=-1), member, attendance=Attendance.PRESENT)
    answer = _answer(registration, comment="  Très clair, merci ! ")
    assert answer.comment == "Très clair, merci !"
    with pytest.raises(SurveyAlreadyAnswered):
        _answer(Registration.objects.get(pk=registration.pk))


def test_absent_people_and_others_cannot_answer(make_session, member, reader):
    session = make_session(days=-1)
    absent = registration_of(session, member, attendance=Attendance.ABSENT)
    with pytest.raises(PermissionDenied):
        _answer(absent)
    present = registration_of(session, reader, attendance=Attendance.PRESENT)
    with pytest.raises(PermissionDenied):
        _answer(present, user=member)
    with pytest.raises(InvalidRating):
        _answer(present, overall=6)


def test_survey_results_for_the_trainer(make_session, trainer, member):
    session = make_session(days=-1)
    people = [make_user(f"p{n}@exemple.test", f"Personne {n}") for n in range(3)]
    for person, (overall, recommend, comment) in zip(
        people, [(5, True, "Parfait"), (4, True, ""), (2, False, "Trop rapide")], strict=True
    ):
        registration = registration_of(session, person, attendance=Attendance.PRESENT)
        _answer(registration, overall=overall, would_recommend=recommend, comment=comment)

    results = survey_results(user=trainer, session=session)

    assert results.count == 3
    assert results.averages["overall"] == pytest.approx(3.67, abs=0.01)
    assert results.distribution["overall"] == [0, 1, 0, 1, 1]
    assert results.recommend_share == pytest.approx(2 / 3, abs=0.001)
    assert results.comments == ["Parfait", "Trop rapide"]
    assert results.labels()["overall"] == "satisfaction générale"
    with pytest.raises(PermissionDenied):
        survey_results(user=member, session=session)


def test_survey_results_without_answers(make_session, trainer):
    results = survey_results(user=trainer, session=make_session(days=-1))
    assert results.count == 0
    assert results.averages["overall"] is None
    assert results.recommend_share is None
