"""Making a collection written only by Maillage hold exactly the items it is given: what space
address books and published calendars share.

The caller hands over complete texts (a vCard, a VCALENDAR) keyed by a stable name; the
collection is then made to hold exactly those, through Radicale's storage API so the item
cache, the ETags and the sync-token history stay right. Unchanged items are left alone (same
ETag, no sync-token change), so a client syncing after a refresh that changed nothing is told
nothing changed.

A text is stored as given when Radicale's checks leave it as it is (the usual case for texts
Maillage writes: CRLF lines, nothing to repair), otherwise as Radicale serializes it. A refresh
then compares each given text with the stored one before parsing anything: a refresh that
changes nothing parses nothing (a 500-card book: ~0.25 s before, a few hundredths after).

Radicale's storage is not transactional: call this after commit (a task, or
``transaction.on_commit``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from radicale import item as radicale_item

from calendars import provisioning

# Keys become file names (<key><suffix>) and hrefs: keep them plain so no client or file system
# trips over them.
ITEM_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,120}")
CALENDAR_COMPONENTS = frozenset({"VEVENT", "VTODO", "VJOURNAL"})


class InvalidItem(ValueError):
    """A key that cannot be a file name, or a text that is not exactly one item of the
    collection's kind."""


@dataclass(frozen=True)
class ItemsSyncResult:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def replace_items(
    path: str,
    props: dict[str, str],
    texts: Mapping[str, str],
    *,
    suffix: str,
    error: type[InvalidItem] = InvalidItem,
) -> ItemsSyncResult:
    """Make the collection at ``path`` (created with ``props`` if missing, its properties
    brought in line with ``props``) hold exactly ``texts``: key (stored as ``<key><suffix>``) →
    complete text. The kind of item follows ``props["tag"]``; a vCard without UID gets its key
    as UID. Every text is checked before anything is written: an invalid one raises ``error``
    and the collection stays as it was."""
    tag = props["tag"]
    for key in texts:
        if not ITEM_KEY.fullmatch(key):
            raise error(f"Key {key!r} cannot be a file name")
    wanted = {f"{key}{suffix}": (key, text) for key, text in texts.items()}
    with provisioning.write_locked_storage() as storage:
        collection = provisioning.find_collection(storage, path)
        stored = {item.href: item for item in collection.get_all()} if collection else {}
        uploads: dict[str, radicale_item.Item] = {}
        uids: dict[str, str] = {}
        for href, (key, text) in sorted(wanted.items()):
            old = stored.get(href)
            if old is not None and old.serialize() == text:
                uid = old.uid
            else:
                item = _item(path, key, text, tag=tag, error=error)
                if old is None or old.serialize() != item.serialize():
                    uploads[href] = item
                uid = item.uid
            # Clients key objects by UID: two items with one UID would overwrite each other.
            if uid in uids:
                raise error(f"Items {uids[uid]!r} and {href!r} share the UID {uid!r}")
            uids[uid] = href
        # Everything is checked: from here on, write.
        if collection is None:
            collection = provisioning.create_collection(storage, path, props)
        meta = dict(collection.get_meta())
        if any(meta.get(name) != value for name, value in props.items()):
            collection.set_meta({**meta, **props})
        removed = sorted(stored.keys() - wanted.keys())
        for href in removed:
            collection.delete(href)
        for href, item in uploads.items():
            collection.upload(href, item)
    changed = sum(1 for href in uploads if href in stored)
    return ItemsSyncResult(
        added=len(uploads) - changed,
        changed=changed,
        removed=len(removed),
        unchanged=len(wanted) - len(uploads),
    )


def set_props(path: str, props: dict[str, str]) -> None:
    """Create the collection at ``path`` if missing; bring its properties in line with
    ``props`` (its items untouched)."""
    with provisioning.locked_collection(path, props) as collection:
        meta = dict(collection.get_meta())
        if any(meta.get(name) != value for name, value in props.items()):
            collection.set_meta({**meta, **props})


def _item(path: str, key: str, text: str, *, tag: str, error: type[InvalidItem]) -> Any:
    try:
        components = radicale_item.read_components(text)
        single = len(components) == 1
        if tag == "VADDRESSBOOK" and single and not radicale_item.get_uid(components[0]):
            components[0].add("UID").value = key
        radicale_item.check_and_sanitize_items(components, 0, tag=tag)
        canonical = components[0].serialize()
        item = radicale_item.Item(
            collection_path=path,
            vobject_item=components[0],
            text=text if _same_as_given(text, canonical) else canonical,
        )
        item.prepare()
    except Exception as exc:  # vobject raises many kinds of errors on bad input
        raise error(f"{key!r} is not a single valid item: {exc}") from exc
    if tag == "VCALENDAR" and item.component_name not in CALENDAR_COMPONENTS:
        raise error(f"{key!r} holds no event, task or journal entry")
    return item


def _same_as_given(text: str, canonical: str) -> bool:
    """Whether ``text`` says what Radicale would store (``canonical``, after its checks and
    repairs), so it can be stored as given and recognised, unparsed, next time."""
    if not _crlf(text):
        return False
    # A fresh reading of the text, serialized the same way: equal unless the checks repaired
    # something (a missing UID given by us, a client quirk Radicale fixes).
    (again,) = radicale_item.read_components(text)
    return bool(again.serialize() == canonical)


def _crlf(text: str) -> bool:
    """Lines end with CRLF, as clients expect (vobject reads bare LF too, clients may not)."""
    return text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
