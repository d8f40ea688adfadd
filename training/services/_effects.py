"""What the training services do besides writing: audit, notifications, e-mails and calendar
refreshes. E-mails and calendars run after commit (tasks), so a rolled-back write sends
nothing and a failing SMTP server or CalDAV store never undoes a registration."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse

from extranet.audit import record_audit
from extranet.notifications import notify
from training.models import Course, Registration, Session


def session_path(session: Session) -> str:
    """The session page (``training:session``), relative to the site."""
    try:
        return reverse("training:session", kwargs={"pk": session.pk})
    except NoReverseMatch:
        # The participants' pages are optional for the services (shell, tasks, tests of the
        # services alone); this is the address the contract gives them.
        return f"/formations/sessions/{session.pk}/"


def audit(*, user: Any, action: str, course: Course, target: str = "", **details: Any) -> None:
    record_audit(
        action=action,
        actor=user,
        space=course.space,
        target=target or course.title,
        details={"course": course.pk, **details},
    )


def notify_registrants(
    registrations: Iterable[Registration], *, topic: str, session: Session, actor: Any = None
) -> None:
    """The in-app notification for the registrants who have an account."""
    users = [r.user for r in registrations if r.user_id is not None and r.user is not None]
    if users:
        notify(
            recipients=users,
            topic=topic,
            actor=actor,
            object_label=str(session),
            url=session_path(session),
        )


def email_later(kind: str, registrations: Iterable[Registration]) -> None:
    from training.emails import schedule

    schedule(kind, [r.pk for r in registrations])


def refresh_calendars(*, sessions: Iterable[Session] = (), users: Iterable[Any] = ()) -> None:
    """The published calendars (catalogue, trainers', registrants') after commit."""
    from training.calendars import schedule_refresh

    schedule_refresh(sessions=list(sessions), users=[u for u in users if u is not None])
