"""A Radicale collection backed by ``DavCollection``/``DavItem``/``DavChange`` rows."""

from __future__ import annotations

import hashlib
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.http import http_date
from radicale import item as radicale_item
from radicale import pathutils
from radicale import storage as radicale_storage
from radicale.item import filter as radicale_filter

from calendars.models import DavChange, DavCollection, DavItem

if TYPE_CHECKING:
    from calendars.dav.dbstorage.storage import Storage

SYNC_PREFIX = "http://radicale.org/ns/sync/"
TOKEN_NAME = re.compile(r"maillage-(\d+)-(\d+)")
# Items spanning at most this long are found through the index on ``start`` alone; longer ones
# (recurring series, unbounded items) are few and tested on both bounds.
LONG_SPAN_S = 7 * 24 * 3600
PAGE = 1000
_RETURNING_VENDORS = frozenset({"postgresql", "sqlite"})  # UPDATE … RETURNING (SQLite ≥ 3.35)
_BUMP_SQL = (  # the table name is the model's, never user input
    f'UPDATE "{DavCollection._meta.db_table}" SET "revision" = "revision" + 1, '  # noqa: S608
    '"modified_at" = %s WHERE "id" = %s RETURNING "revision"'
)
# Columns of a stored item read for listings: all that Radicale asks of an item but its text.
ROW_FIELDS = ("id", "href", "etag", "uid", "component", "name", "start", "end", "modified_at")
Row = tuple[Any, ...]  # ROW_FIELDS, then "text" when it was read with them

# The current write of this thread (Radicale's "w" lock, one transaction; see Storage):
# ``locked`` holds the collection rows this transaction locked (by pk), ``seen`` the item rows
# (or None, absent) read from those collections since they were locked, by (pk, href).
_state = threading.local()


def _writing() -> bool:
    return getattr(_state, "depth", 0) > 0


def _take_parent_row(path: str) -> DavCollection | None:
    """The row of ``path`` if the previous discover() of this write read it as the parent of an
    item (Radicale's PUT, DELETE and MOVE discover the item, then its collection); once only."""
    remembered = getattr(_state, "parent_row", None)
    if remembered is None or not _writing():
        return None
    _state.parent_row = None
    return remembered[1] if remembered[0] == path else None


def forget_collection_rows() -> None:
    """Before a collection row is created or deleted in this write: nothing remembered stays."""
    _state.parent_row = None


def _held(pk: int) -> bool:
    """Whether this transaction holds the row lock of collection ``pk``: then no other writer
    can change its items until commit (every writer takes that lock before writing an item, and
    inserting an item needs a key-share lock on that row), so item rows read under it stay true
    until this transaction changes them itself."""
    return pk in getattr(_state, "locked", {})


def item_bounds(item: radicale_item.Item) -> tuple[int | None, int | None, bool]:
    """(start, end, is_long) of an item for the time-range index; None is unbounded."""
    start, end = item.time_range
    low = None if start <= radicale_filter.TIMESTAMP_MIN else start
    high = None if end >= radicale_filter.TIMESTAMP_MAX else end
    return low, high, low is None or high is None or high - low > LONG_SPAN_S


def item_row(collection_id: int, href: str, item: radicale_item.Item) -> DavItem:
    """A new (unsaved) row for ``item``, its text exactly as Radicale serializes it."""
    text = item.serialize()
    start, end, is_long = item_bounds(item)
    return DavItem(
        collection_id=collection_id,
        href=href,
        uid=item.uid,
        component=item.component_name,
        name=item.name,
        text=text,
        etag=radicale_item.get_etag(text),
        start=start,
        end=end,
        is_long=is_long,
        modified_at=timezone.now(),
    )


