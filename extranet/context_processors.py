from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from extranet.access import user_has_mfa

MFA_RETURN_KEY = "maillage_mfa_return_to"


def maillage(request: HttpRequest) -> dict[str, Any]:
    """Offers the way back to the space that asked for MFA, once MFA is on."""
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
