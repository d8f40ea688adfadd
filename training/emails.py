"""The e-mails of a registration, in French, plain text and HTML, with the iCalendar
invitation attached (METHOD:REQUEST to add or update the event in the person's calendar,
METHOD:CANCEL to remove it).

They go to the registration's e-mail address (with or without an account). Services call
:func:`schedule` inside their transaction; one task per message runs after commit, so a
failing SMTP server never breaks the registration and one bad address never blocks the others.
"""

from __future__ import annotations

from email.mime.text import MIMEText
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from training.models import Registration, RegistrationStatus, SessionStatus


class EmailKind(StrEnum):
    REGISTERED = "registered"  # confirmed, or on the waiting list
    PROMOTED = "promoted"  # a seat was freed: now confirmed
    CHANGED = "changed"  # dates or place of the session changed
    CANCELLED = "cancelled"  # a confirmed registration was cancelled
    LEFT_WAITING_LIST = "left_waiting_list"  # a place in line was given up
    SESSION_CANCELLED = "session_cancelled"
    REMINDER = "reminder"


# Kinds that share a template (it tells them apart with ``is_waiting``).
TEMPLATES = {EmailKind.LEFT_WAITING_LIST: "cancelled"}


def schedule(kind: str, registration_ids: list[int]) -> None:
    """Send ``kind`` to these registrations once the current transaction commits."""
    kind = EmailKind(kind)
    for registration_id in registration_ids:

        def enqueue(registration_id: int = registration_id) -> None:
            from training.tasks import send_registration_email

            send_registration_email.enqueue(kind=str(kind), registration_id=registration_id)

        # robust: a broken task queue must not fail the request that already committed.
        transaction.on_commit(enqueue, robust=True)


def _method(kind: EmailKind, registration: Registration) -> str | None:
    """The iCalendar method of the attachment, or None when there is nothing to put in a
    calendar (a place on the waiting list is not a seat)."""
    if kind == EmailKind.CANCELLED:
        return "CANCEL"
    if kind == EmailKind.LEFT_WAITING_LIST:
        return None
    if registration.status == RegistrationStatus.CONFIRMED:
        return "CANCEL" if kind == EmailKind.SESSION_CANCELLED else "REQUEST"
    return None


def _subject(kind: EmailKind, registration: Registration) -> str:
    session = registration.session
    values = {
        "title": session.course.title,
        "date": timezone.localtime(session.starts_at).strftime("%d/%m/%Y")
        if session.starts_at
        else "",
    }
    if kind == EmailKind.REGISTERED and registration.status == RegistrationStatus.WAITING:
        text = _("Liste d'attente : %(title)s (%(date)s)")
    else:
        text = {
            EmailKind.REGISTERED: _("Inscription confirmée : %(title)s (%(date)s)"),
            EmailKind.PROMOTED: _("Une place s'est libérée : %(title)s (%(date)s)"),
            EmailKind.CHANGED: _("Session modifiée : %(title)s (%(date)s)"),
            EmailKind.CANCELLED: _("Inscription annulée : %(title)s (%(date)s)"),
            EmailKind.LEFT_WAITING_LIST: _("Inscription annulée : %(title)s (%(date)s)"),
            EmailKind.SESSION_CANCELLED: _("Session annulée : %(title)s (%(date)s)"),
            EmailKind.REMINDER: _("Rappel : %(title)s le %(date)s"),
        }[kind]
    return "[Maillage] " + text % values


def build_message(kind: str, registration: Registration) -> EmailMultiAlternatives:
    """The message for ``registration`` (not sent)."""
    from training.ical import invitation
    from training.services._effects import session_path

    kind = EmailKind(kind)
    session = registration.session
    context: dict[str, Any] = {
        "kind": kind.value,
        "registration": registration,
        "session": session,
        "course": session.course,
        "parts": list(session.parts.all()),
        "is_waiting": registration.status == RegistrationStatus.WAITING
        or kind == EmailKind.LEFT_WAITING_LIST,
        "is_cancelled_session": session.status == SessionStatus.CANCELLED,
        # The virtual classroom is for confirmed registrants only (policy.can_join_online).
        "online_url": session.online_url
        if registration.status == RegistrationStatus.CONFIRMED and not session.is_cancelled
        else "",
        "url": settings.SITE_URL + session_path(session),
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(kind, registration)
        template = TEMPLATES.get(kind, kind.value)
        text = render_to_string(f"training/email/{template}.txt", context)
        html = render_to_string(f"training/email/{template}.html", context)
    message = EmailMultiAlternatives(subject[:200], text, None, [registration.email])
    message.attach_alternative(html, "text/html")
    method = _method(kind, registration)
    if method is not None:
        ics = invitation(session, registration, method=method)
        part = MIMEText(ics.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
        message.attach(part)
    return message


def send_registration_email(kind: str, registration_id: int) -> bool:
    """Build and send one message; False when the registration no longer exists."""
    registration = (
        Registration.objects.select_related(
            "session__course__space", "session__trainer", "session__place"
        )
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return False
    build_message(kind, registration).send()
    return True
