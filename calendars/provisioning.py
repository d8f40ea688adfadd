"""Creating collections in Radicale's storage and keeping each member's links to space calendars.

Space calendars are stored once under /spaces/<slug>/<cal>/; each member's home holds a link
(a symbolic link in the file storage) so that any client given only the server URL discovers
them in the calendar home it already lists. The rights plugin decides access on every request,
so a stale link never grants anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import radicale.storage
from radicale import pathutils

from calendars.dav.app import radicale_configuration
from calendars.dav.paths import (
    LINK_PREFIX,
    PERSONAL_DEFAULT,
    link_name,
    principal_for,
    space_collection,
)

_storages: dict[str, Any] = {}


def _storage() -> Any:
    """Radicale's storage for the configured folder, loaded once (loading probes the file
    system, ~10 ms)."""
    from django.conf import settings

    key = str(settings.RADICALE_STORAGE_DIR)
    if key not in _storages:
        _storages[key] = radicale.storage.load(radicale_configuration())
    return _storages[key]


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


def _ensure(storage: Any, path: str, props: dict[str, str] | None) -> None:
    if not (_root(storage) / path).is_dir():
        storage.create_collection(_sane(path), props=props)


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


def sync_links(email: str, wanted: list[tuple[str, str]]) -> None:
    """Make the links in ``email``'s home exactly ``wanted`` (space slug, calendar slug)."""
    ensure_home(email)
    storage = _storage()
    with storage.acquire_lock("w"):
        home = _root(storage) / principal_for(email)
        wanted_names = {link_name(s, c): (s, c) for s, c in wanted}
        for entry in home.iterdir():
            stale = entry.name not in wanted_names
            if entry.name.startswith(LINK_PREFIX) and entry.is_symlink() and stale:
                entry.unlink()
        for name, (space_slug, calendar_slug) in wanted_names.items():
            link = home / name
            target = _root(storage) / space_collection(space_slug, calendar_slug)
            if os.path.lexists(link) or not target.is_dir():
                # already linked, or the name is taken by something that is not our link (never
                # crash here: this runs for every member of a space after each change)
                continue
            os.symlink(os.path.relpath(target, home), link)


def delete_space_calendar(space_slug: str, calendar_slug: str) -> None:
    storage = _storage()
    with storage.acquire_lock("w"):
        path = space_collection(space_slug, calendar_slug)
        if (_root(storage) / path).is_dir():
            (collection,) = list(storage.discover(_sane(path)))
            collection.delete()
