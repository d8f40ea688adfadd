"""Attendance marking by the session's trainer or the course's managers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from training import policy
from training.models import Attendance, RegistrationStatus, Session, SessionStatus
from training.services import _effects
from training.services.errors import (
    InvalidAttendance,
    NotConfirmed,
    SessionNotEditable,
    SessionNotStarted,
)


@transaction.atomic
def mark_attendance(*, user: Any, session: Session, marks: Mapping[int, str]) -> int:
    """Record present/absent (or back to unknown) for confirmed registrations of a session
    that has started. ``marks`` maps registration ids to ``Attendance`` values. Returns how
    many registrations changed."""
    if not policy.can_mark_attendance(user, session):
        raise PermissionDenied
    if session.status == SessionStatus.CANCELLED:
        raise SessionNotEditable
    now = timezone.now()
    if session.starts_at is None or now < session.starts_at:
        raise SessionNotStarted
    if any(value not in Attendance.values for value in marks.values()):
        raise InvalidAttendance
    registrations = {
        r.pk: r for r in session.registrations.select_for_update().filter(pk__in=list(marks))
    }
    if set(registrations) != set(marks):
        raise InvalidAttendance
    if any(r.status != RegistrationStatus.CONFIRMED for r in registrations.values()):
        raise NotConfirmed
    changed = []
    for pk, value in marks.items():
        registration = registrations[pk]
        if registration.attendance == value:
            continue
        registration.attendance = value
        registration.attendance_marked_at = now
        registration.attendance_marked_by = user
        registration.save(
            update_fields=["attendance", "attendance_marked_at", "attendance_marked_by"]
        )
        changed.append(registration)
    if changed:
        _effects.audit(
            user=user,
            action="training.attendance_marked",
            course=session.course,
            target=str(session),
            session=session.pk,
            marks={str(r.pk): r.attendance for r in changed},
        )
    return len(changed)
