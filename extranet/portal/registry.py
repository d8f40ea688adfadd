"""What each app can publish on the portal.

Apps call ``register_publishable`` from their ``registrations`` module (``AppConfig.ready()``);
the workflow (submission, review, snapshots) and the public outputs read the kinds from here, so
``extranet`` never imports an app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PublicField:
    name: str
    label: Any
    # Editable by the administrator in "edit then approve" (text fields).
    editable: bool = True
    # A template showing this field's value (structured data, e.g. a course's sessions) on the
    # public pages and in the review preview; it receives ``value`` and ``item``. Empty: the
    # generic display.
    template: str = ""


@dataclass(frozen=True)
class Occurrence:
    """One dated occurrence of an item that happens several times (a session's part)."""

    # Stable across versions of the item (the iCalendar UID of the occurrence is built on it).
    key: str
    starts_at: datetime
    ends_at: datetime | None = None
    location: str = ""


@dataclass(frozen=True)
class PublishableKind:
    name: str
    label: Any
    label_plural: Any
    # The keys of `data`, in display order, with labels (preview, diff, public detail page).
    fields: tuple[PublicField, ...]
    # (user, source_key) -> the source object if the user may propose it; raises Http404 or
    # PermissionDenied otherwise.
    source_for: Callable[[Any, str], Any]
    # source object -> public fields (JSON-serialisable; datetimes as ISO strings).
    payload: Callable[[Any], dict[str, Any]]
    title_of: Callable[[dict[str, Any]], str]
    space_of: Callable[[Any], Any | None]
    # (name, content_type, bytes) copied into PublicFile at approval.
    files: Callable[[Any], list[tuple[str, str, bytes]]] | None = None
    # data -> (starts_at, ends_at)
    bounds: Callable[[dict[str, Any]], tuple[datetime | None, datetime | None]] | None = None
    # data -> (commune, theme)
    place: Callable[[dict[str, Any]], tuple[str, str]] | None = None
    # (data, absolute public url) -> JSON-LD object (@context, @type...)
    schema_org: Callable[[dict[str, Any], str], dict[str, Any]] | None = None
    # data -> its dated occurrences, for items that happen several times: the iCalendar feed
    # writes one event per occurrence and the month view shows the item on their days only
    # (``bounds`` still gives the first and last instants, for lists and date filters).
    occurrences: Callable[[dict[str, Any]], list[Occurrence]] | None = None
    # Groups kinds into portal sections: "events", "directory", "brochures", "training"...
    public_section: str = ""
    order: int = 100

    def field(self, name: str) -> PublicField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def editable_fields(self) -> tuple[PublicField, ...]:
        return tuple(f for f in self.fields if f.editable)


_KINDS: dict[str, PublishableKind] = {}


def register_publishable(kind: PublishableKind) -> None:
    """Declare a kind of publishable item. Registering the same name again replaces it."""
    _KINDS[kind.name] = kind


def publishable_kinds() -> list[PublishableKind]:
    """Every registered kind, in display order."""
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.name))


def publishable_kind(name: str) -> PublishableKind:
    """The kind registered under ``name``; KeyError if unknown."""
    return _KINDS[name]
