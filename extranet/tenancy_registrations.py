"""The core's own tenant resources, registered like any app's."""

from __future__ import annotations

import secrets
from typing import Any

from extranet.models import Activity, AuditEvent, Invitation, Membership, Space
from extranet.models.audit import AuditAction
from extranet.roles import Role
from extranet.tenancy import TenantResource, TenantRoute, register_tenant_resource


def _slug(obj: Any) -> dict[str, Any]:
    return {"slug": obj.slug}


def _in_space(obj: Any) -> dict[str, Any]:
    return {"slug": obj.space.slug, "pk": obj.pk}


def _sample_member(space: Space, author: Any) -> Membership:
    from extranet.services.accounts import create_user
    from extranet.services.memberships import add_member

    user = create_user(email=f"sample-{secrets.token_hex(4)}@example.org", full_name="Échantillon")
    return add_member(space=space, user=user, role=Role.MEMBER, actor=author)


def _sample_invitation(space: Space, author: Any) -> Invitation:
    from extranet.services.invitations import create_invitation

    invitation, _token = create_invitation(
        space=space,
        email=f"invite-{secrets.token_hex(4)}@example.org",
        role=Role.MEMBER,
        invited_by=author,
    )
    return invitation


def _sample_audit(space: Space, author: Any) -> AuditEvent:
    from extranet.audit import record_audit

    return record_audit(action=AuditAction.SPACE_UPDATED, actor=author, space=space)


def _sample_activity(space: Space, author: Any) -> Activity:
    from extranet.activity import record_activity

    return record_activity(space=space, actor=author, verb="space.updated")


register_tenant_resource(
    TenantResource(
        model=Space,
        space_of=lambda space: space,
        sample=lambda space, author: space,
        routes=(
            TenantRoute("spaces:home", _slug),
            TenantRoute("spaces:members", _slug),
            TenantRoute("spaces:invite", _slug),
            TenantRoute(
                "spaces:invite",
                _slug,
                method="post",
                data=lambda space: {"email": "intrus@example.org", "role": "member"},
            ),
            TenantRoute("spaces:settings", _slug),
            TenantRoute(
                "spaces:settings",
                _slug,
                method="post",
                data=lambda space: {"name": "Piraté", "visibility": "listed"},
            ),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=Membership,
        space_of=lambda membership: membership.space,
        sample=_sample_member,
        routes=(
            TenantRoute(
                "spaces:member_role",
                _in_space,
                method="post",
                data=lambda membership: {"role": "admin"},
            ),
            TenantRoute("spaces:member_remove", _in_space),
            TenantRoute("spaces:member_remove", _in_space, method="post"),
        ),
    )
)
register_tenant_resource(
    TenantResource(
        model=Invitation,
        space_of=lambda invitation: invitation.space,
        sample=_sample_invitation,
        routes=(TenantRoute("spaces:invitation_revoke", _in_space, method="post"),),
    )
)
register_tenant_resource(
    TenantResource(
        model=AuditEvent,
        space_of=lambda event: event.space,
        sample=_sample_audit,
        routes=(TenantRoute("spaces:audit", lambda event: {"slug": event.space.slug}),),
    )
)
register_tenant_resource(
    TenantResource(
        model=Activity,
        space_of=lambda activity: activity.space,
        sample=_sample_activity,
        routes=(TenantRoute("spaces:home", lambda activity: {"slug": activity.space.slug}),),
    )
)
