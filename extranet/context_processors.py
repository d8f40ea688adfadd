from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from extranet.access import user_has_mfa

MFA_RETURN_KEY = "maillage_mfa_return_to"


def maillage(request: HttpRequest) -> dict[str, Any]:
    """Unread notification count, and the way back to the space that asked for MFA."""
    from extranet.notifications import unread_count

    context: dict[str, Any] = {}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = unread_count(user)
    context.update(_mfa_return(request))
    return context


def _mfa_return(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    if session is None or MFA_RETURN_KEY not in session:
        return {}
    if not user_has_mfa(request.user):
        return {}
    target = session.get(MFA_RETURN_KEY)
    if request.path == target.split("?")[0]:
        session.pop(MFA_RETURN_KEY, None)
        return {}
    return {"mfa_return_to": target}
