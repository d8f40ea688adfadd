"""The layout of the DAV tree. Principals are e-mail addresses (they always contain "@"), so they
cannot collide with the ``spaces`` root where space calendars are stored.

    /<email>/                       a person's calendar home
    /<email>/personnel/             their default personal calendar (others beside it)
    /<email>/espace-<slug>--<cal>/  a link to a space calendar, one per membership
    /spaces/<slug>/<cal>/           the space calendar itself (never reachable directly)
"""

from __future__ import annotations

from dataclasses import dataclass

SPACES_ROOT = "spaces"
LINK_PREFIX = "espace-"
LINK_SEPARATOR = "--"
PERSONAL_DEFAULT = "personnel"


def principal_for(email: str) -> str:
    return email.strip().lower()


def space_collection(space_slug: str, calendar_slug: str) -> str:
    return f"{SPACES_ROOT}/{space_slug}/{calendar_slug}"


def link_name(space_slug: str, calendar_slug: str) -> str:
    return f"{LINK_PREFIX}{space_slug}{LINK_SEPARATOR}{calendar_slug}"


def link_path(email: str, space_slug: str, calendar_slug: str) -> str:
    return f"{principal_for(email)}/{link_name(space_slug, calendar_slug)}"


@dataclass(frozen=True)
class ParsedPath:
    """What a sanitized DAV path designates (no leading/trailing slash)."""

    owner: str = ""  # principal of the home, "" for root or the spaces tree
    collection: str = ""  # name of the collection inside the home
    space_slug: str = ""  # set when the collection is a space calendar (link or storage)
    calendar_slug: str = ""
    in_spaces_tree: bool = False
    depth: int = 0

    @property
    def is_space_link(self) -> bool:
        return bool(self.owner and self.space_slug)


def parse(path: str) -> ParsedPath:
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return ParsedPath()
    if parts[0] == SPACES_ROOT:
        return ParsedPath(
            space_slug=parts[1] if len(parts) > 1 else "",
            calendar_slug=parts[2] if len(parts) > 2 else "",
            in_spaces_tree=True,
            depth=len(parts),
        )
    owner = parts[0]
    collection = parts[1] if len(parts) > 1 else ""
    space_slug = calendar_slug = ""
    if collection.startswith(LINK_PREFIX) and LINK_SEPARATOR in collection:
        space_slug, calendar_slug = collection[len(LINK_PREFIX) :].split(LINK_SEPARATOR, 1)
    return ParsedPath(
        owner=owner,
        collection=collection,
        space_slug=space_slug,
        calendar_slug=calendar_slug,
        depth=len(parts),
    )
