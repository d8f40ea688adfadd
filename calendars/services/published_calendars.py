"""Published calendars: read-only calendars that Maillage writes for an app (training's session
calendars), stored once at /published/<key>/ and linked into chosen people's homes as
``publie-<key>``, where any CalDAV client given only the server URL discovers them.

- An app declares the keys it publishes, by prefix, and who may read one:
  ``register_published_calendars("formation-", can_read)`` from its ``AppConfig.ready()``;
  ``can_read(user, key) -> bool`` is asked on every DAV request (Radicale's rights plugin,
  through ``calendars.policy``) and for every fetch of an iCal feed URL. A link in a home grants
  nothing by itself: a person the callback refuses gets nothing, even with a link or a guessed
  path; the /published/ tree is never reachable directly.
- ``replace_published_calendar(key, ...)`` makes the calendar hold exactly the given VCALENDAR
  texts (unchanged ones keep their ETag; everything is checked before anything is written).
- ``sync_published_links(email, keys, prefix=...)`` makes the person's links to the app's
  calendars exactly ``keys`` (an app decides, per person, which of its calendars they see).
- ``delete_published_calendar(key)`` removes a calendar and the links to it.

Radicale's storage is not transactional: call these after commit (a task).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from calendars import provisioning
from calendars.dav.paths import published_collection, published_link_name
from calendars.services import stored_items
from calendars.services.stored_items import InvalidItem, ItemsSyncResult

__all__ = [
    "InvalidEvent",
    "ItemsSyncResult",
    "can_read_published",
    "delete_published_calendar",
    "published_link_name",
    "register_published_calendars",
    "replace_published_calendar",
    "sync_published_links",
]

EVENT_SUFFIX = ".ics"
# A key is one path segment of the DAV tree: lower-case, digits and dashes.
KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,100}")

ReadCheck = Callable[[Any, str], bool]
_readers: dict[str, ReadCheck] = {}


class InvalidEvent(InvalidItem):
    """An event key that cannot be a file name, or a text that is not one calendar object."""


def register_published_calendars(prefix: str, can_read: ReadCheck) -> None:
    """Declare that keys starting with ``prefix`` (e.g. "formation-") are published by the
    caller, readable by the users for whom ``can_read(user, key)`` is true. Registering a
    prefix again replaces its callback."""
    if not KEY.fullmatch(prefix) or not prefix.endswith("-"):
        raise ValueError(f"Published calendar prefix {prefix!r} must look like 'name-'")
    _readers[prefix] = can_read


def _reader_for(key: str) -> ReadCheck | None:
    prefixes = [prefix for prefix in _readers if key.startswith(prefix)]
    return _readers[max(prefixes, key=len)] if prefixes else None


def _check_key(key: str) -> None:
    if not KEY.fullmatch(key) or _reader_for(key) is None:
        raise ValueError(f"{key!r} is not a key of a registered published calendar")


def can_read_published(user: Any, key: str) -> bool:
    """Whether ``user`` may read the published calendar ``key`` (its app decides)."""
    if user is None or not getattr(user, "is_active", False) or not KEY.fullmatch(key):
        return False
    check = _reader_for(key)
    return check is not None and bool(check(user, key))


def published_calendar_props(name: str, color: str, description: str = "") -> dict[str, str]:
    return {
        **provisioning.calendar_props(name, color, description),
        "C:supported-calendar-component-set": "VEVENT",
    }


def replace_published_calendar(
    key: str, *, name: str, color: str, description: str = "", events: Mapping[str, str]
) -> ItemsSyncResult:
    """Make the published calendar ``key`` (created if missing) hold exactly ``events``, shown
    as ``name`` in ``color`` with ``description``.

    ``events`` maps a stable key (e.g. "session-<uuid>-1", stored as "<key>.ics") to a complete
    VCALENDAR text holding one calendar object (one UID). Unchanged events are left alone (same
    ETag, no sync-token change). Every text is checked before anything is written: an invalid
    one raises ``InvalidEvent`` and the calendar stays as it was.
    """
    _check_key(key)
    return stored_items.replace_items(
        published_collection(key),
        published_calendar_props(name, color, description),
        events,
        suffix=EVENT_SUFFIX,
        error=InvalidEvent,
    )


def delete_published_calendar(key: str) -> None:
    """Remove the published calendar ``key``, its events and every link to it (no error when
    it does not exist)."""
    _check_key(key)
    provisioning.delete_published(key)


def sync_published_links(email: str, keys: Iterable[str], *, prefix: str) -> None:
    """Make the links in ``email``'s home to the calendars of ``prefix`` exactly ``keys`` (a
    key whose calendar does not exist yet gets no link; call again once it does). Links to
    other prefixes' calendars are left alone."""
    if prefix not in _readers:
        raise ValueError(f"{prefix!r} is not a registered published calendar prefix")
    keys = list(keys)
    for key in keys:
        if not key.startswith(prefix):
            raise ValueError(f"{key!r} does not start with {prefix!r}")
        _check_key(key)
    provisioning.sync_published_links(email, keys, prefix=prefix)
