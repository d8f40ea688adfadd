"""What the search page offers to filter on: apps declare their content kinds and facets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SearchFacet:
    name: str
    label: Any
    choices: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class SearchKind:
    name: str
    label: Any
    facets: tuple[SearchFacet, ...] = field(default_factory=tuple)


_kinds: dict[str, SearchKind] = {}


def register_search_kind(kind: SearchKind) -> None:
    _kinds[kind.name] = kind


def search_kinds() -> list[SearchKind]:
    return list(_kinds.values())


def facet_names() -> set[str]:
    return {facet.name for kind in _kinds.values() for facet in kind.facets}
