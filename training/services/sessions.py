"""Writing the dated sessions of a course (the course's space editors, ``training.manage``).

A change of dates or place bumps the session's iCalendar ``SEQUENCE`` and sends the
registrants an updated invitation; a cancellation sends them ``METHOD:CANCEL``. The published
calendars (catalogue, trainers', registrants') are refreshed after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from directory.models import Organisation
from training import notifications as topics
from training import policy
from training.emails import EmailKind
from training.models import (
    ACTIVE_REGISTRATION,
    Course,
    Registration,
    RegistrationStatus,
    Session,
    SessionPart,
    SessionStatus,
)
from training.services import _effects
from training.services.errors import (
    CapacityBelowConfirmed,
    InvalidCapacity,
    InvalidParts,
    InvalidStatus,
    SessionNotEditable,
    SessionNotStarted,
)
from training.services.registrations import (
    confirmed_count,
    lock_session,
    promote_waiting,
    sync_status,
)

MAX_CAPACITY = 500
FINISHED = (SessionStatus.CANCELLED, SessionStatus.DONE)


@dataclass(frozen=True)
class PartInput:
    starts_at: datetime
    ends_at: datetime


def _clean_parts(parts: Sequence[PartInput]) -> list[PartInput]:
    if not parts or any(p.ends_at <= p.starts_at for p in parts):
        raise InvalidParts
    ordered = sorted(parts, key=lambda p: p.starts_at)
    if any(a.ends_at > b.starts_at for a, b in zip(ordered, ordered[1:], strict=False)):
        raise InvalidParts
    return ordered


def _check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidCapacity


def _place_fields(
    place: Organisation | None, place_name: str, address: str, commune: str
) -> tuple[str, str, str]:
    """The free-text place, completed from the directory card where left empty."""
    place_name, address, commune = place_name.strip(), address.strip(), commune.strip()
    if place is not None:
        place_name = place_name or place.name
        card_address = ", ".join(
            line.strip() for line in place.address.splitlines() if line.strip()
        )
        if place.postal_code and card_address:
            card_address += f", {place.postal_code}"
        address = address or card_address
        commune = commune or place.commune
    return place_name[:160], address[:250], commune[:120]


def _write_parts(session: Session, parts: list[PartInput]) -> None:
    session.parts.all().delete()
    SessionPart.objects.bulk_create(
        SessionPart(session=session, starts_at=p.starts_at, ends_at=p.ends_at) for p in parts
    )
    session.starts_at = parts[0].starts_at
    session.ends_at = max(p.ends_at for p in parts)


def _active(session: Session) -> list[Registration]:
    return list(session.registrations.filter(status__in=ACTIVE_REGISTRATION).select_related("user"))


@transaction.atomic
def create_session(
    *,
    user: Any,
    course: Course,
    parts: Sequence[PartInput],
    capacity: int,
    trainer: Any = None,
    place: Organisation | None = None,
    place_name: str = "",
    address: str = "",
    commune: str = "",
    online_url: str = "",
    registration_deadline: datetime | None = None,
    notes: str = "",
    status: str = SessionStatus.OPEN,
) -> Session:
    """A dated session of ``course`` (registrations open at once unless ``status`` is
    ``planned``)."""
    if not policy.can_manage_course(user, course):
        raise PermissionDenied
    if status not in (SessionStatus.PLANNED, SessionStatus.OPEN):
        raise InvalidStatus
    cleaned = _clean_parts(parts)
    _check_capacity(capacity)
    place_name, address, commune = _place_fields(place, place_name, address, commune)
    session = Session.objects.create(
        course=course,
        trainer=trainer,
        place=place,
        place_name=place_name,
        address=address,
        commune=commune,
        online_url=online_url.strip(),
        capacity=capacity,
        status=status,
        registration_deadline=registration_deadline,
        notes=notes.strip(),
        created_by=user,
    )
    _write_parts(session, cleaned)
    session.save(update_fields=["starts_at", "ends_at"])
    _effects.audit(
        user=user,
        action="training.session_created",
        course=course,
        target=str(session),
        session=session.pk,
    )
    _effects.refresh_calendars(sessions=[session])
    return session


@transaction.atomic
def update_session(
    *,
    user: Any,
    session: Session,
    parts: Sequence[PartInput],
    capacity: int,
    trainer: Any,
    place: Organisation | None,
    place_name: str,
    address: str,
    commune: str,
    online_url: str,
    registration_deadline: datetime | None,
    notes: str,
) -> Session:
    """Change a session. New dates or a new place reach the registrants as an updated
    invitation; more seats go to the waiting list."""
    if not policy.can_manage_course(user, session.course):
        raise PermissionDenied
    session = lock_session(session)
    if session.status in FINISHED:
        raise SessionNotEditable
    cleaned = _clean_parts(parts)
    _check_capacity(capacity)
    if capacity < confirmed_count(session):
        raise CapacityBelowConfirmed
    place_name, address, commune = _place_fields(place, place_name, address, commune)
    online_url = online_url.strip()
    before_parts = [(p.starts_at, p.ends_at) for p in session.parts.all()]
    dates_changed = before_parts != [(p.starts_at, p.ends_at) for p in cleaned]
    place_changed = (
        session.place_id,
        session.place_name,
        session.address,
        session.commune,
        session.online_url,
    ) != (place.pk if place else None, place_name, address, commune, online_url)
    previous_trainer = session.trainer
    changed = [
        name
        for name, old, new in (
            ("capacity", session.capacity, capacity),
            ("trainer", session.trainer_id, trainer.pk if trainer else None),
            ("registration_deadline", session.registration_deadline, registration_deadline),
            ("notes", session.notes, notes.strip()),
        )
        if old != new
    ]
    changed += ["dates"] * dates_changed + ["place"] * place_changed
    session.capacity = capacity
    session.trainer = trainer
    session.place = place
    session.place_name, session.address, session.commune = place_name, address, commune
    session.online_url = online_url
    session.registration_deadline = registration_deadline
    session.notes = notes.strip()
    if dates_changed:
        _write_parts(session, cleaned)
    if dates_changed or place_changed:
        session.sequence += 1
    session.save()
    promoted = promote_waiting(session)
    sync_status(session)
    if changed:
        _effects.audit(
            user=user,
            action="training.session_updated",
            course=session.course,
            target=str(session),
            session=session.pk,
            fields=changed,
            promoted=[r.pk for r in promoted],
        )
    users: list[Any] = [r.user for r in promoted]
    if previous_trainer is not None and previous_trainer != trainer:
        users.append(previous_trainer)
    if dates_changed or place_changed:
        # The people just promoted got the new dates in their promotion e-mail.
        told = [r for r in _active(session) if r not in promoted]
        _effects.notify_registrants(told, topic=topics.SESSION_CHANGED, session=session, actor=user)
        _effects.email_later(EmailKind.CHANGED, told)
        users += [r.user for r in told if r.status == RegistrationStatus.CONFIRMED]
    if changed:
        _effects.refresh_calendars(sessions=[session], users=users)
    return session


@transaction.atomic
def cancel_session(*, user: Any, session: Session, reason: str) -> Session:
    """Cancel a session: its registrants are told and the event leaves their calendars.
    Their registrations are kept as they were (who was expected), under a cancelled
    session."""
    if not policy.can_manage_course(user, session.course):
        raise PermissionDenied
    session = lock_session(session)
    if session.status in FINISHED:
        raise SessionNotEditable
    session.status = SessionStatus.CANCELLED
    session.cancelled_reason = " ".join(reason.split())[:300]
    session.sequence += 1
    session.save()
    registrations = _active(session)
    _effects.audit(
        user=user,
        action="training.session_cancelled",
        course=session.course,
        target=str(session),
        session=session.pk,
        reason=session.cancelled_reason,
        registrations=len(registrations),
    )
    _effects.notify_registrants(
        registrations, topic=topics.SESSION_CANCELLED, session=session, actor=user
    )
    _effects.email_later(EmailKind.SESSION_CANCELLED, registrations)
    _effects.refresh_calendars(
        sessions=[session],
        users=[r.user for r in registrations if r.status == RegistrationStatus.CONFIRMED],
    )
    return session


@transaction.atomic
def mark_session_done(*, user: Any, session: Session) -> Session:
    """Close a session that has taken place (registrations end; attendance stays open)."""
    if not policy.can_manage_course(user, session.course):
        raise PermissionDenied
    session = lock_session(session)
    if session.status in FINISHED:
        raise SessionNotEditable
    if session.starts_at is None or timezone.now() < session.starts_at:
        raise SessionNotStarted
    session.status = SessionStatus.DONE
    session.save(update_fields=["status", "updated_at"])
    _effects.audit(
        user=user,
        action="training.session_done",
        course=session.course,
        target=str(session),
        session=session.pk,
    )
    _effects.refresh_calendars(sessions=[session])
    return session


@transaction.atomic
def open_registrations(*, user: Any, session: Session) -> Session:
    """Open a planned session to registrations (sessions are created open unless a manager
    first announces them as planned)."""
    if not policy.can_manage_course(user, session.course):
        raise PermissionDenied
    session = lock_session(session)
    if session.status != SessionStatus.PLANNED:
        raise InvalidStatus
    session.status = SessionStatus.OPEN
    session.save(update_fields=["status", "updated_at"])
    sync_status(session)
    _effects.audit(
        user=user,
        action="training.session_opened",
        course=session.course,
        target=str(session),
        session=session.pk,
    )
    _effects.refresh_calendars(sessions=[session])
    return session
