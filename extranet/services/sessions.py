"""Ending a user's other sessions (stolen laptop, shared computer)."""

from __future__ import annotations

import re
from typing import Any

from allauth.usersessions.models import UserSession
from django.utils.translation import gettext as _

from extranet.audit import record_audit
from extranet.models.audit import AuditAction

_BROWSERS = [
    ("Edge", r"Edg/"),
    ("Firefox", r"Firefox/"),
    ("Chromium", r"Chromium/"),
    ("Chrome", r"Chrome/"),
    ("Safari", r"Safari/"),
    ("Thunderbird", r"Thunderbird/"),
]
_SYSTEMS = [
    ("Android", r"Android"),
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux"),
]


def describe_user_agent(user_agent: str) -> str:
    """A short human label ("Firefox sur Linux") for a session's browser."""
    browser = next((name for name, rx in _BROWSERS if re.search(rx, user_agent or "")), None)
    system = next((name for name, rx in _SYSTEMS if re.search(rx, user_agent or "")), None)
    if browser and system:
        return _("%(browser)s sur %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Navigateur inconnu")


def end_session(*, request: Any, session_pk: int) -> bool:
    """End one of the requester's own sessions (not the current one). False if not theirs."""
    session = UserSession.objects.filter(user=request.user, pk=session_pk).first()
    if session is None or session.is_current():
        return False
    session.end()
    record_audit(
        action=AuditAction.SESSION_ENDED,
        actor=request.user,
        target=request.user.email,
        details={"sessions": 1, "ip": session.ip},
    )
    return True


def end_other_sessions(*, request: Any) -> int:
    ended = 0
    for session in UserSession.objects.purge_and_list(request.user):
        if not session.is_current():
            session.end()
            ended += 1
    if ended:
        record_audit(
            action=AuditAction.SESSION_ENDED,
            actor=request.user,
            target=request.user.email,
            details={"sessions": ended},
        )
    return ended
