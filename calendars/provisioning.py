"""Creating collections in Radicale's storage and keeping each member's links to space
calendars and address books.

Space calendars are stored once under /spaces/<slug>/<cal>/ and space address books under
/addressbooks/<slug>/; each member's home holds a link (a symbolic link in the file storage) so
that any client given only the server URL discovers them in the home it already lists (Radicale
answers the same home for calendar-home-set and addressbook-home-set). The rights plugin decides
access on every request, so a stale link never grants anything.

Published read-only calendars (calendars/services/published_calendars.py) are stored under
/published/<key>/ and linked the same way, as ``publie-<key>`` in their readers' homes.

A link is a symbolic link in the file storage and a link row in the database storage
(``make_link``/``remove_links`` hide which).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from radicale import pathutils
from radicale import storage as radicale_storage

from calendars.dav.app import load_storage
from calendars.dav.paths import (
    ADDRESS_BOOK_LINK_PREFIX,
    LINK_PREFIX,
    PERSONAL_DEFAULT,
    address_book_collection,
    address_book_link_name,
    link_name,
    principal_for,
    published_collection,
    published_link_name,
    space_collection,
)


def _storage() -> Any:
    """Radicale's storage as configured (file or database), loaded once."""
    return load_storage()


def _is_database(storage: Any) -> bool:
    from calendars.dav.dbstorage import Storage

    return isinstance(storage, Storage)


def _root(storage: Any) -> Path:
    return Path(storage._get_collection_root_folder())


def calendar_props(name: str, color: str, description: str = "") -> dict[str, str]:
    props = {
        "tag": "VCALENDAR",
        "D:displayname": name,
        "ICAL:calendar-color": color,
        "C:supported-calendar-component-set": "VEVENT,VTODO",
    }
    if description:
        props["C:calendar-description"] = description
    return props


def _sane(path: str) -> str:
    return pathutils.sanitize_path("/" + path.strip("/") + "/")


def _exists(storage: Any, path: str) -> bool:
    if not _is_database(storage):
        return (_root(storage) / path).is_dir()
    found = next(iter(storage.discover(_sane(path))), None)
    return isinstance(found, radicale_storage.BaseCollection)


def _ensure(storage: Any, path: str, props: dict[str, str] | None) -> None:
    if not _exists(storage, path):
        storage.create_collection(_sane(path), props=props)


def make_link(storage: Any, home: str, name: str, target: str) -> None:
    """Link ``home/name`` to the collection at ``target`` (both storage paths), unless the
    target is missing or the name is already taken (never crash: this runs for every member of
    a space after each change). Call under the storage's write lock."""
    if _is_database(storage):
        from calendars.dav.dbstorage.links import make_link as make_link_row

        make_link_row(home, name, target)
        return
    home_dir = _root(storage) / home
    link = home_dir / name
    target_dir = _root(storage) / target
    if os.path.lexists(link) or not target_dir.is_dir():
        return
    os.symlink(os.path.relpath(target_dir, home_dir), link)


def remove_links(
    storage: Any, home: str, *, prefixes: Iterable[str], keep: Iterable[str] = ()
) -> None:
    """Remove the links in ``home`` named with one of ``prefixes``, except the names in
    ``keep``; collections that are not links are left alone. Call under the write lock."""
    prefixes, kept = tuple(prefixes), set(keep)
    if _is_database(storage):
        from calendars.dav.dbstorage.links import remove_links as remove_link_rows

        remove_link_rows(home, prefixes=prefixes, keep=kept)
        return
    home_dir = _root(storage) / home
    if not home_dir.is_dir():
        return
    for entry in home_dir.iterdir():
        if entry.name.startswith(prefixes) and entry.is_symlink() and entry.name not in kept:
            entry.unlink()


@contextmanager
def locked_collection(path: str, props: dict[str, str]) -> Iterator[Any]:
    """The collection at ``path`` (created with ``props`` if missing) under the storage's write
    lock, for changes made through Radicale's own API (so caches and sync tokens stay right)."""
    storage = _storage()
    with storage.acquire_lock("w"):
        _ensure(storage, path, props)
        (collection,) = list(storage.discover(_sane(path)))
        yield collection


