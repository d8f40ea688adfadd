"""Space address books: the cards of a space's members, stored once in Radicale at
/addressbooks/<slug>/ and read by members (never written) through the link in their home.

The directory app builds the vCards and decides what each space may see of a person; this module
only stores what it is given, through ``stored_items`` (shared with published calendars): writes
go through Radicale's storage API, so the item cache, the ETags and the sync-token history stay
right, and a client syncing after a replace that changed nothing is told nothing changed.
Radicale's storage is not transactional: call these after commit (a task, or
``transaction.on_commit``).
"""

from __future__ import annotations

from collections.abc import Mapping

from calendars import provisioning
from calendars.dav.paths import address_book_collection
from calendars.services import stored_items
from calendars.services.stored_items import InvalidItem
from calendars.services.stored_items import ItemsSyncResult as AddressBookSyncResult
from extranet.models import Space

__all__ = [
    "AddressBookSyncResult",
    "InvalidCard",
    "address_book_props",
    "delete_space_address_book",
    "ensure_space_address_book",
    "replace_space_address_book",
]

CARD_SUFFIX = ".vcf"


class InvalidCard(InvalidItem):
    """A card key that cannot be a file name, or a text that is not exactly one vCard."""


def address_book_props(space: Space) -> dict[str, str]:
    """The collection properties DAV clients show (name and description)."""
    return {
        "tag": "VADDRESSBOOK",
        "D:displayname": f"Annuaire · {space.name}",
        "CR:addressbook-description": f"Les membres de l'espace « {space.name} » (lecture seule)",
    }


def ensure_space_address_book(space: Space) -> None:
    """Create the space's address book if missing; bring its name in line with the space's."""
    stored_items.set_props(address_book_collection(space.slug), address_book_props(space))


def replace_space_address_book(space: Space, cards: Mapping[str, str]) -> AddressBookSyncResult:
    """Make the space's address book hold exactly ``cards``.

    ``cards`` maps a stable key (e.g. "person-42", stored as "person-42.vcf") to a complete
    vCard 3.0 or 4.0 text; a card without UID gets the key as UID. Cards whose content did not
    change are left alone (same ETag, no sync-token change). Every card is checked before
    anything is written: an invalid one raises ``InvalidCard`` and the book stays as it was.
    """
    return stored_items.replace_items(
        address_book_collection(space.slug),
        address_book_props(space),
        cards,
        suffix=CARD_SUFFIX,
        error=InvalidCard,
    )


def delete_space_address_book(space: Space) -> None:
    """Remove the space's address book and its cards (members' links then point nowhere and
    are removed with their memberships)."""
    provisioning.delete_collection(address_book_collection(space.slug))
