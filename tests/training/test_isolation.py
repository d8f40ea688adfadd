"""Registrants' personal data is seen only by the session's trainer, the course's space
editors and the person (issue 8, item 8).

A property-style test: for a few seeds, build spaces, courses, sessions and registrants whose
names and e-mails carry unique markers, then ask every page that shows registrants (and the
participants' pages) as every kind of viewer. A marker may appear only where the viewer is
allowed to read that registration; where the viewer is allowed, the page must show it (so the
test cannot pass on empty pages).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from extranet.roles import Role
from extranet.services.memberships import add_member
from tests.conftest import make_user
from training.models import (
    Attendance,
    Course,
    CourseStatus,
    Reach,
    Registration,
    RegistrationStatus,
    Session,
    SessionPart,
    SurveyAnswer,
    Theme,
)

pytestmark = pytest.mark.django_db

MARKER = re.compile(r"zq\d+x\d{3}q")
TRAINER_ROUTES = ("registrants", "export", "attendance", "survey_results")


@dataclass
class World:
    sessions: list[Session] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    markers: dict[int, str] = field(default_factory=dict)  # registration id → marker
    comment_markers: dict[int, str] = field(default_factory=dict)  # registration id → marker
    managers: dict[int, set[int]] = field(default_factory=dict)  # session id → user ids
    viewers: dict[str, Any] = field(default_factory=dict)


def _course(space, n: int, reach: str) -> Course:
    return Course.objects.create(
        space=space,
        slug=f"cours-{n}",
        title=f"Cours numéro {n}",
        summary="Un cours.",
        theme=Theme.BASICS,
        duration_hours=Decimal("2"),
        objectives="Apprendre",
        reach=reach,
        status=CourseStatus.PUBLISHED,
    )


def _session(course: Course, trainer: Any, days: int) -> Session:
    start = timezone.now() + timedelta(days=days)
    session = Session.objects.create(
        course=course,
        trainer=trainer,
        capacity=3,
        place_name="Salle polyvalente",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )
    SessionPart.objects.create(session=session, starts_at=start, ends_at=session.ends_at)
    return session


def _build(seed: int, space, other_space, managers: dict[int, set[int]]) -> World:
    rng = random.Random(seed)
    world = World()
    trainers = [make_user(f"formateur{i}@numerique.test", f"Formateur {i}") for i in range(3)]
    # Manages (registers people of) an organisation: sees what they registered, nothing more.
    org_manager = make_user("gestionnaire@structure.test", "Gaëlle Gestionnaire")
    courses = [
        _course(space, 1, Reach.TERRITORY),
        _course(space, 2, Reach.SPACE),
        _course(other_space, 3, Reach.TERRITORY),
    ]
    n = 0
    for course in courses:
        for _ in range(rng.randint(1, 2)):
            trainer = rng.choice(trainers)
            course.trainers.add(trainer)
            session = _session(course, trainer, rng.choice([-3, -1, 4, 9]))
            world.sessions.append(session)
            world.managers[session.pk] = managers[course.space_id]
            for _ in range(rng.randint(2, 4)):
                n += 1
                marker = f"zq{seed}x{n:03d}q"
                status = rng.choice(
                    [RegistrationStatus.CONFIRMED] * 3
                    + [RegistrationStatus.WAITING, RegistrationStatus.CANCELLED]
                )
                with_account = rng.random() < 0.6
                user = (
                    make_user(f"{marker}@exemple.test", f"Inscrit {marker}")
                    if with_account
                    else None
                )
                registration = Registration.objects.create(
                    session=session,
                    user=user,
                    full_name=f"Inscrit {marker}",
                    email=f"{marker}@exemple.test",
                    status=status,
                    registered_by=user if user and rng.random() < 0.7 else org_manager,
                    attendance=Attendance.PRESENT
                    if status == RegistrationStatus.CONFIRMED and session.ends_at < timezone.now()
                    else Attendance.UNKNOWN,
                )
                world.registrations.append(registration)
                world.markers[registration.pk] = marker
                if registration.attendance == Attendance.PRESENT:
                    comment_marker = f"zq{seed}x{n + 500:03d}q"
                    SurveyAnswer.objects.create(
                        registration=registration,
                        overall=rng.randint(1, 5),
                        objectives_met=rng.randint(1, 5),
                        trainer_rating=rng.randint(1, 5),
                        would_recommend=rng.random() < 0.5,
                        comment=f"Avis {comment_marker}",
                    )
                    world.comment_markers[registration.pk] = comment_marker
    participants = [r.user for r in world.registrations if r.user is not None]
    world.viewers = {
        "participant": participants[0],
        "other_participant": participants[-1],
        "org_manager": org_manager,
        "trainer_a": trainers[0],
        "trainer_b": trainers[1],
        "trainer_c": trainers[2],
    }
    return world


def _allowed(world: World, viewer: Any) -> set[str]:
    """Markers ``viewer`` may read anywhere: their own registrations, those they made, and
    every registration (and survey comment) of the sessions they train or manage."""
    allowed = set()
    for registration in world.registrations:
        session = registration.session
        sees_session = session.trainer_id == viewer.pk or viewer.pk in world.managers[session.pk]
        is_person = viewer.pk in (registration.user_id, registration.registered_by_id)
        if sees_session or is_person:
            allowed.add(world.markers[registration.pk])
        if sees_session and registration.pk in world.comment_markers:
            allowed.add(world.comment_markers[registration.pk])
    return allowed


def _expected_on(world: World, session: Session, route: str) -> set[str]:
    """Markers the trainer/manager page must show (for whom it is open)."""
    registrations = [r for r in world.registrations if r.session_id == session.pk]
    if route in ("registrants", "export"):
        return {world.markers[r.pk] for r in registrations}
    if route == "attendance":
        return {
            world.markers[r.pk] for r in registrations if r.status == RegistrationStatus.CONFIRMED
        }
    return {world.comment_markers[r.pk] for r in registrations if r.pk in world.comment_markers}


def _body(response) -> str:
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_registrants_data_is_seen_only_by_trainer_managers_and_the_person(
    client, seed, space, other_space, space_admin, editor, member, reader, outsider, staff
):
    add_member(space=other_space, user=member, role=Role.READER)  # a reader elsewhere too
    # The course's space editors (and admins); ``member`` only reads the other space.
    managers = {space.pk: {editor.pk, space_admin.pk}, other_space.pk: {outsider.pk}}
    world = _build(seed, space, other_space, managers)
    viewers = {
        **world.viewers,
        "space_admin": space_admin,
        "editor": editor,
        "member": member,
        "reader": reader,
        "outsider": outsider,
        "staff": staff,
    }
    checked = 0
    for role, viewer in viewers.items():
        client.force_login(viewer)
        allowed = _allowed(world, viewer)
        for session in world.sessions:
            may_see = session.trainer_id == viewer.pk or viewer.pk in world.managers[session.pk]
            for route in TRAINER_ROUTES:
                url = reverse(f"training_trainer:{route}", kwargs={"pk": session.pk})
                response = client.get(url)
                where = f"{role} on {route} of session {session.pk}"
                assert response.status_code == (200 if may_see else 404), where
                shown = set(MARKER.findall(_body(response)))
                assert shown <= allowed, f"{where} leaks {sorted(shown - allowed)}"
                if may_see:
                    missing = _expected_on(world, session, route) - shown
                    assert not missing, f"{where} misses {sorted(missing)}"
                    checked += 1
            # The participants' session page never lists registrants.
            response = client.get(reverse("training:session", kwargs={"pk": session.pk}))
            shown = set(MARKER.findall(_body(response)))
            assert shown <= allowed, f"{role} on the session page leaks {sorted(shown - allowed)}"
        response = client.get(reverse("training:my_registrations"))
        assert response.status_code == 200
        shown = set(MARKER.findall(_body(response)))
        assert shown <= allowed, f"{role} on my registrations leaks {sorted(shown - allowed)}"
    assert checked >= len(world.sessions) * len(TRAINER_ROUTES) * 2  # trainer + a manager each
