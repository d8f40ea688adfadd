"""Reads for the core pages. Every tenant read starts from a membership or from the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from extranet.activity import latest_activity_by_space
from extranet.audit import audit_action_choices
from extranet.models import Activity, AuditEvent, Invitation, Membership, Space
from extranet.models.spaces import Visibility
from extranet.roles import Role


@dataclass
class SpaceCard:
    membership: Membership
    space: Space
    activities: list[Activity]


def memberships_for(user: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("space").order_by("space__name")


def space_cards_for(user: Any, *, per_space: int = 3) -> list[SpaceCard]:
    """The user's spaces with their latest activity: two queries whatever the number of spaces."""
    memberships = list(memberships_for(user))
    activities = latest_activity_by_space([m.space_id for m in memberships], per_space=per_space)
    return [SpaceCard(m, m.space, activities.get(m.space_id, [])) for m in memberships]


def listed_spaces_not_joined(user: Any) -> QuerySet[Space]:
    return Space.objects.listed().exclude(memberships__user=user).order_by("name")


def space_summary(membership: Membership) -> dict[str, Any]:
    """What the space home shows, in a fixed number of queries."""
    space = membership.space
    counts = dict(
        Membership.objects.in_space(space)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    activities = list(
        Activity.objects.in_space(space).select_related("actor").order_by("-created_at", "-pk")[:15]
    )
    admins = list(
        Membership.objects.in_space(space)
        .filter(role=Role.ADMIN)
        .select_related("user")
        .order_by("user__full_name")[:5]
    )
    return {
        "member_count": sum(counts.values()),
        "role_counts": counts,
        "activities": activities,
        "admins": admins,
    }


def members_of(membership: Membership) -> QuerySet[Membership]:
    return (
        Membership.objects.in_space(membership.space)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def member_in_space(membership: Membership, pk: int) -> Membership:
    """A membership of the caller's space; raises Membership.DoesNotExist otherwise."""
    return members_of(membership).get(pk=pk)


def pending_invitations_of(membership: Membership) -> QuerySet[Invitation]:
    return (
        Invitation.objects.in_space(membership.space)
        .pending()
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_in_space(membership: Membership, pk: int) -> Invitation:
    return Invitation.objects.in_space(membership.space).get(pk=pk)


def audit_events_for(
    membership: Membership, *, action: str = "", actor: str = ""
) -> QuerySet[AuditEvent]:
    """The space's audit entries, filterable by action and by actor e-mail fragment."""
    events = AuditEvent.objects.in_space(membership.space).select_related("actor")
    if action in dict(audit_action_choices()):
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    return events


def readable_memberships(user: Any) -> list[Membership]:
    """Memberships whose content the user may read now (MFA-only spaces need MFA)."""
    from extranet.access import user_has_mfa

    memberships = list(memberships_for(user))
    has_mfa = user_has_mfa(user)
    return [m for m in memberships if has_mfa or not m.space.mfa_required]


def authenticators_of(user: Any) -> QuerySet[Any]:
    """The user's second factors (TOTP, recovery codes, security keys), oldest first."""
    from allauth.mfa.models import Authenticator

    authenticators: QuerySet[Any] = Authenticator.objects.filter(user=user).order_by("created_at")
    return authenticators


def partner_spaces(membership: Membership) -> QuerySet[Space]:
    """Spaces something may be shared with from ``membership``'s space: the member's other
    spaces and the listed ones, never archived ones."""
    return (
        Space.objects.filter(Q(memberships__user=membership.user) | Q(visibility=Visibility.LISTED))
        .exclude(pk=membership.space_id)
        .filter(is_archived=False)
        .distinct()
        .order_by("name")
    )
