"""Creating spaces and changing their settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from extranet.activity import record_activity
from extranet.audit import record_audit
from extranet.exceptions import SlugTaken
from extranet.models import Membership, Space
from extranet.models.audit import AuditAction
from extranet.models.spaces import MFA_MANDATORY_KINDS, SpaceKind, Visibility
from extranet.roles import Role

SETTINGS_FIELDS = ("name", "description", "visibility", "mfa_required")


@transaction.atomic
def create_space(
    *,
    name: str,
    slug: str,
    kind: SpaceKind | str,
    description: str = "",
    visibility: Visibility | str = Visibility.PRIVATE,
    mfa_required: bool = False,
    created_by: Any = None,
) -> Space:
    """Create a space. Only site staff (or operators from the shell) create spaces."""
    if created_by is not None and not created_by.is_staff:
        raise PermissionDenied
    if Space.objects.filter(slug=slug).exists():
        raise SlugTaken
    space = Space(
        name=name.strip(),
        slug=slug,
        kind=SpaceKind(kind),
        description=description,
        visibility=Visibility(visibility),
        mfa_required=mfa_required or kind in MFA_MANDATORY_KINDS,
        created_by=created_by,
    )
    space.full_clean()
    try:
        with transaction.atomic():
            space.save()
    except IntegrityError as exc:  # a concurrent creation took the slug
        raise SlugTaken from exc
    record_activity(space=space, actor=created_by, verb="space.created")
    record_audit(
        action=AuditAction.SPACE_CREATED,
        actor=created_by,
        space=space,
        target=space.slug,
        details={"kind": space.kind, "mfa_required": space.mfa_required},
    )
    return space


@transaction.atomic
def update_space_settings(*, membership: Membership, **changes: Any) -> Space:
    """Change name, description, visibility or MFA requirement; admins only.

    MFA stays on for kinds where it is mandatory, whatever is asked.
    """
    if not membership.can("space.settings"):
        raise PermissionDenied
    space = Space.objects.select_for_update().get(pk=membership.space_id)
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"Unknown space settings: {sorted(unknown)}")
    before = {name: getattr(space, name) for name in changes}
    for name, value in changes.items():
        setattr(space, name, value)
    if space.kind in MFA_MANDATORY_KINDS:
        space.mfa_required = True
    space.full_clean()
    space.save()
    diff = {
        name: {"from": before[name], "to": getattr(space, name)}
        for name in changes
        if before[name] != getattr(space, name)
    }
    if diff:
        record_audit(
            action=AuditAction.SPACE_UPDATED,
            actor=membership.user,
            space=space,
            target=space.slug,
            details=diff,
        )
        record_activity(
            space=space,
            actor=membership.user,
            verb="space.updated",
            url=space.get_absolute_url(),
        )
    membership.space = space
    return space


def role_label(role: str) -> str:
    return str(Role(role).label)


@transaction.atomic
def create_space_with_admin(*, created_by: Any, admin_email: str = "", **fields: Any) -> Space:
    """Create a space and hand it to its first administrator.

    An existing account becomes admin at once; an unknown address receives an invitation.
    """
    from extranet.services.accounts import find_user_by_email
    from extranet.services.invitations import create_invitation
    from extranet.services.memberships import add_member

    space = create_space(created_by=created_by, **fields)
    if admin_email:
        user = find_user_by_email(admin_email)
        if user is not None:
            add_member(space=space, user=user, role=Role.ADMIN, actor=created_by)
        else:
            create_invitation(
                space=space, email=admin_email, role=Role.ADMIN, invited_by=created_by
            )
    return space
