"""Space address books: the cards of a space's members, stored once in Radicale at
/addressbooks/<slug>/ and read by members (never written) through the link in their home.

The directory app builds the vCards and decides what each space may see of a person; this module
only stores what it is given. Writes go through Radicale's storage API, not files written by
hand, so the item cache, the ETags and the sync-token history stay right: a client syncing after
a replace that changed nothing is told nothing changed. Radicale's storage is not transactional:
call these after commit (a task, or ``transaction.on_commit``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from radicale import item as radicale_item

from calendars import provisioning
from calendars.dav.paths import address_book_collection
from extranet.models import Space

CARD_SUFFIX = ".vcf"
# Keys become file names (<key>.vcf) and hrefs: keep them plain so no client or file system
# trips over them.
CARD_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,120}")


class InvalidCard(ValueError):
    """A card key that cannot be a file name, or a text that is not exactly one vCard."""


@dataclass(frozen=True)
class AddressBookSyncResult:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def address_book_props(space: Space) -> dict[str, str]:
    """The collection properties DAV clients show (name and description)."""
    return {
        "tag": "VADDRESSBOOK",
        "D:displayname": f"Annuaire · {space.name}",
        "CR:addressbook-description": f"Les membres de l'espace « {space.name} » (lecture seule)",
    }


def ensure_space_address_book(space: Space) -> None:
    """Create the space's address book if missing; bring its name in line with the space's."""
    props = address_book_props(space)
    with provisioning.locked_collection(address_book_collection(space.slug), props) as collection:
        _set_props(collection, props)


def replace_space_address_book(space: Space, cards: Mapping[str, str]) -> AddressBookSyncResult:
    """Make the space's address book hold exactly ``cards``.

    ``cards`` maps a stable key (e.g. "person-42", stored as "person-42.vcf") to a complete
    vCard 3.0 or 4.0 text; a card without UID gets the key as UID. Cards whose content did not
    change are left alone (same ETag, no sync-token change). Every card is checked before
    anything is written: an invalid one raises ``InvalidCard`` and the book stays as it was.
    """
    path = address_book_collection(space.slug)
    wanted = {f"{key}{CARD_SUFFIX}": _card(path, key, text) for key, text in cards.items()}
    _check_unique_uids(wanted)
    props = address_book_props(space)
    added = changed = unchanged = 0
    with provisioning.locked_collection(path, props) as collection:
        _set_props(collection, props)
        stored = {item.href: item.serialize() for item in collection.get_all()}
        for href in sorted(stored.keys() - wanted.keys()):
            collection.delete(href)
        for href, item in sorted(wanted.items()):
            if stored.get(href) == item.serialize():
                unchanged += 1
                continue
            collection.upload(href, item)
            if href in stored:
                changed += 1
            else:
                added += 1
    removed = len(stored.keys() - wanted.keys())
    return AddressBookSyncResult(added=added, changed=changed, removed=removed, unchanged=unchanged)


def delete_space_address_book(space: Space) -> None:
    """Remove the space's address book and its cards (members' links then point nowhere and
    are removed with their memberships)."""
    provisioning.delete_collection(address_book_collection(space.slug))


def _set_props(collection: Any, props: dict[str, str]) -> None:
    meta = dict(collection.get_meta())
    if any(meta.get(key) != value for key, value in props.items()):
        collection.set_meta({**meta, **props})


def _card(collection_path: str, key: str, text: str) -> radicale_item.Item:
    if not CARD_KEY.fullmatch(key):
        raise InvalidCard(f"Card key {key!r} cannot be a file name")
    try:
        components = radicale_item.read_components(text)
        if len(components) == 1 and not radicale_item.get_uid(components[0]):
            components[0].add("UID").value = key
        radicale_item.check_and_sanitize_items(components, 0, tag="VADDRESSBOOK")
        item = radicale_item.Item(collection_path=collection_path, vobject_item=components[0])
        item.prepare()
    except Exception as exc:  # vobject raises many kinds of errors on bad input
        raise InvalidCard(f"Card {key!r} is not a single valid vCard: {exc}") from exc
    return item


def _check_unique_uids(items: Mapping[str, radicale_item.Item]) -> None:
    # Clients key contacts by UID: two cards with one UID would overwrite each other on a phone.
    seen: dict[str, str] = {}
    for href, item in items.items():
        if item.uid in seen:
            raise InvalidCard(f"Cards {seen[item.uid]!r} and {href!r} share the UID {item.uid!r}")
        seen[item.uid] = href