class _StoredItem(radicale_item.Item):
    """An item made from a stored row without parsing or sanitizing anything: ETag, UID,
    component and time range come from columns, the text is read only when someone asks for
    it (for a whole page of items at once), vobject parses only when a property needs it.

    A PROPFIND or sync-collection of ETags thus never reads an item's text."""

    _texts: _PageTexts | None
    _pk: int
    _modified: Any
    _modified_text: str | None = None

    def __init__(self, collection: Collection, row: Row, texts: _PageTexts | None) -> None:
        # Item.__init__ sanitizes the collection path twice per item (asserts): a noticeable
        # share of listing 10,000 items. Stored rows are already clean: set the attributes.
        pk, href, etag, uid, component, name, start, end, modified = row[:9]
        self._collection_path = collection.path
        self.collection = collection
        self.href = href
        self._vobject_item = None
        self._text = row[9] if len(row) > 9 else None
        self._texts = texts
        self._pk = pk
        self._modified = modified
        self._etag = etag
        self._uid = uid
        self._name = name
        self._component_name = component
        self._time_range = (
            radicale_filter.TIMESTAMP_MIN if start is None else start,
            radicale_filter.TIMESTAMP_MAX if end is None else end,
        )

    @property
    def last_modified(self) -> str:
        # Formatted on demand: a listing of ETags never asks for it.
        if self._modified_text is None:
            self._modified_text = http_date(self._modified.timestamp())
        return self._modified_text

    @last_modified.setter
    def last_modified(self, value: str) -> None:
        self._modified_text = value

    def _load(self) -> None:
        if self._text is None and self._vobject_item is None and self._texts is not None:
            self._text = self._texts.text(self._pk, self.href)

    def serialize(self) -> str:
        self._load()
        return super().serialize()

    @property
    def vobject_item(self) -> Any:
        self._load()
        return super().vobject_item


class _PageTexts:
    """The texts of one page of listed items, read in one query the first time one is needed
    (a multiget asking calendar-data costs one query per page, not one per item)."""

    def __init__(self, pks: list[int]) -> None:
        self._pks = pks
        self._texts: dict[int, str] | None = None

    def text(self, pk: int, href: str | None) -> str:
        if self._texts is None:
            self._texts = dict(
                DavItem.objects.filter(pk__in=self._pks).values_list("id", "text").iterator()
            )
        try:
            return self._texts[pk]
        except KeyError:
            # Listed, then deleted or replaced by another writer before its text was read.
            raise RuntimeError(f"Item {href!r} changed while it was being read") from None


