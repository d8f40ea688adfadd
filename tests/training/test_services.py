"""Courses and sessions written by the course's space editors: what managers and registrants
notice (addresses, seats, the waiting list on more seats, updated and cancelled invitations)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from directory.models import Organisation, OrganisationKind
from documents.models import Document
from extranet.models import (
    AuditEvent,
    Notification,
    PublicationRequest,
    PublicationState,
    PublicSnapshot,
)
from extranet.portal.services import (
    GENERAL_ADMINISTRATORS_GROUP,
    AlreadyReviewed,
    approve_publication,
)
from tests.conftest import make_user
from training.models import (
    CourseStatus,
    Registration,
    RegistrationStatus,
    ResourceKind,
    SessionStatus,
    Theme,
)
from training.publishing import propose_course
from training.services.courses import (
    add_resource,
    create_course,
    remove_resource,
    set_course_status,
    update_course,
)
from training.services.errors import (
    CapacityBelowConfirmed,
    InvalidCourse,
    InvalidParts,
    InvalidResource,
    RegistrationClosed,
    SessionNotEditable,
    SessionNotStarted,
)
from training.services.registrations import register
from training.services.sessions import (
    PartInput,
    cancel_session,
    create_session,
    mark_session_done,
    open_registrations,
    update_session,
)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


def calendar_methods(message: mail.EmailMessage) -> list[str]:
    return [
        part.get_param("method")
        for part in message.message().walk()
        if part.get_content_type() == "text/calendar"
    ]


def membership_of(user, space):
    return user.memberships.get(space=space)


def _course_kwargs(**extra):
    return {
        "title": "Sécuriser ses mots de passe",
        "summary": "Un gestionnaire de mots de passe, la double authentification.",
        "theme": Theme.SECURITY,
        "duration_hours": Decimal("3.5"),
        "objectives": "Choisir un gestionnaire\nActiver la double authentification",
        **extra,
    }


# --- courses ----------------------------------------------------------------------------------


def test_an_editor_creates_courses_with_distinct_addresses(run, space, editor, trainer):
    membership = membership_of(editor, space)
    first = run(create_course, membership=membership, trainers=[trainer], **_course_kwargs())
    second = run(create_course, membership=membership, **_course_kwargs())

    assert first.slug == "securiser-ses-mots-de-passe"
    assert second.slug == "securiser-ses-mots-de-passe-2"
    assert first.status == CourseStatus.DRAFT
    assert list(first.trainers.all()) == [trainer]
    assert AuditEvent.objects.filter(action="training.course_created", space=space).count() == 2


def test_a_member_cannot_create_a_course(space, member):
    with pytest.raises(PermissionDenied):
        create_course(membership=membership_of(member, space), **_course_kwargs())


def test_course_fields_are_checked(space, editor):
    with pytest.raises(InvalidCourse):
        create_course(
            membership=membership_of(editor, space),
            **_course_kwargs(theme="astrologie", duration_hours=Decimal("0")),
        )


def test_update_and_publish_a_course(run, course, editor, member):
    with pytest.raises(PermissionDenied):
        update_course(user=member, course=course, data={"title": "Piraté"})
    course = run(
        update_course, user=editor, course=course, data={"title": "Démarches en ligne, niveau 2"}
    )
    assert course.title == "Démarches en ligne, niveau 2"
    assert course.slug == "demarches-en-ligne"  # the address stays
    event = AuditEvent.objects.get(action="training.course_updated")
    assert event.details["fields"] == ["title"]

    run(set_course_status, user=editor, course=course, status=CourseStatus.ARCHIVED)
    course.refresh_from_db()
    assert course.status == CourseStatus.ARCHIVED


def test_resources_are_documents_of_the_course_space_or_links(
    run, course, editor, space, other_space
):
    own = Document.objects.create(space=space, title="Fiche pratique")
    foreign = Document.objects.create(space=other_space, title="Document d'un autre espace")
    with pytest.raises(PermissionDenied):
        add_resource(
            user=editor, course=course, kind=ResourceKind.DOCUMENT, title="", document=foreign
        )
    with pytest.raises(InvalidResource):
        add_resource(user=editor, course=course, kind=ResourceKind.LINK, title="Lien", url="")
    document = run(
        add_resource, user=editor, course=course, kind=ResourceKind.DOCUMENT, title="", document=own
    )
    link = run(
        add_resource,
        user=editor,
        course=course,
        kind=ResourceKind.TUTORIAL,
        title="Tutoriel vidéo",
        url="https://exemple.test/tuto",
    )
    assert document.title == "Fiche pratique"
    assert [r.title for r in course.resources.all()] == ["Fiche pratique", "Tutoriel vidéo"]
    run(remove_resource, user=editor, resource=link)
    assert [r.title for r in course.resources.all()] == ["Fiche pratique"]


# --- sessions ---------------------------------------------------------------------------------


def _parts(days: int = 10, count: int = 1) -> list[PartInput]:
    start = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    start += timedelta(days=days)
    return [
        PartInput(start + timedelta(days=n), start + timedelta(days=n, hours=3))
        for n in range(count)
    ]


@pytest.fixture
def espace_numerique(db) -> Organisation:
    kind, _created = OrganisationKind.objects.get_or_create(
        code="espace-numerique", defaults={"name": "Espace numérique"}
    )
    return Organisation.objects.create(
        kind=kind,
        name="Espace numérique de Riom",
        address="2 rue des Écoles\nBâtiment B",
        postal_code="15400",
        commune="Riom-ès-Montagnes",
    )


def test_an_editor_schedules_a_session_in_a_directory_place(
    run, course, editor, trainer, espace_numerique
):
    parts = _parts(count=2)
    session = run(
        create_session,
        user=editor,
        course=course,
        parts=list(reversed(parts)),
        capacity=8,
        trainer=trainer,
        place=espace_numerique,
    )
    assert session.status == SessionStatus.OPEN
    assert session.starts_at == parts[0].starts_at
    assert session.ends_at == parts[1].ends_at
    assert session.parts.count() == 2
    assert session.place_name == "Espace numérique de Riom"
    assert session.address == "2 rue des Écoles, Bâtiment B, 15400"
    assert session.commune == "Riom-ès-Montagnes"
    assert AuditEvent.objects.filter(action="training.session_created").exists()


def test_session_dates_and_rights_are_checked(course, editor, member):
    with pytest.raises(PermissionDenied):
        create_session(user=member, course=course, parts=_parts(), capacity=5)
    start = timezone.now() + timedelta(days=3)
    for parts in ([], [PartInput(start, start)], [PartInput(start, start - timedelta(hours=1))]):
        with pytest.raises(InvalidParts):
            create_session(user=editor, course=course, parts=parts, capacity=5)


def _update(session, user, **changes):
    values = {
        "parts": [PartInput(p.starts_at, p.ends_at) for p in session.parts.all()],
        "capacity": session.capacity,
        "trainer": session.trainer,
        "place": session.place,
        "place_name": session.place_name,
        "address": session.address,
        "commune": session.commune,
        "online_url": session.online_url,
        "registration_deadline": session.registration_deadline,
        "notes": session.notes,
        **changes,
    }
    return update_session(user=user, session=session, **values)


def test_more_seats_go_to_the_waiting_list(run, make_session, editor, member, reader, outsider):
    session = make_session(capacity=1)
    for person in (member, reader, outsider):
        run(register, user=person, session=session)
    mail.outbox.clear()

    session = run(_update, session=session, user=editor, capacity=2)

    statuses = dict(Registration.objects.values_list("user__email", "status"))
    assert statuses == {
        member.email: RegistrationStatus.CONFIRMED,
        reader.email: RegistrationStatus.CONFIRMED,
        outsider.email: RegistrationStatus.WAITING,
    }
    assert session.status == SessionStatus.FULL
    assert Notification.objects.filter(recipient=reader, topic="training.promoted").exists()
    assert [m.to for m in mail.outbox] == [[reader.email]]
    assert session.sequence == 0  # same dates, same place: calendars keep their event

    session = run(_update, session=session, user=editor, capacity=5)
    assert session.status == SessionStatus.OPEN


def test_fewer_seats_than_confirmed_people_is_refused(run, make_session, editor, member, reader):
    session = make_session(capacity=2)
    run(register, user=member, session=session)
    run(register, user=reader, session=session)
    with pytest.raises(CapacityBelowConfirmed):
        run(_update, session=session, user=editor, capacity=1)
    session.refresh_from_db()
    assert session.capacity == 2


def test_new_dates_reach_the_registrants_with_an_updated_invitation(
    run, make_session, editor, member, reader
):
    session = make_session(capacity=1)
    run(register, user=member, session=session)
    run(register, user=reader, session=session)
    mail.outbox.clear()

    session = run(_update, session=session, user=editor, parts=_parts(days=20))

    assert session.sequence == 1
    assert session.starts_at == _parts(days=20)[0].starts_at
    (to_member,) = [m for m in mail.outbox if m.to == [member.email]]
    assert "Session modifiée" in to_member.subject
    assert calendar_methods(to_member) == ["REQUEST"]
    (to_reader,) = [m for m in mail.outbox if m.to == [reader.email]]
    assert calendar_methods(to_reader) == []  # waiting: still nothing in their calendar
    assert Notification.objects.filter(topic="training.session_changed").count() == 2


def test_a_cancelled_session_tells_its_registrants_and_takes_no_more(
    run, make_session, editor, member, reader, outsider
):
    session = make_session(capacity=1)
    run(register, user=member, session=session)
    run(register, user=reader, session=session)
    mail.outbox.clear()
    with pytest.raises(PermissionDenied):
        cancel_session(user=member, session=session, reason="")

    session = run(cancel_session, user=editor, session=session, reason="Formatrice malade")

    assert session.status == SessionStatus.CANCELLED
    assert session.cancelled_reason == "Formatrice malade"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, reader.email])
    for message in mail.outbox:
        assert "Session annulée" in message.subject
        assert "Formatrice malade" in message.body
        # the event leaves the calendar of who had a seat; the waiting list had none
        expected = ["CANCEL"] if message.to == [member.email] else []
        assert calendar_methods(message) == expected
    assert Notification.objects.filter(topic="training.session_cancelled").count() == 2
    with pytest.raises(RegistrationClosed):
        run(register, user=outsider, session=session)
    with pytest.raises(SessionNotEditable):
        run(_update, session=session, user=editor, capacity=3)


def test_a_session_is_done_only_once_it_has_started(run, make_session, editor):
    with pytest.raises(SessionNotStarted):
        mark_session_done(user=editor, session=make_session(days=2))
    past = run(mark_session_done, user=editor, session=make_session(days=-2))
    assert past.status == SessionStatus.DONE


def test_a_reader_of_the_space_cannot_close_a_session(make_session, reader):
    with pytest.raises(PermissionDenied):
        mark_session_done(user=reader, session=make_session(days=-2))


def test_planned_session_takes_registrations_once_opened(run, editor, member, make_session):
    session = make_session(status=SessionStatus.PLANNED)
    with pytest.raises(RegistrationClosed):
        run(register, user=member, session=session)
    with pytest.raises(PermissionDenied):
        run(open_registrations, user=member, session=session)
    run(open_registrations, user=editor, session=session)
    registration = run(register, user=member, session=session)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="training.session_opened").exists()


def test_a_course_titled_like_a_page_gets_its_own_address(run, editor, space):
    membership = editor.memberships.get(space=space)
    course = run(
        create_course,
        membership=membership,
        title="Nouvelle",
        summary="Une formation au nom malheureux.",
        theme=Theme.BASICS,
        duration_hours=Decimal("2"),
        objectives="Allumer l'ordinateur",
    )
    assert course.slug == "nouvelle-formation"


# --- the public portal: a course unfit for it takes back its proposal -------------------------


@pytest.fixture
def portal_admin(db):
    """The portal's general administrator (reviews proposals; a member of no space)."""
    user = make_user("portail@pays.test", "Gaëlle Générale")
    Group.objects.get(name=GENERAL_ADMINISTRATORS_GROUP).user_set.add(user)
    return user


