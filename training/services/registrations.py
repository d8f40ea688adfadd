"""Registering for a session, on one's own or on behalf of one's organisation; cancelling;
the waiting list; reminders.

Seats are counted with the session row locked (``select_for_update``) for the rest of the
transaction: two people asking for the last seat at the same instant are served one after
the other, so one gets the seat and the other the waiting list. ``Session.status`` follows the
count (OPEN while a seat is left, FULL after).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from directory.models import Organisation, Person
from extranet.audit import record_audit
from training import notifications as topics
from training import policy
from training.emails import EmailKind
from training.models import (
    ACTIVE_REGISTRATION,
    REGISTRABLE,
    Registration,
    RegistrationStatus,
    Session,
    SessionStatus,
)
from training.services import _effects
from training.services.errors import (
    AlreadyRegistered,
    InvalidRegistrant,
    RegistrationClosed,
    RegistrationNotActive,
)

DEFAULT_REMINDER_HOURS = 48


def lock_session(session: Session) -> Session:
    """The session, re-read with its row locked until the transaction ends."""
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("course__space")
        .get(pk=session.pk)
    )


def confirmed_count(session: Session) -> int:
    return session.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def sync_status(session: Session) -> None:
    """OPEN while a seat is left, FULL when none (other states are left alone)."""
    if session.status not in REGISTRABLE:
        return
    wanted = (
        SessionStatus.FULL if confirmed_count(session) >= session.capacity else SessionStatus.OPEN
    )
    if session.status != wanted:
        # Not ``updated_at``: it dates the session's calendar events (DTSTAMP), and seats are
        # not in them; a session filling up changes nobody's calendar.
        session.status = wanted
        Session.objects.filter(pk=session.pk).update(status=wanted)


def promote_waiting(session: Session, *, now: datetime | None = None) -> list[Registration]:
    """Give the free seats of a locked session to the waiting list, first come first served;
    each promoted person is notified and e-mailed the invitation. Nobody is promoted once
    the session has started, or when it no longer takes registrations."""
    now = now or timezone.now()
    if session.status not in REGISTRABLE or (session.starts_at and now >= session.starts_at):
        return []
    free = session.capacity - confirmed_count(session)
    if free <= 0:
        return []
    promoted = list(
        session.registrations.filter(status=RegistrationStatus.WAITING)
        .select_related("user")
        .order_by("created_at", "pk")[:free]
    )
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _effects.audit(
            user=None,
            action="training.promoted",
            course=session.course,
            target=registration.email,
            session=session.pk,
            registration=registration.pk,
        )
    if promoted:
        _effects.notify_registrants(promoted, topic=topics.PROMOTED, session=session)
        _effects.email_later(EmailKind.PROMOTED, promoted)
    return promoted


def _create(
    session: Session,
    *,
    actor: Any,
    email: str,
    full_name: str,
    account: Any,
    organisation: Organisation | None = None,
    person: Person | None = None,
) -> Registration:
    if not policy.registration_is_open(session):
        raise RegistrationClosed
    active = session.registrations.filter(status__in=ACTIVE_REGISTRATION)
    same = Q(email=email) | Q(user=account) if account is not None else Q(email=email)
    if active.filter(same).exists():
        raise AlreadyRegistered
    seat_left = confirmed_count(session) < session.capacity
    try:
        # The unique constraint is the last word (an address registered by two managers).
        with transaction.atomic():
            registration = Registration.objects.create(
                session=session,
                user=account,
                person=person,
                organisation=organisation,
                full_name=full_name,
                email=email,
                registered_by=actor,
                status=RegistrationStatus.CONFIRMED if seat_left else RegistrationStatus.WAITING,
            )
    except IntegrityError as error:
        raise AlreadyRegistered from error
    sync_status(session)
    _effects.audit(
        user=actor,
        action="training.registered",
        course=session.course,
        target=email,
        session=session.pk,
        registration=registration.pk,
        status=registration.status,
        on_behalf=account is None or account.pk != actor.pk,
    )
    if account is not None and account.pk != actor.pk:
        topic = topics.REGISTERED if seat_left else topics.WAITLISTED
        _effects.notify_registrants([registration], topic=topic, session=session, actor=actor)
    _effects.email_later(EmailKind.REGISTERED, [registration])
    # Only the person's own "Mes formations" changes: no calendar shows seats or registrants
    # (rebuilding every registrant's calendar here cost seconds per registration).
    if registration.status == RegistrationStatus.CONFIRMED:
        _effects.refresh_calendars(users=[account])
    return registration


@transaction.atomic
def register(*, user: Any, session: Session) -> Registration:
    """Register ``user`` themself: a seat if one is left, else the waiting list."""
    if not policy.can_see_course(user, session.course):
        raise PermissionDenied
    session = lock_session(session)
    return _create(
        session,
        actor=user,
        email=user.email.strip().lower(),
        full_name=user.get_full_name(),
        account=user,
    )


@transaction.atomic
def register_other(
    *,
    user: Any,
    session: Session,
    organisation: Organisation,
    full_name: str,
    email: str,
    person: Person | None = None,
) -> Registration:
    """A manager of ``organisation``'s directory card registers one of its people. The
    registration is linked to the account that has this e-mail, if any."""
    from extranet.services.accounts import find_user_by_email

    if not policy.can_see_course(user, session.course):
        raise PermissionDenied
    if not policy.organisations_managed_by(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    if person is not None and not person.functions.filter(organisation=organisation).exists():
        raise PermissionDenied
    email = email.strip().lower()
    full_name = " ".join(full_name.split())[:160]
    try:
        validate_email(email)
    except ValidationError as error:
        raise InvalidRegistrant from error
    if not full_name:
        raise InvalidRegistrant
    session = lock_session(session)
    return _create(
        session,
        actor=user,
        email=email,
        full_name=full_name,
        account=find_user_by_email(email),
        organisation=organisation,
        person=person,
    )


@transaction.atomic
def cancel_registration(*, user: Any, registration: Registration) -> Registration:
    """Cancel a registration (the person, who registered them, or the session's managers);
    a freed seat goes to the first person on the waiting list."""
    if not policy.can_see_registration(user, registration):
        raise PermissionDenied
    session = lock_session(registration.session)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.session = session
    if not registration.is_active:
        raise RegistrationNotActive
    if not policy.can_cancel_registration(user, registration):
        raise PermissionDenied
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    _effects.audit(
        user=user,
        action="training.registration_cancelled",
        course=session.course,
        target=registration.email,
        session=session.pk,
        registration=registration.pk,
        was_confirmed=was_confirmed,
    )
    promoted = promote_waiting(session) if was_confirmed else []
    sync_status(session)
    _effects.email_later(
        EmailKind.CANCELLED if was_confirmed else EmailKind.LEFT_WAITING_LIST, [registration]
    )
    if was_confirmed:
        _effects.refresh_calendars(users=[registration.user, *(r.user for r in promoted)])
    return registration


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind the confirmed registrants of the sessions starting within
    ``TRAINING_REMINDER_HOURS`` (default 48), each once. Returns how many were reminded."""
    now = now or timezone.now()
    hours = getattr(settings, "TRAINING_REMINDER_HOURS", DEFAULT_REMINDER_HOURS)
    due = Registration.objects.filter(
        status=RegistrationStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__status__in=REGISTRABLE,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=hours),
    ).select_related("user", "session__course__space")
    sent = 0
    for registration in due:
        with transaction.atomic():
            # The conditional update claims the reminder: two runs never send it twice.
            claimed = Registration.objects.filter(
                pk=registration.pk, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            _effects.notify_registrants(
                [registration], topic=topics.REMINDER, session=registration.session
            )
            _effects.email_later(EmailKind.REMINDER, [registration])
        sent += 1
    if sent:
        record_audit(action="training.reminders_sent", details={"count": sent})
    return sent
