from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from extranet.audit import reset_client_ip, set_client_ip
from extranet.exceptions import MFASetupRequired

# Self-hosted assets only; allauth's WebAuthn pages load their scripts from our static files.
# style-src-attr allows style="" attributes (calendar colours) but no <style> blocks or scripts.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Sets the CSP (Django 5.2 has none built in) and remembers the client address for audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_client_ip(request.META.get("REMOTE_ADDR"))
        try:
            response = self.get_response(request)
        finally:
            reset_client_ip(token)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class SessionActivityMiddleware:
    """Keeps "last activity" of the sessions page fresh without a write on every request."""

    SESSION_KEY = "maillage_seen_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated or not session.session_key:
            return response
        now = time.time()
        if now - session.get(self.SESSION_KEY, 0) >= settings.SESSION_ACTIVITY_INTERVAL:
            from allauth.usersessions.models import UserSession

            changes: dict[str, object] = {"last_seen_at": timezone.now()}
            if request.META.get("REMOTE_ADDR"):
                changes["ip"] = request.META["REMOTE_ADDR"]
            UserSession.objects.filter(session_key=session.session_key, user=user).update(**changes)
            session[self.SESSION_KEY] = now
        return response


class MFARequiredMiddleware:
    """Sends a member of an MFA-only space who has no second factor to the set-up page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, MFASetupRequired):
            return None
        messages.warning(
            request,
            _(
                "L'espace « %(space)s » exige la double authentification. Configurez une "
                "application d'authentification (TOTP) pour y accéder."
            )
            % {"space": exception.space},
        )
        from extranet.context_processors import MFA_RETURN_KEY

        request.session[MFA_RETURN_KEY] = request.get_full_path()
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{query}")