def _pending_proposals(course):
    return PublicationRequest.objects.for_source("course", str(course.pk)).pending()


@pytest.mark.parametrize("status", [CourseStatus.DRAFT, CourseStatus.ARCHIVED])
def test_taking_a_course_off_the_catalogue_withdraws_its_proposal(
    run, course, editor, space_admin, portal_admin, status
):
    # Proposed by another of the space's editors: any manager's change takes it back.
    proposal = propose_course(user=space_admin, course=course)
    run(set_course_status, user=editor, course=course, status=status)

    proposal.refresh_from_db()
    assert proposal.state == PublicationState.WITHDRAWN
    assert AuditEvent.objects.filter(action="portal.withdrawn", actor=editor).exists()
    # The general administrator can no longer approve what the course was.
    with pytest.raises(AlreadyReviewed):
        approve_publication(reviewer=portal_admin, request=proposal)


def test_keeping_a_course_for_the_space_withdraws_its_proposal(run, course, editor):
    propose_course(user=editor, course=course)
    run(update_course, user=editor, course=course, data={"reach": "space"})
    assert not _pending_proposals(course).exists()


def test_other_changes_keep_the_proposal(run, course, editor):
    proposal = propose_course(user=editor, course=course)
    run(update_course, user=editor, course=course, data={"title": "Démarches en ligne, pas à pas"})
    run(set_course_status, user=editor, course=course, status=CourseStatus.PUBLISHED)
    assert list(_pending_proposals(course)) == [proposal]


def test_a_public_course_taken_off_the_catalogue_stays_public(run, course, editor, portal_admin):
    approve_publication(reviewer=portal_admin, request=propose_course(user=editor, course=course))
    run(set_course_status, user=editor, course=course, status=CourseStatus.ARCHIVED)
    # Taking it off the portal is the general administrator's action (``unpublish``).
    assert PublicSnapshot.objects.public().filter(kind="course", source_key=str(course.pk)).exists()
