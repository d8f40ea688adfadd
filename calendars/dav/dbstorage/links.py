"""Links in the database storage: a row in a home pointing at a space collection."""

from __future__ import annotations

from collections.abc import Iterable

from calendars.dav.dbstorage.collection import forget_collection_rows
from calendars.models import DavCollection


def make_link(home: str, name: str, target: str) -> bool:
    """Link ``home/name`` to the collection at ``target``; False (nothing done) when the target
    is missing or the name is taken by something else, as with a symbolic link."""
    forget_collection_rows()
    target_row = DavCollection.objects.filter(path=target, link_target__isnull=True).first()
    path = f"{home}/{name}"
    if target_row is None or DavCollection.objects.filter(path=path).exists():
        return False
    DavCollection.objects.create(
        path=path,
        parent=home,
        owner=home.split("/", 1)[0],
        tag=target_row.tag,
        link_target=target_row,
    )
    return True


def remove_links(home: str, *, prefixes: Iterable[str], keep: Iterable[str] = ()) -> int:
    """Remove the links in ``home`` whose name starts with one of ``prefixes``, except ``keep``
    (only links: a collection that merely has such a name is left alone)."""
    forget_collection_rows()
    kept = {f"{home}/{name}" for name in keep}
    stale = [
        pk
        for pk, path in DavCollection.objects.filter(
            parent=home, link_target__isnull=False
        ).values_list("pk", "path")
        if path.rpartition("/")[2].startswith(tuple(prefixes)) and path not in kept
    ]
    deleted, _ = DavCollection.objects.filter(pk__in=stale).delete()
    return deleted
