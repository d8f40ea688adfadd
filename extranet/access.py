"""The one door into a space: every view, feed, download, socket and DAV path goes through here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import PermissionDenied
from django.http import Http404

from extranet.exceptions import MFASetupRequired
from extranet.models import Membership, Space

_MFA_CACHE_ATTR = "_maillage_has_mfa"


def user_has_mfa(user: Any) -> bool:
    """Whether the user has an active second factor (cached on the user object per request)."""
    cached = getattr(user, _MFA_CACHE_ATTR, None)
    if cached is None:
        cached = bool(user.is_authenticated and is_mfa_enabled(user))
        setattr(user, _MFA_CACHE_ATTR, cached)
    return cached


def forget_mfa_state(user: Any) -> None:
    if hasattr(user, _MFA_CACHE_ATTR):
        delattr(user, _MFA_CACHE_ATTR)


def membership_for(
    user: Any, space_slug: str, *, annotate: Mapping[str, Any] | None = None
) -> Membership | None:
    """The user's membership in the space, or None (absent space and non-member look the same).

    ``annotate`` adds expressions computed in the same query (a caller that needs one more
    fact about the space per request saves a round trip)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    memberships = Membership.objects.select_related("space", "user").filter(
        user=user, space__slug=space_slug
    )
    if annotate:
        memberships = memberships.annotate(**annotate)
    return memberships.first()


def check_membership(membership: Membership | None, *, need: str = "space.view") -> Membership:
    """Apply the door's rules to a membership already loaded.

    Raises Http404 for no membership, MFASetupRequired when the space needs MFA the user lacks
    (the user then sees nothing of the space), PermissionDenied when the role lacks ``need``.
    """
    if membership is None:
        raise Http404
    if membership.space.mfa_required and not user_has_mfa(membership.user):
        raise MFASetupRequired(membership.space)
    if not membership.can(need):
        raise PermissionDenied
    return membership


def access_space(user: Any, slug: str, *, need: str = "space.view") -> Membership:
    """Return the caller's membership of space ``slug`` if they may ``need`` there.

    Missing space and hidden space both raise Http404, so outsiders cannot learn what exists.
    """
    return check_membership(membership_for(user, slug), need=need)


def can(user: Any, ability: str, space: Space) -> bool:
    """Policy question without raising: may ``user`` exercise ``ability`` in ``space``?"""
    try:
        access_space(user, space.slug, need=ability)
    except (Http404, PermissionDenied):
        return False
    return True