@contextmanager
def write_locked_storage() -> Iterator[Any]:
    """The storage under its write lock, for a caller that reads before deciding what to
    create or write (with ``find_collection`` and ``create_collection``)."""
    storage = _storage()
    with storage.acquire_lock("w"):
        yield storage


def find_collection(storage: Any, path: str) -> Any | None:
    """The collection at ``path``, or None when it does not exist (nothing is created)."""
    if not _exists(storage, path):
        return None
    (collection,) = list(storage.discover(_sane(path)))
    return collection


def create_collection(storage: Any, path: str, props: dict[str, str]) -> Any:
    """The collection at ``path``, created with ``props`` if missing. Call under the lock."""
    _ensure(storage, path, props)
    (collection,) = list(storage.discover(_sane(path)))
    return collection


def delete_collection(path: str) -> None:
    """Delete the collection at ``path`` and its items, if it exists."""
    storage = _storage()
    with storage.acquire_lock("w"):
        if _exists(storage, path):
            (collection,) = list(storage.discover(_sane(path)))
            collection.delete()


def ensure_space_calendar(space_slug: str, calendar_slug: str, name: str, color: str) -> None:
    storage = _storage()
    with storage.acquire_lock("w"):
        _ensure(storage, space_collection(space_slug, calendar_slug), calendar_props(name, color))


def update_space_calendar_props(space_slug: str, calendar_slug: str, name: str, color: str) -> None:
    storage = _storage()
    with storage.acquire_lock("w"):
        path = space_collection(space_slug, calendar_slug)
        _ensure(storage, path, calendar_props(name, color))
        (collection,) = list(storage.discover(_sane(path)))
        meta = dict(collection.get_meta())
        meta.update({"D:displayname": name, "ICAL:calendar-color": color})
        collection.set_meta(meta)


def ensure_home(email: str) -> None:
    """The person's home and default personal calendar."""
    principal = principal_for(email)
    storage = _storage()
    with storage.acquire_lock("w"):
        _ensure(storage, principal, None)
        _ensure(
            storage,
            f"{principal}/{PERSONAL_DEFAULT}",
            calendar_props("Personnel", "#1d4ed8"),
        )


def sync_links(
    email: str, wanted: list[tuple[str, str]], *, address_books: list[str] | None = None
) -> None:
    """Make the calendar links in ``email``'s home exactly ``wanted`` (space slug, calendar slug)
    and, when ``address_books`` (space slugs) is given, the address-book links too."""
    links = {link_name(s, c): space_collection(s, c) for s, c in wanted}
    prefixes = [LINK_PREFIX]
    if address_books is not None:
        links.update({address_book_link_name(s): address_book_collection(s) for s in address_books})
        prefixes.append(ADDRESS_BOOK_LINK_PREFIX)
    ensure_home(email)
    storage = _storage()
    home = principal_for(email)
    with storage.acquire_lock("w"):
        remove_links(storage, home, prefixes=prefixes, keep=links)
        for name, target_path in links.items():
            make_link(storage, home, name, target_path)


def delete_space_calendar(space_slug: str, calendar_slug: str) -> None:
    delete_collection(space_collection(space_slug, calendar_slug))


def sync_published_links(email: str, keys: Iterable[str], *, prefix: str) -> None:
    """Make the links in ``email``'s home to published calendars whose key starts with
    ``prefix`` exactly ``keys`` (links to missing calendars are skipped; other apps' published
    links are left alone)."""
    links = {published_link_name(key): published_collection(key) for key in keys}
    ensure_home(email)
    storage = _storage()
    home = principal_for(email)
    with storage.acquire_lock("w"):
        remove_links(storage, home, prefixes=[published_link_name(prefix)], keep=links)
        for name, target_path in links.items():
            make_link(storage, home, name, target_path)


def delete_published(key: str) -> None:
    """Delete a published calendar and every link to it (a dangling symbolic link would
    otherwise stay in the file storage; link rows go with their target in the database)."""
    storage = _storage()
    path = published_collection(key)
    with storage.acquire_lock("w"):
        if not _is_database(storage):
            name = published_link_name(key)
            for home in _root(storage).iterdir():
                link = home / name
                if "@" in home.name and link.is_symlink():
                    link.unlink()
        if _exists(storage, path):
            (collection,) = list(storage.discover(_sane(path)))
            collection.delete()
