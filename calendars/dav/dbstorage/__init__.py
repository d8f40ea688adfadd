"""Radicale's storage in the Django database (``[storage] type = calendars.dav.dbstorage``).

Why: the file storage's write cost grows with the calendar (every PUT rewrites caches and
history), it ties Radicale to one machine through file locks, and time-range REPORTs read every
item. Here a collection is a row, an item is a row holding the exact text Radicale stored, with
its ETag and time bounds (indexed), and a change log gives RFC 6578 sync in what changed.

Locking: Radicale's "w" lock is one database transaction; under it the first ``discover`` of a
collection locks that collection's row (``SELECT … FOR UPDATE`` on PostgreSQL, the database
write lock on SQLite), so If-Match checks and writes of one collection are serialised across
threads, processes and machines: a stale writer reads the new ETag and gets 412.

Links: a member's home shows space calendars and address books through link rows
(``link_target``); Radicale sees a collection at the link's path with the target's items and
properties, as it did through symbolic links in the file storage.
"""

import functools

from radicale import pathutils

from calendars.dav.bootstrap import ensure_django

ensure_django()

if not hasattr(pathutils.sanitize_path, "cache_info"):
    # Radicale sanitizes its collection's path again for every item it lists (several times per
    # item in a PROPFIND or sync-collection, assertions included): a third of the time of a
    # 10,000-item listing. The function is pure and sees few distinct paths: memoised.
    pathutils.sanitize_path = functools.lru_cache(maxsize=4096)(pathutils.sanitize_path)

from calendars.dav.dbstorage.collection import Collection  # noqa: E402
from calendars.dav.dbstorage.storage import Storage  # noqa: E402

__all__ = ["Collection", "Storage"]
