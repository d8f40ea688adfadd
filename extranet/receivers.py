"""Audit of authentication events (signals are used here only to observe allauth/Django)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from extranet.access import forget_mfa_state
from extranet.audit import record_audit
from extranet.models import Space
from extranet.models.audit import AuditAction


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_audit(action=AuditAction.LOGIN, actor=user, target=user.email)


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_audit(action=AuditAction.LOGOUT, actor=user, target=user.email)


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    from extranet.services.accounts import find_user_by_email

    attempted = str(credentials.get("email") or credentials.get("username") or "")[:254]
    user = find_user_by_email(attempted) if attempted else None
    record_audit(
        action=AuditAction.LOGIN_FAILED, actor=user, actor_label=attempted, target=attempted
    )


def _audit_mfa(action: AuditAction, user: Any, authenticator: Any) -> None:
    forget_mfa_state(user)
    record_audit(action=action, actor=user, target=user.email, details={"type": authenticator.type})


@receiver(authenticator_added)
def audit_mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any) -> None:
    _audit_mfa(AuditAction.MFA_ADDED, user, authenticator)


@receiver(authenticator_removed)
def audit_mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any) -> None:
    _audit_mfa(AuditAction.MFA_REMOVED, user, authenticator)


@receiver(authenticator_reset)
def audit_mfa_reset(sender: Any, request: Any, user: Any, authenticator: Any, **kw: Any) -> None:
    _audit_mfa(AuditAction.MFA_RESET, user, authenticator)


@receiver(password_changed)
def audit_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_audit(action=AuditAction.PASSWORD_CHANGED, actor=user, target=user.email)


@receiver(password_reset)
def audit_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record_audit(action=AuditAction.PASSWORD_RESET, actor=user, target=user.email)


@receiver(post_delete, sender=Space)
def forget_deleted_space_in_search(sender: Any, instance: Space, **kwargs: Any) -> None:
    """A deleted space's entries leave the search index (entries store the space id only)."""
    from extranet.search import get_backend

    space_id = instance.pk
    transaction.on_commit(lambda: get_backend().delete_space(space_id))


def ensure_portal_administrators_group(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Put the general administrators' group back on a database emptied since migration 0006
    created it (``flush``, which transactional tests run), as Django does for permissions."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from extranet.portal.services import GENERAL_ADMINISTRATORS_GROUP, REVIEW_PERMISSION

    # "extranet" comes before django.contrib.auth in INSTALLED_APPS, so this receiver runs before
    # auth's own: create the app's permissions first (idempotent, as auth does it).
    create_permissions(sender, verbosity=0, using=using)

    app_label, codename = REVIEW_PERMISSION
    permission = (
        Permission.objects.using(using)
        .filter(content_type__app_label=app_label, codename=codename)
        .first()
    )
    if permission is not None:
        group, _ = Group.objects.using(using).get_or_create(name=GENERAL_ADMINISTRATORS_GROUP)
        group.permissions.add(permission)
