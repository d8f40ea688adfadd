"""Adding members, changing roles, removing members. Every change is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from extranet.activity import record_activity
from extranet.audit import record_audit
from extranet.exceptions import AlreadyMember, InvalidRole, LastAdmin
from extranet.models import Membership, Space
from extranet.models.audit import AuditAction
from extranet.roles import Role


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError as exc:
        raise InvalidRole from exc


@transaction.atomic
def add_member(
    *,
    space: Space,
    user: Any,
    role: Role | str,
    actor: Any = None,
    organisation: str = "",
    via_invitation: bool = False,
) -> Membership:
    """Make ``user`` a member of ``space``. Callers have checked that ``actor`` may do it."""
    role = _role(role)
    if Membership.objects.filter(space=space, user=user).exists():
        raise AlreadyMember
    membership = Membership.objects.create(
        space=space, user=user, role=role, organisation=organisation
    )
    record_audit(
        action=AuditAction.MEMBER_ADDED,
        actor=actor,
        space=space,
        target=user.email,
        details={"role": role.value, "via_invitation": via_invitation},
    )
    record_activity(space=space, actor=user, verb="member.joined", url="")
    return membership


def _admins_left_after(space: Space, excluded: Membership) -> int:
    return (
        Membership.objects.select_for_update()
        .filter(space=space, role=Role.ADMIN)
        .exclude(pk=excluded.pk)
        .count()
    )


@transaction.atomic
def change_role(*, membership: Membership, target: Membership, role: Role | str) -> Membership:
    """Give ``target`` a new role. ``membership`` is the acting admin's, in the same space."""
    role = _role(role)
    if not membership.can("members.manage") or target.space_id != membership.space_id:
        raise PermissionDenied
    target = Membership.objects.select_for_update().select_related("user").get(pk=target.pk)
    if target.role == role:
        return target
    if target.role == Role.ADMIN and _admins_left_after(target.space, target) == 0:
        raise LastAdmin
    previous = target.role
    target.role = role
    target.save(update_fields=["role"])
    record_audit(
        action=AuditAction.ROLE_CHANGED,
        actor=membership.user,
        space=membership.space,
        target=target.user.email,
        details={"from": previous, "to": role.value},
    )
    return target


@transaction.atomic
def remove_member(*, membership: Membership, target: Membership) -> None:
    """Remove ``target`` from the space; their access ends at their next request."""
    leaving_self = target.pk == membership.pk
    if target.space_id != membership.space_id or not (
        leaving_self or membership.can("members.manage")
    ):
        raise PermissionDenied
    target = Membership.objects.select_for_update().select_related("user").get(pk=target.pk)
    if target.role == Role.ADMIN and _admins_left_after(target.space, target) == 0:
        raise LastAdmin
    email = target.user.email
    target.delete()
    record_audit(
        action=AuditAction.MEMBER_REMOVED,
        actor=membership.user,
        space=membership.space,
        target=email,
        details={"role": target.role, "left": leaving_self},
    )