class Collection(radicale_storage.BaseCollection):
    def __init__(self, storage: Storage, path: str, row: DavCollection | None) -> None:
        self._storage = storage
        self._path = path
        self._row = row  # the row at ``path`` (a link row for links); None for the root
        self._data = row.link_target if row is not None and row.link_target_id else row

    # --- identity and properties -------------------------------------------------------------

    @property
    def path(self) -> str:
        return self._path

    @property
    def is_link(self) -> bool:
        return bool(self._row is not None and self._row.link_target_id)

    def _pk(self) -> int | None:
        return self._data.pk if self._data is not None else None

    def _stored_pk(self) -> int:
        if self._data is None:
            raise ValueError("The root collection holds no items")
        return int(self._data.pk)

    def get_meta(self, key: str | None = None) -> Any:
        props = dict(self._data.props) if self._data is not None else {}
        return props if key is None else props.get(key)

    def set_meta(self, props: Mapping[str, str]) -> None:
        if self._data is None:
            raise ValueError("The root collection has no properties")
        values = dict(props)
        now = timezone.now()
        DavCollection.objects.filter(pk=self._data.pk).update(
            props=values, tag=values.get("tag", ""), modified_at=now
        )
        self._data.props, self._data.tag, self._data.modified_at = (
            values,
            values.get("tag", ""),
            now,
        )

    @property
    def last_modified(self) -> str:
        moment = self._data.modified_at if self._data is not None else timezone.now()
        return http_date(moment.timestamp())

    @property
    def etag(self) -> str:
        # Changes with every item change (revision) and property change: no need to hash the
        # ETags of every item as the base class does.
        digest = hashlib.sha256()
        if self._data is not None:
            digest.update(f"{self._data.pk}/{self._data.revision}/".encode())
            digest.update(json.dumps(self._data.props, sort_keys=True).encode())
        return f'"{digest.hexdigest()}"'

    # --- reading items -----------------------------------------------------------------------

    def _items(self) -> QuerySet[DavItem]:
        return DavItem.objects.filter(collection_id=self._pk())

    def _item(self, row: Row, texts: _PageTexts | None = None) -> radicale_item.Item:
        return _StoredItem(self, row, texts)

    def _written(self, row: DavItem) -> radicale_item.Item:
        """The item of a row this process holds (just written or replaced), text included."""
        return self._item((*(getattr(row, field) for field in ROW_FIELDS), row.text))

    def _pages(self, queryset: QuerySet[DavItem], *fields: str) -> Iterator[list[Row]]:
        """Pages of ``fields`` tuples by href (keyset pagination on the unique index, href
        second): memory stays flat and no cursor stays open between pages."""
        if self._data is None:
            return
        last: str | None = None
        while True:
            page = queryset if last is None else queryset.filter(href__gt=last)
            rows = list(page.order_by("href").values_list(*fields)[:PAGE])
            if rows:
                yield rows
            if len(rows) < PAGE:
                return
            last = rows[-1][1]

    def _listed(self, queryset: QuerySet[DavItem]) -> Iterator[radicale_item.Item]:
        """Items of ``queryset`` without their texts, read a page at a time if needed."""
        for rows in self._pages(queryset, *ROW_FIELDS):
            texts = _PageTexts([row[0] for row in rows])
            for row in rows:
                yield self._item(row, texts)

    def _get(self, href: str) -> radicale_item.Item | None:
        if self._data is None:
            return None
        row = self._items().filter(href=href).values_list(*ROW_FIELDS, "text").first()
        if _held(self._data.pk):
            # A PUT reads the item (If-Match), then writes it: upload() reuses this row.
            _state.seen[self._data.pk, href] = row
        return self._item(row) if row is not None else None

    def _stored_row(self, href: str) -> Row | None:
        """The row of ``href`` with its text, as read under this transaction's lock if it was."""
        pk = self._stored_pk()
        if _held(pk) and (pk, href) in _state.seen:
            return _state.seen[pk, href]  # type: ignore[no-any-return]
        return self._items().filter(href=href).values_list(*ROW_FIELDS, "text").first()

    def _forget(self, href: str | None = None) -> None:
        """Drop the item rows remembered under the lock (one href, or all) before a write."""
        seen: dict[tuple[int, str], Row | None] = getattr(_state, "seen", {})
        if href is None:
            seen.clear()
        else:
            seen.pop((self._stored_pk(), href), None)

    def lazy_items(self) -> Iterator[radicale_item.Item]:
        return self._listed(self._items())

    def get_multi(self, hrefs: Iterable[str]) -> Iterator[tuple[str, radicale_item.Item | None]]:
        wanted = list(dict.fromkeys(hrefs))
        for index in range(0, len(wanted), PAGE):
            chunk = wanted[index : index + PAGE]
            found: dict[str, radicale_item.Item] = {}
            if self._data is not None:
                rows = list(self._items().filter(href__in=chunk).values_list(*ROW_FIELDS))
                texts = _PageTexts([row[0] for row in rows])
                found = {row[1]: self._item(row, texts) for row in rows}
            for href in chunk:
                yield href, found.get(href)

    def get_all(self) -> Iterator[radicale_item.Item]:
        return self._listed(self._items())

    def get_filtered(
        self, filters: Iterable[ET.Element]
    ) -> Iterator[tuple[radicale_item.Item, bool]]:
        """Candidates by the stored bounds (index), then Radicale's exact filters run on them
        (``simple`` tells Radicale when the prefilter alone decided)."""
        if not self.tag or self._data is None:
            return
        tag, start, end, simple = radicale_filter.simplify_prefilters(filters, self.tag)
        queryset = self._items()
        if tag is not None:
            queryset = queryset.filter(component=tag)
        if start <= radicale_filter.TIMESTAMP_MIN and end >= radicale_filter.TIMESTAMP_MAX:
            candidates: Iterable[radicale_item.Item] = self._listed(queryset)
        else:
            # Short items: an index range on (collection, is_long, start); long ones are few.
            short = queryset.filter(
                is_long=False, start__gte=start - LONG_SPAN_S, start__lt=end, end__gt=start
            )
            long = queryset.filter(is_long=True).filter(
                Q(start__isnull=True) | Q(start__lt=end), Q(end__isnull=True) | Q(end__gt=start)
            )
            candidates = (
                self._item(row)
                for part in (short, long)
                for rows in self._pages(part, *ROW_FIELDS, "text")
                for row in rows
            )
        for item in candidates:
            istart, iend = item.time_range
            if istart >= end or iend <= start:
                continue
            yield item, simple and (start <= istart or iend <= end)

    def has_uid(self, uid: str) -> bool:
        return self._data is not None and self._items().filter(uid=uid).exists()

    # --- sync (RFC 6578) ---------------------------------------------------------------------

    def _token(self) -> str:
        if self._data is None:
            raise ValueError("The root collection has no sync token")
        return f"{SYNC_PREFIX}maillage-{self._data.pk}-{self._data.revision}"

    def sync(self, old_token: str = "") -> tuple[str, Iterable[str]]:
        """The current token and the hrefs changed (deleted ones included) since ``old_token``;
        ValueError for a token this collection did not issue or whose history was pruned."""
        if self._data is None:
            if old_token:
                raise ValueError(f"Token not found: {old_token!r}")
            return f"{SYNC_PREFIX}maillage-root", ()
        token = self._token()
        pk, revision = self._data.pk, self._data.revision
        if not old_token:
            return token, (
                row[1] for rows in self._pages(self._items(), "id", "href") for row in rows
            )
        match = TOKEN_NAME.fullmatch(old_token.removeprefix(SYNC_PREFIX))
        if not old_token.startswith(SYNC_PREFIX) or match is None:
            raise ValueError(f"Malformed token: {old_token!r}")
        old_pk, old_revision = int(match.group(1)), int(match.group(2))
        if old_pk != pk or old_revision > revision or old_revision < self._data.sync_floor:
            raise ValueError(f"Token not found: {old_token!r}")
        if old_revision == revision:
            return token, ()
        changed = DavChange.objects.filter(
            collection_id=pk, revision__gt=old_revision, revision__lte=revision
        ).values_list("href", flat=True)
        return token, list(changed)

    # --- writing -----------------------------------------------------------------------------

    def _bump(self) -> int:
        """Next revision of the collection (the UPDATE also locks its row until commit)."""
        if self._data is None:
            raise ValueError("The root collection holds no items")
        now = timezone.now()
        if connection.vendor in _RETURNING_VENDORS:
            # One round trip inside the lock instead of UPDATE then SELECT.
            with connection.cursor() as cursor:
                cursor.execute(
                    _BUMP_SQL, [connection.ops.adapt_datetimefield_value(now), self._data.pk]
                )
                (revision,) = cursor.fetchone()
            self._data.revision = int(revision)
        else:
            rows = DavCollection.objects.filter(pk=self._data.pk)
            rows.update(revision=F("revision") + 1, modified_at=now)
            self._data.revision = rows.values_list("revision", flat=True).get()
        self._data.modified_at = now
        return int(self._data.revision)

    def _record(self, href: str, revision: int, *, deleted: bool) -> None:
        """The href's change row says ``revision`` (one upsert on the unique collection+href)."""
        DavChange.objects.bulk_create(
            [
                DavChange(
                    collection_id=self._stored_pk(),
                    href=href,
                    revision=revision,
                    deleted=deleted,
                    changed_at=timezone.now(),
                )
            ],
            update_conflicts=True,
            unique_fields=["collection", "href"],
            update_fields=["revision", "deleted", "changed_at"],
        )

    def record_many(self, hrefs: Iterable[str], revision: int, *, deleted_hrefs: set[str]) -> None:
        hrefs = list(hrefs)
        pk = self._stored_pk()
        now = timezone.now()
        for index in range(0, len(hrefs), 500):
            chunk = hrefs[index : index + 500]
            DavChange.objects.filter(collection_id=pk, href__in=chunk).delete()
            DavChange.objects.bulk_create(
                DavChange(
                    collection_id=pk,
                    href=href,
                    revision=revision,
                    deleted=href in deleted_hrefs,
                    changed_at=now,
                )
                for href in chunk
            )

    def upload(
        self, href: str, item: radicale_item.Item
    ) -> tuple[radicale_item.Item, radicale_item.Item | None]:
        if not pathutils.is_safe_filesystem_path_component(href):
            raise pathutils.UnsafePathError(href)
        if self._data is None:
            raise ValueError("Items cannot be stored in the root collection")
        new = item_row(self._data.pk, href, item)
        with transaction.atomic(savepoint=False):
            revision = self._bump()  # locks the row if discover() did not (a read-only caller)
            old = self._stored_row(href)
            self._forget(href)
            if old is None:
                new.save(force_insert=True)
            else:
                new.pk = old[0]
                new.save(force_update=True)
            self._record(href, revision, deleted=False)
        return self._written(new), (self._item(old) if old is not None else None)

    def delete(self, href: str | None = None) -> None:
        if href is None:
            if self._row is None:
                raise ValueError("The root collection cannot be deleted")
            self._forget()
            forget_collection_rows()
            with transaction.atomic(savepoint=False):
                if self.is_link:
                    DavCollection.objects.filter(pk=self._row.pk).delete()
                else:
                    DavCollection.objects.filter(
                        Q(pk=self._row.pk) | Q(path__startswith=self._row.path + "/")
                    ).delete()
            return
        if not pathutils.is_safe_filesystem_path_component(href):
            raise pathutils.UnsafePathError(href)
        with transaction.atomic(savepoint=False):
            if self._data is not None:
                self._forget(href)
            deleted, _ = self._items().filter(href=href).delete() if self._data else (0, {})
            if not deleted:
                raise radicale_storage.ComponentNotFoundError(href)
            self._record(href, self._bump(), deleted=True)
