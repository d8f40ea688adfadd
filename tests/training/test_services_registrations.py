"""Registering, the waiting list, cancellations and reminders, as registrants notice them: the
status they get, the e-mails (with the calendar invitation) and the notifications."""

from __future__ import annotations

import io
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from directory.models import Organisation, OrganisationKind
from extranet.models import AuditEvent, Notification
from tests.conftest import make_user
from training.models import Reach, Registration, RegistrationStatus, SessionStatus
from training.services.errors import (
    AlreadyRegistered,
    RegistrationClosed,
    RegistrationNotActive,
)
from training.services.registrations import (
    cancel_registration,
    register,
    register_other,
    send_reminders,
)


def mails_to(address: str) -> list[mail.EmailMultiAlternatives]:
    return [m for m in mail.outbox if address in m.to]


def calendar_methods(message: mail.EmailMessage) -> list[str]:
    """The METHOD of each text/calendar part of a sent message."""
    return [
        part.get_param("method")
        for part in message.message().walk()
        if part.get_content_type() == "text/calendar"
    ]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call a service and run what it scheduled after commit (tasks run at once in tests)."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


def test_the_last_seat_is_confirmed_the_next_person_waits(run, make_session, member, reader):
    session = make_session(capacity=1)

    first = run(register, user=member, session=session)
    second = run(register, user=reader, session=session)

    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITING
    session.refresh_from_db()
    assert session.status == SessionStatus.FULL
    (confirmation,) = mails_to(member.email)
    assert "Inscription confirmée" in confirmation.subject
    assert calendar_methods(confirmation) == ["REQUEST"]
    (waiting,) = mails_to(reader.email)
    assert "Liste d'attente" in waiting.subject
    assert "liste d'attente" in waiting.body
    # A place in line is not a seat: nothing to put in a calendar yet.
    assert calendar_methods(waiting) == []


def test_a_cancellation_promotes_the_first_in_line_who_is_notified_and_emailed(
    run, make_session, member, reader, editor
):
    session = make_session(capacity=1)
    seat = run(register, user=member, session=session)
    first_in_line = run(register, user=reader, session=session)
    second_in_line = run(register, user=editor, session=session)
    mail.outbox.clear()

    run(cancel_registration, user=member, registration=seat)

    first_in_line.refresh_from_db()
    second_in_line.refresh_from_db()
    assert first_in_line.status == RegistrationStatus.CONFIRMED
    assert first_in_line.promoted_at is not None
    assert second_in_line.status == RegistrationStatus.WAITING
    session.refresh_from_db()
    assert session.status == SessionStatus.FULL
    notification = Notification.objects.get(recipient=reader, topic="training.promoted")
    assert session.course.title in notification.object_label
    (promotion,) = mails_to(reader.email)
    assert "Une place s'est libérée" in promotion.subject
    assert calendar_methods(promotion) == ["REQUEST"]
    (cancellation,) = mails_to(member.email)
    assert calendar_methods(cancellation) == ["CANCEL"]
    assert mails_to(editor.email) == []
    assert not Notification.objects.filter(recipient=editor).exists()


def test_cancelling_a_place_in_line_promotes_nobody_and_frees_a_seat_otherwise(
    run, make_session, member, reader, editor
):
    session = make_session(capacity=2)
    run(register, user=member, session=session)
    run(register, user=reader, session=session)
    waiting = run(register, user=editor, session=session)
    mail.outbox.clear()
    run(cancel_registration, user=editor, registration=waiting)
    (left,) = mails_to(editor.email)
    assert "n'êtes plus sur la liste d'attente" in left.body
    assert calendar_methods(left) == []  # nothing was in their calendar
    session.refresh_from_db()
    assert session.status == SessionStatus.FULL
    assert not Notification.objects.filter(topic="training.promoted").exists()

    confirmed = Registration.objects.get(session=session, user=reader)
    run(cancel_registration, user=reader, registration=confirmed)
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    with pytest.raises(RegistrationNotActive):
        run(cancel_registration, user=reader, registration=confirmed)


def test_the_deadline_and_the_start_close_registration(run, make_session, member):
    past_deadline = make_session(registration_deadline=timezone.now() - timedelta(minutes=1))
    started = make_session(days=-1)
    for session in (past_deadline, started):
        with pytest.raises(RegistrationClosed):
            run(register, user=member, session=session)
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_cancelled_or_planned_session_takes_no_registration(run, make_session, member):
    for status in (SessionStatus.CANCELLED, SessionStatus.PLANNED, SessionStatus.DONE):
        with pytest.raises(RegistrationClosed):
            run(register, user=member, session=make_session(status=status))


def test_one_active_registration_per_person(run, session, member):
    registration = run(register, user=member, session=session)
    with pytest.raises(AlreadyRegistered):
        run(register, user=member, session=session)
    run(cancel_registration, user=member, registration=registration)
    again = run(register, user=member, session=session)
    assert again.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(session=session, user=member).count() == 2


def test_an_outsider_cannot_register_to_a_course_for_the_space_members_only(
    run, course, session, outsider, member
):
    course.reach = Reach.SPACE
    course.save()
    with pytest.raises(PermissionDenied):
        run(register, user=outsider, session=session)
    assert run(register, user=member, session=session).status == RegistrationStatus.CONFIRMED


def test_anyone_signed_in_registers_to_a_territory_course(run, session, outsider):
    registration = run(register, user=outsider, session=session)
    assert registration.email == outsider.email
    assert registration.full_name == "Olivier Dehors"


