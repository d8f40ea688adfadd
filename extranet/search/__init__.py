"""Full-text search over every app's content, behind one interface (see ``base``).

``get_backend()`` returns the configured backend: ``SEARCH_BACKEND`` is ``"auto"`` (PostgreSQL
full-text search on PostgreSQL, Whoosh otherwise), ``"whoosh"`` or ``"postgres"``.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver

from extranet.search.base import (
    TERRITORY_SPACE_ID,
    IndexEntry,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from extranet.search.registry import indexers, register_indexer, unregister_indexer

__all__ = [
    "BACKEND_NAMES",
    "IndexEntry",
    "SearchBackend",
    "SearchHit",
    "SearchQuery",
    "SearchResults",
    "TERRITORY_SPACE_ID",
    "create_backend",
    "get_backend",
    "indexers",
    "register_indexer",
    "reset_backend",
    "unregister_indexer",
]

BACKEND_NAMES = ("whoosh", "postgres")

_backend: SearchBackend | None = None
_lock = threading.Lock()


def create_backend(name: str) -> SearchBackend:
    """A new backend by name (``"auto"``, ``"whoosh"`` or ``"postgres"``), not cached."""
    if name == "auto":
        name = "postgres" if connection.vendor == "postgresql" else "whoosh"
    if name == "whoosh":
        from extranet.search.whoosh_backend import WhooshBackend

        return WhooshBackend(settings.SEARCH_INDEX_DIR)
    if name == "postgres":
        from extranet.search.postgres_backend import PostgresBackend

        return PostgresBackend()
    raise ImproperlyConfigured(f"SEARCH_BACKEND must be auto, whoosh or postgres, not {name!r}.")


def get_backend() -> SearchBackend:
    """The configured backend, created once per process."""
    global _backend
    with _lock:
        if _backend is None:
            _backend = create_backend(settings.SEARCH_BACKEND)
        return _backend


def reset_backend() -> None:
    """Forget the cached backend (tests; happens by itself when a search setting changes)."""
    global _backend
    with _lock:
        _backend = None


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting in ("SEARCH_BACKEND", "SEARCH_INDEX_DIR", "DATABASES"):
        reset_backend()
