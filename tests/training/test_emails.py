"""The e-mails of a registration: French text and HTML, and the invitation a calendar app
opens (text/calendar with its METHOD)."""

from __future__ import annotations

import icalendar
import pytest
from django.core import mail

from training.emails import EmailKind, build_message
from training.models import Registration, RegistrationStatus
from training.services.registrations import register


def calendar_part(message):
    (part,) = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    return part


def test_the_confirmation_carries_text_html_and_an_invitation_for_each_part(
    make_session, member, django_capture_on_commit_callbacks
):
    session = make_session(parts=2, notes="Apportez votre <smartphone> & vos identifiants.")
    with django_capture_on_commit_callbacks(execute=True):
        register(user=member, session=session)

    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject.startswith("[Maillage] Inscription confirmée : Réussir ses démarches")
    assert "Bonjour Marie Membre," in message.body
    assert "Espace numérique de Mauriac" in message.body
    assert message.body.count("de 9 h 30 à 12 h 30") == 2
    assert "Apportez votre <smartphone> & vos identifiants." in message.body  # plain text
    assert f"http://testserver/formations/sessions/{session.pk}/" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert "&lt;smartphone&gt; &amp; vos identifiants" in html  # escaped in HTML
    assert "<strong>Réussir ses démarches en ligne</strong>" in html

    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invitation.ics"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "REQUEST"
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2
    assert {str(e["UID"]) for e in events} == {
        f"{session.uid}-1@maillage",
        f"{session.uid}-2@maillage",
    }
    assert all(member.email in str(e.get("ATTENDEE")) for e in events)


def test_the_cancellation_invitation_removes_the_event(make_session, member):
    session = make_session()
    registration = Registration.objects.create(
        session=session,
        user=member,
        full_name="Marie Membre",
        email=member.email,
        status=RegistrationStatus.CANCELLED,
    )
    message = build_message(EmailKind.CANCELLED, registration)
    assert "Inscription annulée" in message.subject
    part = calendar_part(message)
    assert part.get_param("method") == "CANCEL"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "CANCEL"


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_kind_renders_in_french(make_session, member, kind):
    registration = Registration.objects.create(
        session=make_session(),
        user=member,
        full_name="Marie Membre",
        email=member.email,
        status=RegistrationStatus.CONFIRMED,
    )
    message = build_message(kind, registration)
    assert message.subject.startswith("[Maillage] ")
    assert message.body.startswith("Bonjour Marie Membre,")
    assert "Réussir ses démarches en ligne" in message.alternatives[0][0]
    methods = [
        p.get_param("method")
        for p in message.message().walk()
        if p.get_content_type() == "text/calendar"
    ]
    assert methods == (
        []
        if kind == EmailKind.LEFT_WAITING_LIST
        else ["CANCEL" if kind in (EmailKind.CANCELLED, EmailKind.SESSION_CANCELLED) else "REQUEST"]
    )


def test_the_virtual_classroom_link_goes_to_confirmed_registrants_only(
    make_session, member, reader
):
    session = make_session(online_url="https://visio.exemple.test/salle-42")
    confirmed, waiting = (
        Registration.objects.create(
            session=session,
            user=user,
            full_name=user.get_full_name(),
            email=user.email,
            status=status,
        )
        for user, status in (
            (member, RegistrationStatus.CONFIRMED),
            (reader, RegistrationStatus.WAITING),
        )
    )
    assert "salle-42" in build_message(EmailKind.REGISTERED, confirmed).body
    to_waiting = build_message(EmailKind.REGISTERED, waiting)
    assert "salle-42" not in to_waiting.body
    assert "salle-42" not in to_waiting.alternatives[0][0]