@pytest.fixture
def mairie(member) -> Organisation:
    kind, _created = OrganisationKind.objects.get_or_create(
        code="commune", defaults={"name": "Commune"}
    )
    organisation = Organisation.objects.create(kind=kind, name="Mairie de Salers")
    organisation.managers.add(member)
    return organisation


def test_an_organisation_manager_registers_a_colleague(run, session, member, mairie):
    registration = run(
        register_other,
        user=member,
        session=session,
        organisation=mairie,
        full_name="  Jeanne   Dupont ",
        email=" Jeanne.Dupont@Salers.TEST ",
    )

    assert registration.email == "jeanne.dupont@salers.test"
    assert registration.full_name == "Jeanne Dupont"
    assert registration.user is None
    assert registration.registered_by == member
    assert registration.organisation == mairie
    assert registration.status == RegistrationStatus.CONFIRMED
    (confirmation,) = mails_to("jeanne.dupont@salers.test")
    assert "Marie Membre" in confirmation.body  # who registered her
    assert calendar_methods(confirmation) == ["REQUEST"]
    assert AuditEvent.objects.filter(action="training.registered", actor=member).exists()
    # the same address, typed differently, is the same person
    with pytest.raises(AlreadyRegistered):
        run(
            register_other,
            user=member,
            session=session,
            organisation=mairie,
            full_name="Jeanne Dupont",
            email="JEANNE.DUPONT@salers.test",
        )


def test_a_colleague_with_an_account_is_linked_and_notified(run, session, member, mairie):
    colleague = make_user("paul.roux@salers.test", "Paul Roux")
    registration = run(
        register_other,
        user=member,
        session=session,
        organisation=mairie,
        full_name="Paul Roux",
        email="Paul.Roux@salers.test",
    )
    assert registration.user == colleague
    notification = Notification.objects.get(recipient=colleague)
    assert notification.topic == "training.registered"
    assert notification.actor == member
    # the colleague now cannot register a second time on their own
    with pytest.raises(AlreadyRegistered):
        run(register, user=colleague, session=session)


def test_only_managers_of_the_organisation_register_its_people(run, session, reader, mairie):
    with pytest.raises(PermissionDenied):
        run(
            register_other,
            user=reader,
            session=session,
            organisation=mairie,
            full_name="Jeanne Dupont",
            email="jeanne@salers.test",
        )
    assert not Registration.objects.exists()


def test_who_may_cancel_a_registration(run, session, member, reader, editor, trainer, mairie):
    own = run(register, user=reader, session=session)
    with pytest.raises(PermissionDenied):
        run(cancel_registration, user=member, registration=own)
    colleague = run(
        register_other,
        user=member,
        session=session,
        organisation=mairie,
        full_name="Jeanne Dupont",
        email="jeanne@salers.test",
    )
    run(cancel_registration, user=member, registration=colleague)  # who registered her
    run(cancel_registration, user=trainer, registration=own)  # the session's trainer
    assert not Registration.objects.filter(status__in=["confirmed", "waiting"]).exists()
    assert AuditEvent.objects.filter(action="training.registration_cancelled").count() == 2


class BrokenSMTP(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("421 service not available")


def test_a_failing_mail_server_never_breaks_a_registration(run, settings, session, member):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTP"
    registration = run(register, user=member, session=session)
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


def test_reminders_go_once_to_confirmed_registrants_of_sessions_starting_soon(
    run, make_session, member, reader, editor
):
    soon = make_session(days=1, capacity=1)
    later = make_session(days=5)
    run(register, user=member, session=soon)
    run(register, user=reader, session=soon)  # waiting: no reminder
    run(register, user=editor, session=later)
    mail.outbox.clear()

    assert run(send_reminders) == 1
    (reminder,) = mail.outbox
    assert reminder.to == [member.email]
    assert reminder.subject.startswith("[Maillage] Rappel")
    assert calendar_methods(reminder) == ["REQUEST"]
    assert Notification.objects.filter(recipient=member, topic="training.reminder").exists()

    assert run(send_reminders) == 0
    assert len(mail.outbox) == 1
    # four days later the other session is due
    assert run(send_reminders, now=timezone.now() + timedelta(days=4)) == 1
    assert mail.outbox[-1].to == [editor.email]


def test_the_reminder_command_sends_the_reminders(
    make_session, member, django_capture_on_commit_callbacks
):
    session = make_session(days=1)
    Registration.objects.create(
        session=session,
        user=member,
        full_name="Marie Membre",
        email=member.email,
        status=RegistrationStatus.CONFIRMED,
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_reminders", stdout=out)
    assert "Sent 1 training reminder" in out.getvalue()
    assert [m.to for m in mail.outbox] == [[member.email]]


def test_a_registration_rebuilds_only_the_registrants_own_calendar(
    monkeypatch, django_capture_on_commit_callbacks, member, reader, editor, make_session
):
    """No calendar shows seats or who registered: a registration refreshes the person's own
    « Mes formations » (and a waiting one nothing), never the catalogue or other people's."""
    from training import calendars

    scheduled: list[dict] = []

    class Recorder:
        @staticmethod
        def enqueue(**kwargs: object) -> None:
            scheduled.append(kwargs)

    monkeypatch.setattr(calendars, "refresh_training_calendars", Recorder)
    session = make_session(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = register(user=member, session=session)
        register(user=reader, session=session)  # waiting
    assert scheduled == [{"session_ids": [], "user_ids": [member.pk]}]

    scheduled.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_registration(user=member, registration=confirmed)
    assert scheduled == [{"session_ids": [], "user_ids": sorted([member.pk, reader.pk])}]
