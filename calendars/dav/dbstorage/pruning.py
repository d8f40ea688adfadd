"""Pruning the sync history of the database storage (``manage.py dav_storage prune``, daily).

The change log keeps one row per href; items that still exist keep theirs (it costs what the
item costs), but a deleted item leaves a tombstone forever. Tombstones older than
``DAV_CHANGE_RETENTION_DAYS`` are deleted, and the collection's ``sync_floor`` rises to the
newest revision deleted: a client whose token is older than the floor could miss a deletion, so
its token is refused (RFC 6578 ``valid-sync-token``, 403) and it does a full sync; any newer
token still sees every change after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from calendars.models import DavChange, DavCollection


@dataclass(frozen=True)
class PruneReport:
    collections: int
    deleted: int
    older_than_days: int

    def lines(self) -> list[str]:
        return [
            f"Sync history older than {self.older_than_days} day(s): {self.deleted} deletion "
            f"record(s) removed from {self.collections} collection(s)."
        ]


def prune_sync_history(*, older_than_days: int | None = None) -> PruneReport:
    """Delete the deletion records (tombstones) older than the retention period and raise the
    sync floor of their collections accordingly. Idempotent."""
    days = settings.DAV_CHANGE_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 0:
        raise ValueError("The retention period cannot be negative")
    cutoff = timezone.now() - timedelta(days=days)
    floors = (
        DavChange.objects.filter(deleted=True, changed_at__lt=cutoff)
        .values("collection_id")
        .annotate(floor=Max("revision"))
        .order_by("collection_id")
    )
    collections = deleted = 0
    for entry in list(floors):
        pruned = _prune_collection(entry["collection_id"], entry["floor"])
        collections += 1 if pruned else 0
        deleted += pruned
    return PruneReport(collections=collections, deleted=deleted, older_than_days=days)


def _prune_collection(collection_id: int, floor: int) -> int:
    # Under the collection's lock, like a write: no item change interleaves with the floor.
    with transaction.atomic():
        row = DavCollection.objects.select_for_update().filter(pk=collection_id).first()
        if row is None:
            return 0
        # Every tombstone up to the floor goes (even one stamped a little later by a server
        # with a clock ahead): tokens below the floor are refused anyway.
        deleted, _ = DavChange.objects.filter(
            collection_id=collection_id, deleted=True, revision__lte=floor
        ).delete()
        if floor > row.sync_floor:
            DavCollection.objects.filter(pk=collection_id).update(sync_floor=floor)
        return deleted
