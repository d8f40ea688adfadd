"""Writing to the append-only audit log, with the request's client address when there is one."""

from __future__ import annotations

import contextvars
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from extranet.models import AuditEvent, Space
from extranet.models.audit import AuditAction

_ACTION_LABELS: dict[str, Any] = dict(AuditAction.choices)


def register_audit_actions(actions: dict[str, Any]) -> None:
    """Apps declare their audit actions: ``{"documents.shared": _("Document partagé")}``."""
    for action, label in actions.items():
        if action in _ACTION_LABELS and _ACTION_LABELS[action] != label:
            raise ValueError(f"Audit action {action!r} is already registered")
        _ACTION_LABELS[action] = label


def action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


def audit_action_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in _ACTION_LABELS.items()]


_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "maillage_client_ip", default=None
)


def set_client_ip(ip: str | None) -> contextvars.Token[str | None]:
    return _client_ip.set(ip)


def reset_client_ip(token: contextvars.Token[str | None]) -> None:
    _client_ip.reset(token)


def record_audit(
    *,
    action: AuditAction | str,
    actor: Any = None,
    space: Space | None = None,
    target: str = "",
    details: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` may be None (failed login of an unknown address)."""
    if action not in _ACTION_LABELS:
        raise ValueError(f"Unknown audit action {action!r}: register it first")
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        space=space,
        space_label=space.slug if space is not None else "",
        target_label=target[:254],
        details=details or {},
        ip_address=_client_ip.get(),
    )


@transaction.atomic
def purge_audit(*, older_than_days: int | None = None) -> int:
    """Delete entries older than the retention period; the purge itself is recorded."""
    days = settings.AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 1:
        raise ValueError("Retention must be at least one day.")
    cutoff = timezone.now() - timedelta(days=days)
    # QuerySet.delete bypasses the model's delete guard on purpose: this is the one way out.
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    record_audit(
        action=AuditAction.AUDIT_PURGED,
        details={"deleted": deleted, "older_than_days": days, "cutoff": cutoff.isoformat()},
    )
    return deleted
