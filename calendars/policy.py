"""Who may do what with calendars, over the web and over DAV: one policy for both."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from calendars.dav.paths import PERSONAL_DEFAULT, is_reserved_name, parse
from extranet.access import check_membership, membership_for
from extranet.models import Membership
from extranet.roles import Role, register_abilities

register_abilities(
    {
        "calendars.view": Role.READER,
        "calendars.write": Role.MEMBER,
        "calendars.manage": Role.ADMIN,
        "calendars.publish": Role.EDITOR,
    }
)

# Radicale permission letters (see radicale/rights/__init__.py): R/W on homes, r/w on calendars,
# d = never delete this collection, l = properties locked (name and colour are the space's),
# o = never overwrite it: a PUT of a whole calendar on a link would swap the link for a private
# copy in the member's home (and leave a directory where the link must be).
HOME = "RW"
OWN_CALENDAR = "rw"
SPACE_WRITE = "rwdlo"
SPACE_READ = "rdlo"
# Space address books are written only by Maillage (from the directory): read-only for every role.
SPACE_ADDRESS_BOOK = SPACE_READ
# Published calendars (calendars/services/published_calendars.py) are written only by Maillage.
PUBLISHED_READ = SPACE_READ


def space_membership(user: Any, space_slug: str, *, need: str = "calendars.view") -> Membership:
    """The DAV side of the access door: same rules as the web, MFA included."""
    return check_membership(membership_for(user, space_slug), need=need)


def space_calendar_rights(user: Any, space_slug: str, calendar_slug: str) -> str:
    from calendars.models import SpaceCalendar

    # One query per DAV request for the membership and whether the calendar exists (every
    # request on a space calendar asks this).
    has_calendar = Exists(SpaceCalendar.objects.filter(space=OuterRef("space"), slug=calendar_slug))
    try:
        membership = check_membership(
            membership_for(user, space_slug, annotate={"has_calendar": has_calendar}),
            need="calendars.view",
        )
    except (Http404, PermissionDenied):
        return ""
    if not getattr(membership, "has_calendar", False):
        return ""
    if membership.space.is_archived or not membership.can("calendars.write"):
        return SPACE_READ
    return SPACE_WRITE


def space_address_book_rights(user: Any, space_slug: str) -> str:
    """Members who may see the space's calendars read its address book (MFA rule included)."""
    try:
        space_membership(user, space_slug)
    except (Http404, PermissionDenied):
        return ""
    return SPACE_ADDRESS_BOOK


def published_calendar_rights(user: Any, key: str) -> str:
    """Read-only for the people the app that publishes ``key`` says may read it; nothing for
    anyone else (nor for a key no app declares)."""
    from calendars.services.published_calendars import can_read_published

    return PUBLISHED_READ if can_read_published(user, key) else ""


def dav_rights(user: Any, path: str) -> str:
    """Radicale rights for ``user`` (a User, or None when anonymous) on a sanitized path."""
    if user is None:
        return ""
    parsed = parse(path)
    if parsed.in_spaces_tree:
        return ""  # space collections are only reached through each member's home
    if parsed.depth == 0:
        return "R"
    if parsed.owner != user.email.lower():
        return ""
    if parsed.depth == 1:
        return HOME
    if parsed.is_space_link:
        return space_calendar_rights(user, parsed.space_slug, parsed.calendar_slug)
    if parsed.is_address_book_link:
        return space_address_book_rights(user, parsed.address_book_space)
    if parsed.is_published_link:
        return published_calendar_rights(user, parsed.published_key)
    if is_reserved_name(parsed.collection):
        return ""  # looks like a space link but is not one: refuse, so it cannot be faked
    return OWN_CALENDAR


def can_delete_personal(collection: str) -> bool:
    return collection != PERSONAL_DEFAULT
