"""App passwords: what DAV clients use instead of the account password."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from calendars.models import AppPassword, hash_secret
from extranet.audit import record_audit

# Unambiguous characters, grouped for reading aloud or typing on a phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _new_secret() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(24))
    return "-".join(raw[i : i + 4] for i in range(0, 24, 4))


@transaction.atomic
def create_app_password(*, user: Any, name: str) -> tuple[AppPassword, str]:
    """Create a named app password; the secret is returned once and only its hash is kept."""
    name = name.strip()[:80] or "Appareil"
    secret = _new_secret()
    app_password = AppPassword.objects.create(
        user=user, name=name, secret_hash=hash_secret(secret), hint=secret[:4]
    )
    # The person's DAV home (personal calendar, links to space calendars) must exist before
    # their client first looks at it.
    transaction.on_commit(lambda: _prepare_home(user))
    record_audit(
        action="calendars.app_password_created",
        actor=user,
        target=user.email,
        details={"name": name, "app_password": app_password.pk},
    )
    return app_password, secret


def _prepare_home(user: Any) -> None:
    from calendars.services.space_calendars import sync_user_links

    sync_user_links(user)


@transaction.atomic
def revoke_app_password(*, user: Any, app_password: AppPassword) -> None:
    if app_password.user_id != user.pk:
        raise PermissionDenied
    if app_password.revoked_at is None:
        app_password.revoked_at = timezone.now()
        app_password.save(update_fields=["revoked_at"])
        record_audit(
            action="calendars.app_password_revoked",
            actor=user,
            target=user.email,
            details={"name": app_password.name, "app_password": app_password.pk},
        )
