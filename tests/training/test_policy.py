"""training.policy and the catalogue's selectors: role × reach × status, and the rules of
registering, certificates, surveys and resources."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from documents.models import Document
from tests.conftest import make_user
from training import policy, selectors
from training.models import (
    Attendance,
    CourseResource,
    CourseStatus,
    Reach,
    Registration,
    RegistrationStatus,
    ResourceKind,
    SessionStatus,
    SurveyAnswer,
)

ROLES = ["space_admin", "editor", "member", "reader", "outsider", "loner", "trainer"]

# Who sees a course of ``space`` (reach × status). "loner" has an account and no space;
# "trainer" is the course's trainer without any membership.
SEES = {
    (Reach.TERRITORY, CourseStatus.PUBLISHED): set(ROLES),
    (Reach.SPACE, CourseStatus.PUBLISHED): {
        "space_admin",
        "editor",
        "member",
        "reader",
        "trainer",
    },
    (Reach.TERRITORY, CourseStatus.DRAFT): {"space_admin", "editor", "trainer"},
    (Reach.SPACE, CourseStatus.DRAFT): {"space_admin", "editor", "trainer"},
    (Reach.TERRITORY, CourseStatus.ARCHIVED): {"space_admin", "editor", "trainer"},
}


@pytest.fixture
def people(cast, trainer):
    return {**cast, "loner": make_user("seul@e.test", "Sam Seul"), "trainer": trainer}


@pytest.mark.parametrize(("reach", "status"), list(SEES))
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_a_course(people, course, reach, status, role):
    course.reach = reach
    course.status = status
    course.save()
    user = people[role]
    expected = role in SEES[(reach, status)]
    assert policy.can_see_course(user, course) is expected
    # The door of every query agrees with the policy.
    assert selectors.courses_visible_to(user).filter(pk=course.pk).exists() is expected
    # Only published courses are in the catalogue, whoever looks.
    in_catalogue = selectors.published_courses_visible_to(user).filter(pk=course.pk).exists()
    assert in_catalogue is (expected and status == CourseStatus.PUBLISHED)
    if expected:
        assert selectors.course_for(user, course.space.slug, course.slug) == course
    else:
        with pytest.raises(Http404):
            selectors.course_for(user, course.space.slug, course.slug)


def test_anonymous_sees_nothing(course, session):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not policy.can_see_course(anonymous, course)
    assert not selectors.courses_visible_to(anonymous).exists()
    assert not selectors.registrations_of(anonymous).exists()
    with pytest.raises(Http404):
        selectors.session_for(anonymous, session.pk)


@pytest.mark.parametrize("role", ROLES)
def test_who_manages_and_sees_registrants(people, session, role):
    user = people[role]
    assert policy.can_manage_course(user, session.course) is (role in {"space_admin", "editor"})
    assert policy.can_see_registrants(user, session) is (
        role in {"space_admin", "editor", "trainer"}
    )


@pytest.mark.parametrize(
    ("change", "is_open"),
    [
        ({}, True),
        ({"status": SessionStatus.FULL}, True),  # the waiting list stays open
        ({"status": SessionStatus.PLANNED}, False),
        ({"status": SessionStatus.CANCELLED}, False),
        ({"status": SessionStatus.DONE}, False),
        ({"registration_deadline": timezone.now() - timedelta(minutes=1)}, False),
        ({"registration_deadline": timezone.now() + timedelta(days=1)}, True),
        ({"starts_at": timezone.now() - timedelta(minutes=1)}, False),
    ],
)
def test_when_registration_is_open(member, session, change, is_open):
    for name, value in change.items():
        setattr(session, name, value)
    assert policy.registration_is_open(session) is is_open
    assert policy.can_register(member, session) is is_open


def test_no_registration_to_a_draft_even_for_its_managers(editor, course, session):
    course.status = CourseStatus.DRAFT
    course.save()
    session.refresh_from_db()
    assert policy.can_see_course(editor, course)
    assert not policy.can_register(editor, session)


def _registration(session, user, **fields):
    return Registration.objects.create(
        session=session,
        user=user,
        full_name=user.full_name,
        email=user.email,
        status=fields.pop("status", RegistrationStatus.CONFIRMED),
        **fields,
    )


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("member", True),  # the person
        ("reader", False),  # another participant of the same space
        ("outsider", False),
        ("editor", True),  # the course's space editors
        ("trainer", True),  # the session's trainer
    ],
)
def test_who_sees_a_registration(people, session, role, sees):
    mine = _registration(session, people["member"])
    user = people[role]
    assert policy.can_see_registration(user, mine) is sees
    assert policy.can_cancel_registration(user, mine) is sees
    if sees:
        assert selectors.registration_for(user, mine.pk) == mine
    else:
        with pytest.raises(Http404):
            selectors.registration_for(user, mine.pk)


def test_cancelled_registration_cannot_be_cancelled_again(member, session):
    mine = _registration(session, member, status=RegistrationStatus.CANCELLED)
    assert policy.can_see_registration(member, mine)
    assert not policy.can_cancel_registration(member, mine)


@pytest.mark.parametrize(
    ("attendance", "certificate"),
    [(Attendance.PRESENT, True), (Attendance.ABSENT, False), (Attendance.UNKNOWN, False)],
)
def test_certificate_and_survey_need_presence(member, reader, session, attendance, certificate):
    mine = _registration(session, member, attendance=attendance)
    assert policy.can_get_certificate(member, mine) is certificate
    assert policy.can_get_certificate(reader, mine) is False
    assert policy.can_answer_survey(member, mine) is certificate
    assert policy.can_answer_survey(reader, mine) is False


def test_survey_only_once(member, session):
    mine = _registration(session, member, attendance=Attendance.PRESENT)
    SurveyAnswer.objects.create(
        registration=mine, overall=4, objectives_met=4, trainer_rating=4, would_recommend=True
    )
    mine = selectors.registration_for(member, mine.pk)
    assert not policy.can_answer_survey(member, mine)


def test_a_colleague_registered_by_a_manager_is_theirs_to_see(member, reader, session):
    made = Registration.objects.create(
        session=session,
        full_name="Jean Agent",
        email="jean@e.test",
        registered_by=member,
        status=RegistrationStatus.CONFIRMED,
    )
    assert policy.can_cancel_registration(member, made)
    assert not policy.can_see_registration(reader, made)
    assert list(selectors.registrations_of(member)) == [made]
    assert list(selectors.registrations_of(reader)) == []


@pytest.mark.parametrize(
    ("role", "opens"),
    [("member", True), ("reader", True), ("outsider", False), ("trainer", False)],
)
def test_space_documents_open_only_to_who_reads_the_space(people, space, course, role, opens):
    document = Document.objects.create(space=space, title="Guide")
    resource = CourseResource.objects.create(
        course=course, kind=ResourceKind.DOCUMENT, title="Guide", document=document
    )
    link = CourseResource.objects.create(
        course=course, kind=ResourceKind.LINK, title="Lien", url="https://e.test/"
    )
    assert policy.can_open_resource(people[role], resource) is opens
    assert policy.can_open_resource(people[role], link) is True
    document.deleted_at = timezone.now()
    document.save()
    resource.refresh_from_db()
    assert policy.can_open_resource(people[role], resource) is False


def test_online_link_for_confirmed_registrants_trainer_and_managers(
    member, reader, editor, trainer, session
):
    _registration(session, member)
    _registration(session, reader, status=RegistrationStatus.WAITING)
    assert policy.can_join_online(member, session)
    assert not policy.can_join_online(reader, session)
    assert policy.can_join_online(editor, session)
    assert policy.can_join_online(trainer, session)


def test_seat_counts_and_waiting_position(member, reader, editor, make_session):
    full = make_session(capacity=1)
    _registration(full, member)
    first = _registration(full, reader, status=RegistrationStatus.WAITING)
    second = _registration(full, editor, status=RegistrationStatus.WAITING)
    loaded = selectors.session_for(member, full.pk)
    assert (loaded.confirmed_count, loaded.waiting_count) == (1, 2)
    assert selectors.seats_left(loaded) == 0
    assert selectors.waiting_position(first) == 1
    assert selectors.waiting_position(second) == 2
    assert selectors.active_registrations_by_session(member, [full]) == {
        full.pk: Registration.objects.get(session=full, user=member)
    }


def test_catalogue_filters_ignore_what_they_do_not_know():
    filters = selectors.CatalogueFilters.from_query(
        {"theme": "x", "public": "health", "du": "pas une date", "au": "2026-12-31", "q": "  a  b "}
    )
    assert filters.theme == "" and filters.audience == "health"
    assert filters.date_from is None and filters.date_to.isoformat() == "2026-12-31"
    assert filters.text == "a b"
    assert selectors.CatalogueFilters.from_query({}).is_empty
