"""Radicale's storage API (discover, create_collection, move, acquire_lock, verify) on rows."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.db import connection, transaction
from radicale import item as radicale_item
from radicale import pathutils
from radicale import storage as radicale_storage
from radicale.log import logger

from calendars.dav.dbstorage.collection import (
    Collection,
    _state,
    _take_parent_row,
    _writing,
    forget_collection_rows,
    item_row,
)
from calendars.dav.paths import STORAGE_ROOTS
from calendars.models import DavCollection, DavItem

ChildContext = Callable[[str, str | None], contextlib.AbstractContextManager[None]]

# SQLite has one writer at a time anyway; queueing writers on a lock in the process avoids
# busy-waiting on the database lock. The same lock serialises writers that share one
# connection between threads (the test server on an in-memory database).
_writers = threading.RLock()


def _owner(path: str) -> str:
    parts = path.split("/")
    if parts[0] in STORAGE_ROOTS and len(parts) > 1:
        return parts[1]
    return parts[0]


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


@contextlib.contextmanager
def _null_child_context(path: str, href: str | None) -> Iterator[None]:
    yield


class Storage(radicale_storage.BaseStorage):
    # Any name a path may hold can be a database value.
    _is_collision_free = True
    _supports_unicode = True
    _supports_trailing_whitespace = True
    _supports_problematic_chars = True

    # --- locking: one transaction per write --------------------------------------------------

    @contextlib.contextmanager
    def acquire_lock(self, mode: str, user: str = "", *args: Any, **kwargs: Any) -> Iterator[None]:
        if mode != "w":
            yield
            return
        serialise = connection.vendor == "sqlite" or connection.allow_thread_sharing
        with _writers if serialise else contextlib.nullcontext(), transaction.atomic():
            depth = getattr(_state, "depth", 0)
            if depth == 0:
                _state.locked = {}
                _state.seen = {}
                _state.parent_row = None
            _state.depth = depth + 1
            try:
                yield
            finally:
                _state.depth = depth
                if depth == 0:
                    _state.locked = {}
                    _state.seen = {}
                    _state.parent_row = None

    def _locked(self, row: DavCollection) -> DavCollection:
        """``row`` with its effective collection (a link's target) locked for this write, so
        the read-check-write of Radicale (If-Match against the stored ETag) is serialised."""
        if not _writing() or not connection.features.has_select_for_update:
            return row  # reading, or SQLite whose transaction already holds the write lock
        target_pk = row.link_target_id or row.pk
        locked: dict[int, DavCollection] = _state.locked
        if target_pk not in locked:
            locked[target_pk] = DavCollection.objects.select_for_update().get(pk=target_pk)
        if row.link_target_id:
            row.link_target = locked[target_pk]
            return row
        return locked[target_pk]

    # --- discovery ---------------------------------------------------------------------------

    def discover(
        self,
        path: str,
        depth: str = "0",
        child_context_manager: ChildContext | None = None,
        user_groups: set[str] = set(),  # noqa: B006 - Radicale's signature
    ) -> Iterator[Any]:
        child_context = child_context_manager or _null_child_context
        sane = pathutils.strip_path(path)
        parent = _parent(sane)
        rows: dict[str, DavCollection] = {}
        just_read = _take_parent_row(sane)
        if just_read is not None:
            rows = {sane: just_read}
        elif sane:
            wanted = [sane, parent] if parent else [sane]
            rows = {
                row.path: row
                for row in DavCollection.objects.filter(path__in=wanted).select_related(
                    "link_target"
                )
            }
        if not sane or sane in rows:
            collection = Collection(self, sane, self._locked(rows[sane]) if sane else None)
            yield collection
            if depth == "0":
                return
            for item in collection.lazy_items():
                with child_context(sane, item.href):
                    yield item
            children = DavCollection.objects.filter(parent=sane).select_related("link_target")
            for child in children.order_by("path"):
                with child_context(child.path, None):
                    yield Collection(self, child.path, child)
            return
        if parent not in rows:
            return
        href = sane.rpartition("/")[2]
        parent_row = self._locked(rows[parent])
        if _writing():
            # A PUT discovers the item, then its parent collection at once: keep the row.
            _state.parent_row = (parent, parent_row)
        found = Collection(self, parent, parent_row)._get(href)
        if found is not None:
            yield found

    # --- writing collections -----------------------------------------------------------------

    def _ensure_ancestors(self, path: str) -> None:
        parts = path.split("/")
        ancestors = ["/".join(parts[:n]) for n in range(1, len(parts))]
        existing = set(
            DavCollection.objects.filter(path__in=ancestors).values_list("path", flat=True)
        )
        for ancestor in ancestors:
            if ancestor not in existing:
                DavCollection.objects.create(
                    path=ancestor, parent=_parent(ancestor), owner=_owner(ancestor)
                )

    def create_collection(
        self,
        href: str,
        items: Iterable[radicale_item.Item] | None = None,
        props: Mapping[str, str] | None = None,
    ) -> tuple[Collection, dict[str, radicale_item.Item], list[str]]:
        sane = pathutils.strip_path(href)
        if not sane:
            return Collection(self, "", None), {}, []
        forget_collection_rows()
        with transaction.atomic(savepoint=False):
            self._ensure_ancestors(sane)
            row = DavCollection.objects.filter(path=sane).first()
            if not props:
                if row is None:
                    row = DavCollection.objects.create(
                        path=sane, parent=_parent(sane), owner=_owner(sane)
                    )
                return Collection(self, sane, row), {}, []
            values = dict(props)
            if row is not None and row.link_target_id:
                row.delete()  # replacing a link replaces the link, never its target
                row = None
            if row is None:
                row = DavCollection.objects.create(
                    path=sane,
                    parent=_parent(sane),
                    owner=_owner(sane),
                    tag=values.get("tag", ""),
                    props=values,
                )
            collection = Collection(self, sane, self._locked(row))
            if row.props != values:
                collection.set_meta(values)
            return (collection, *self._replace_items(collection, items, values.get("tag", "")))

    def _replace_items(
        self, collection: Collection, items: Iterable[radicale_item.Item] | None, tag: str
    ) -> tuple[dict[str, radicale_item.Item], list[str]]:
        """The collection's items become ``items`` (hrefs chosen as the file storage does);
        returns the replaced items by href and the new hrefs."""
        pk = collection._pk()
        if pk is None:
            raise ValueError("The root collection holds no items")
        existing = {row.href: row for row in DavItem.objects.filter(collection_id=pk)}
        suffix = {"VCALENDAR": ".ics", "VADDRESSBOOK": ".vcf"}.get(tag)
        new_rows: list[DavItem] = []
        if items is not None and suffix:
            taken: set[str] = set()
            for item in items:
                href = _free_href(item.uid, suffix, taken)
                taken.add(href)
                new_rows.append(item_row(pk, href, item))
        new_hrefs = {row.href for row in new_rows}
        if not existing and not new_rows:
            return {}, []
        collection._forget()
        revision = collection._bump()
        DavItem.objects.filter(collection_id=pk).delete()
        DavItem.objects.bulk_create(new_rows, batch_size=500)
        collection.record_many(
            sorted(existing.keys() | new_hrefs),
            revision,
            deleted_hrefs=existing.keys() - new_hrefs,
        )
        replaced = {
            href: collection._written(row) for href, row in existing.items() if href in new_hrefs
        }
        return replaced, sorted(new_hrefs - existing.keys())

    def move(self, item: radicale_item.Item, to_collection: Any, to_href: str) -> None:
        if not pathutils.is_safe_filesystem_path_component(to_href):
            raise pathutils.UnsafePathError(to_href)
        source = item.collection
        if not (isinstance(source, Collection) and isinstance(to_collection, Collection)):
            raise ValueError("Items move only between collections of this storage")
        if not item.href:
            raise ValueError("Only stored items can be moved")
        source_pk, target_pk = source._pk(), to_collection._pk()
        if target_pk is None:
            raise ValueError("Items cannot be moved to the root collection")
        with transaction.atomic(savepoint=False):
            row = DavItem.objects.filter(collection_id=source_pk, href=item.href).first()
            if row is None:
                raise ValueError(f"Failed to move {item.href!r}: not found")
            if source_pk == target_pk and item.href == to_href:
                return
            source._forget()
            DavItem.objects.filter(collection_id=target_pk, href=to_href).delete()
            target_revision = to_collection._bump()
            source_revision = target_revision if source_pk == target_pk else source._bump()
            DavItem.objects.filter(pk=row.pk).update(collection_id=target_pk, href=to_href)
            source._record(item.href, source_revision, deleted=True)
            to_collection._record(to_href, target_revision, deleted=False)

    def verify(self) -> bool:
        """Every item's text parses and matches its ETag."""
        ok = True
        for row in DavItem.objects.select_related("collection").iterator(chunk_size=500):
            try:
                components = radicale_item.read_components(row.text)
                radicale_item.check_and_sanitize_items(
                    components,
                    self.configuration.get("server", "max_vevent_rrule_occurrence"),
                    tag=row.collection.tag,
                )
            except Exception as exc:  # vobject raises many kinds of errors
                logger.error("Invalid item %r in %r: %s", row.href, row.collection.path, exc)
                ok = False
                continue
            if radicale_item.get_etag(row.text) != row.etag:
                logger.error("Wrong ETag for %r in %r", row.href, row.collection.path)
                ok = False
        return ok


def _free_href(uid: str, suffix: str, taken: set[str]) -> str:
    def free(href: str) -> bool:
        return pathutils.is_safe_filesystem_path_component(href) and href not in taken

    for href in (
        uid if uid.lower().endswith(suffix.lower()) else uid + suffix,
        radicale_item.get_etag(uid).strip('"') + suffix,
    ):
        if free(href):
            return href
    return radicale_item.find_available_uid(lambda href: not free(href), suffix)
