"""Training fixtures: a published course of ``space`` (editors manage it), a trainer and
sessions made directly in the database (services are tested on their own; these fixtures only
set the scene)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_user
from training.models import (
    Course,
    CourseStatus,
    Reach,
    Session,
    SessionPart,
    SessionStatus,
    Theme,
)


@pytest.fixture
def trainer(db):
    """A trainer without any membership: being a session's trainer is what grants them access."""
    return make_user("formatrice@numerique.test", "Nadia Formatrice")


@pytest.fixture
def course(space, trainer) -> Course:
    course = Course.objects.create(
        space=space,
        slug="demarches-en-ligne",
        title="Réussir ses démarches en ligne",
        summary="Créer son compte, déposer une demande, suivre son dossier.",
        theme=Theme.ONLINE_SERVICES,
        duration_hours=Decimal("3"),
        objectives="Créer un compte France Connect\nDéposer une demande en ligne",
        reach=Reach.TERRITORY,
        status=CourseStatus.PUBLISHED,
    )
    course.trainers.add(trainer)
    return course


@pytest.fixture
def make_session(course, trainer) -> Callable[..., Session]:
    """``make_session(days=7, capacity=2, parts=1, status=OPEN, **fields)``: a session starting
    ``days`` from now at 9:30 (local time), each part 3 hours, one day apart."""

    def make(
        *,
        days: int = 7,
        capacity: int = 2,
        parts: int = 1,
        status: str = SessionStatus.OPEN,
        of: Course | None = None,
        **fields: Any,
    ) -> Session:
        start = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0)
        start += timedelta(days=days)
        session = Session.objects.create(
            course=of or course,
            trainer=fields.pop("trainer", trainer),
            capacity=capacity,
            status=status,
            place_name=fields.pop("place_name", "Espace numérique de Mauriac"),
            commune=fields.pop("commune", "Mauriac"),
            **fields,
        )
        for n in range(parts):
            SessionPart.objects.create(
                session=session,
                starts_at=start + timedelta(days=n),
                ends_at=start + timedelta(days=n, hours=3),
            )
        session.starts_at = start
        session.ends_at = start + timedelta(days=parts - 1, hours=3)
        session.save(update_fields=["starts_at", "ends_at"])
        return session

    return make


@pytest.fixture
def session(make_session) -> Session:
    return make_session()
