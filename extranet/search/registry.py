"""Where apps declare their searchable content, so the index can be rebuilt from scratch.

Each app registers, from its ``AppConfig.ready()``, a function yielding the ``IndexEntry`` of
every item it wants searchable; ``rebuild_search_index`` walks them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from extranet.search.base import IndexEntry

Indexer = Callable[[], Iterable[IndexEntry]]

_indexers: dict[str, Indexer] = {}


def register_indexer(name: str, iter_entries: Indexer) -> None:
    """Register (or replace) the indexer called ``name``, e.g. ``"documents"``."""
    _indexers[name] = iter_entries


def unregister_indexer(name: str) -> None:
    _indexers.pop(name, None)


def indexers() -> dict[str, Indexer]:
    """The registered indexers by name, in registration order (a copy)."""
    return dict(_indexers)
