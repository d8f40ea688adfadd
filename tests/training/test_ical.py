"""The iCalendar of sessions: the events of the published calendars and the e-mail invitations."""

from __future__ import annotations

from datetime import UTC

import icalendar
from radicale import item as radicale_item

from training.ical import calendar_of, invitation, session_events
from training.models import Registration, RegistrationStatus, SessionStatus


def _registration(session, **fields) -> Registration:
    return Registration.objects.create(
        session=session,
        full_name=fields.pop("full_name", "Inès Inscrite"),
        email=fields.pop("email", "ines@commune.test"),
        status=fields.pop("status", RegistrationStatus.CONFIRMED),
        **fields,
    )


def test_one_event_per_part_with_stable_uids_in_utc(make_session, trainer):
    session = make_session(parts=2, address="2 place de l'Église")
    events = session_events(session)

    assert [str(e["uid"]) for e in events] == [
        f"{session.uid}-1@maillage",
        f"{session.uid}-2@maillage",
    ]
    parts = list(session.parts.order_by("starts_at"))
    for event, part in zip(events, parts, strict=True):
        assert event.decoded("dtstart") == part.starts_at.astimezone(UTC)
        assert event.decoded("dtend") == part.ends_at.astimezone(UTC)
        assert event.decoded("dtstart").tzinfo is not None
    assert str(events[0]["summary"]) == "Réussir ses démarches en ligne (1/2)"
    assert str(events[0]["location"]) == "Espace numérique de Mauriac, 2 place de l'Église, Mauriac"
    description = str(events[0]["description"])
    assert "Créer son compte" in description  # the course summary
    assert "Nadia Formatrice" in description
    assert f"http://testserver/formations/sessions/{session.pk}/" in description
    assert str(events[0]["status"]) == "CONFIRMED"
    assert int(events[0]["sequence"]) == 0


def test_a_single_part_online_session(make_session):
    session = make_session(place_name="", commune="", online_url="https://visio.test/salle")
    (event,) = session_events(session)
    assert str(event["summary"]) == "Réussir ses démarches en ligne"
    assert str(event["location"]) == "https://visio.test/salle"
    assert "https://visio.test/salle" in str(event["description"])


def test_texts_do_not_change_unless_the_session_does(make_session):
    session = make_session()
    first = calendar_of(session_events(session)).to_ical()
    assert calendar_of(session_events(session)).to_ical() == first

    session.sequence = 1
    session.status = SessionStatus.CANCELLED
    session.save()
    (event,) = session_events(session)
    assert (str(event["status"]), int(event["sequence"])) == ("CANCELLED", 1)


def test_radicale_accepts_each_event_as_one_calendar_object(make_session):
    session = make_session(parts=3)
    for event in session_events(session):
        components = radicale_item.read_components(calendar_of([event]).to_ical().decode())
        radicale_item.check_and_sanitize_items(components, 0, tag="VCALENDAR")


def test_invitation_request_names_organizer_and_attendee(make_session):
    session = make_session(parts=2)
    registration = _registration(session)

    calendar = icalendar.Calendar.from_ical(invitation(session, registration))

    assert str(calendar["method"]) == "REQUEST"
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    for event in events:
        assert str(event["organizer"]).startswith("mailto:")
        attendee = event["attendee"]
        assert str(attendee) == "mailto:ines@commune.test"
        assert attendee.params["CN"] == "Inès Inscrite"
        assert attendee.params["PARTSTAT"] == "ACCEPTED"
        assert str(event["status"]) == "CONFIRMED"


def test_invitation_cancel_for_a_cancelled_registration_or_session(make_session):
    session = make_session()
    registration = _registration(session, status=RegistrationStatus.CANCELLED)

    calendar = icalendar.Calendar.from_ical(invitation(session, registration, method="CANCEL"))

    assert str(calendar["method"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"{session.uid}-1@maillage"
    assert event["attendee"].params["PARTSTAT"] == "DECLINED"
