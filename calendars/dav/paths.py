"""The layout of the DAV tree. Principals are e-mail addresses (they always contain "@"), so they
cannot collide with the ``spaces``, ``addressbooks`` and ``published`` roots where shared
collections are stored.

    /<email>/                       a person's home (calendar home and address-book home alike)
    /<email>/personnel/             their default personal calendar (others beside it)
    /<email>/espace-<slug>--<cal>/  a link to a space calendar, one per membership
    /<email>/annuaire-<slug>/       a link to a space address book, one per membership
    /<email>/publie-<key>/          a link to a published read-only calendar (e.g. training's)
    /spaces/<slug>/<cal>/           the space calendar itself (never reachable directly)
    /addressbooks/<slug>/           the space address book itself (never reachable directly)
    /published/<key>/               a published calendar itself (never reachable directly)

Names starting with a link prefix are reserved in every home: the rights plugin refuses any
collection that looks like a link without being a valid one for the person, so links cannot be
faked, and personal calendars are never given such a name.
"""

from __future__ import annotations

from dataclasses import dataclass

SPACES_ROOT = "spaces"
ADDRESS_BOOKS_ROOT = "addressbooks"
PUBLISHED_ROOT = "published"
STORAGE_ROOTS = frozenset({SPACES_ROOT, ADDRESS_BOOKS_ROOT, PUBLISHED_ROOT})
LINK_PREFIX = "espace-"
LINK_SEPARATOR = "--"
ADDRESS_BOOK_LINK_PREFIX = "annuaire-"
PUBLISHED_LINK_PREFIX = "publie-"
RESERVED_PREFIXES = (LINK_PREFIX, ADDRESS_BOOK_LINK_PREFIX, PUBLISHED_LINK_PREFIX)
PERSONAL_DEFAULT = "personnel"


def principal_for(email: str) -> str:
    return email.strip().lower()


def space_collection(space_slug: str, calendar_slug: str) -> str:
    return f"{SPACES_ROOT}/{space_slug}/{calendar_slug}"


def link_name(space_slug: str, calendar_slug: str) -> str:
    return f"{LINK_PREFIX}{space_slug}{LINK_SEPARATOR}{calendar_slug}"


def link_path(email: str, space_slug: str, calendar_slug: str) -> str:
    return f"{principal_for(email)}/{link_name(space_slug, calendar_slug)}"


def address_book_collection(space_slug: str) -> str:
    return f"{ADDRESS_BOOKS_ROOT}/{space_slug}"


def address_book_link_name(space_slug: str) -> str:
    return f"{ADDRESS_BOOK_LINK_PREFIX}{space_slug}"


def published_collection(key: str) -> str:
    return f"{PUBLISHED_ROOT}/{key}"


def published_link_name(key: str) -> str:
    return f"{PUBLISHED_LINK_PREFIX}{key}"


def is_reserved_name(collection: str) -> bool:
    """Whether a collection name in a home is kept for links to space collections."""
    return collection.startswith(RESERVED_PREFIXES)


@dataclass(frozen=True)
class ParsedPath:
    """What a sanitized DAV path designates (no leading/trailing slash)."""

    owner: str = ""  # principal of the home, "" for root or the storage trees
    collection: str = ""  # name of the collection inside the home
    space_slug: str = ""  # set when the collection is a space calendar (link or storage)
    calendar_slug: str = ""
    address_book_space: str = ""  # set when the collection is a link to a space address book
    published_key: str = ""  # set when the collection is a link to a published calendar
    in_spaces_tree: bool = False  # anywhere under one of the STORAGE_ROOTS
    depth: int = 0

    @property
    def is_space_link(self) -> bool:
        return bool(self.owner and self.space_slug)

    @property
    def is_address_book_link(self) -> bool:
        return bool(self.owner and self.address_book_space)

    @property
    def is_published_link(self) -> bool:
        return bool(self.owner and self.published_key)


def parse(path: str) -> ParsedPath:
    parts = [p for p in path.strip("/").split("/") if p]
    if not parts:
        return ParsedPath()
    if parts[0] in STORAGE_ROOTS:
        is_calendar = parts[0] == SPACES_ROOT
        return ParsedPath(
            space_slug=parts[1] if len(parts) > 1 and is_calendar else "",
            calendar_slug=parts[2] if len(parts) > 2 and is_calendar else "",
            in_spaces_tree=True,
            depth=len(parts),
        )
    owner = parts[0]
    collection = parts[1] if len(parts) > 1 else ""
    space_slug = calendar_slug = address_book_space = published_key = ""
    if collection.startswith(LINK_PREFIX) and LINK_SEPARATOR in collection:
        space_slug, calendar_slug = collection[len(LINK_PREFIX) :].split(LINK_SEPARATOR, 1)
    elif collection.startswith(ADDRESS_BOOK_LINK_PREFIX):
        address_book_space = collection[len(ADDRESS_BOOK_LINK_PREFIX) :]
    elif collection.startswith(PUBLISHED_LINK_PREFIX):
        published_key = collection[len(PUBLISHED_LINK_PREFIX) :]
    return ParsedPath(
        owner=owner,
        collection=collection,
        space_slug=space_slug,
        calendar_slug=calendar_slug,
        address_book_space=address_book_space,
        published_key=published_key,
        depth=len(parts),
    )
