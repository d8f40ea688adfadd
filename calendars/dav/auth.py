"""Radicale auth plugin: app passwords (DAV clients) and short-lived web tokens (the agenda).

The account password is never accepted here: with MFA on it would bypass the second factor, and
without MFA it would put the main secret into every phone's settings.
"""

from __future__ import annotations

from typing import Any

from radicale import auth

from calendars.dav.bootstrap import ensure_django

ensure_django()

from django.core.cache import cache  # noqa: E402
from django.db import close_old_connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from calendars import webtoken  # noqa: E402
from calendars.dav import request_cache  # noqa: E402
from calendars.models import AppPassword, active_app_password  # noqa: E402
from extranet.audit import record_audit, reset_client_ip, set_client_ip  # noqa: E402

MAX_FAILURES = 10
FAILURE_WINDOW_S = 300
LAST_USED_PRECISION_S = 60
ACCOUNT_KEY = "account"  # request_cache key (with the principal) of the authenticated account


def _failure_key(login: str, address: str) -> str:
    return f"dav-auth-fail:{login.lower()}:{address}"


def check_credentials(login: str, password: str, *, address: str = "") -> str:
    """The principal name for valid credentials, "" otherwise (failures counted and audited)."""
    login = (login or "").strip().lower()
    key = _failure_key(login, address)
    if cache.get(key, 0) >= MAX_FAILURES:
        return ""  # throttled: even a right password waits for the window to pass
    principal = _principal(login, password)
    if principal:
        return principal
    failures = cache.get(key, 0) + 1
    cache.set(key, failures, FAILURE_WINDOW_S)
    if failures in (1, MAX_FAILURES):  # audit the first failure and the lock-out, not every try
        token = set_client_ip(address or None)
        try:
            record_audit(
                action="calendars.dav_login_failed",
                actor_label=login[:254],
                target=login[:254],
                details={"failures": failures, "throttled": failures >= MAX_FAILURES},
            )
        finally:
            reset_client_ip(token)
    return ""


def _principal(login: str, password: str) -> str:
    if not login or not password:
        return ""
    user = webtoken.user_for_token(password)
    if user is not None:
        if user.email.lower() != login:
            return ""
        _remember_account(login, user)
        return login
    app_password = active_app_password(password)
    if app_password is None or app_password.user.email.lower() != login:
        return ""
    now = timezone.now()
    last = app_password.last_used_at
    if last is None or (now - last).total_seconds() > LAST_USED_PRECISION_S:
        AppPassword.objects.filter(pk=app_password.pk).update(last_used_at=now)
    _remember_account(login, app_password.user)
    return login


def _remember_account(principal: str, user: Any) -> None:
    """The active account just authenticated, for the rights plugin in the same request (which
    would otherwise load it again)."""
    cache = request_cache.current()
    if cache is not None:
        cache[ACCOUNT_KEY, principal] = user


class Auth(auth.BaseAuth):
    def _login_ext(self, login: str, password: str, context: Any) -> str:
        close_old_connections()
        return check_credentials(login, password, address=getattr(context, "remote_addr", "") or "")

    def _login(self, login: str, password: str) -> str:
        return check_credentials(login, password)
