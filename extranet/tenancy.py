"""Registry of tenant content: apps declare their models and space routes here.

The cross-app isolation test (tests/test_isolation.py) walks this registry and proves that a member
of one space gets 404 on every registered route of another space, and that ``visible_to`` hides
every registered object; a second test fails when a URL under ``/s/<slug>/`` is not registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model


@dataclass(frozen=True)
class TenantRoute:
    """A URL that shows or changes one object of a space."""

    name: str
    kwargs: Callable[[Any], dict[str, Any]]
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] | None = None


@dataclass(frozen=True)
class TenantSubscription:
    """A WebSocket subscription to one object of a space (tests/test_isolation_sockets.py).

    ``message(obj)`` is the JSON a page sends on the socket at ``path`` to follow ``obj``; the
    consumer answers a refused subscription with an object holding an ``error`` key.
    ``stir(obj, author)`` makes something happen to ``obj`` that its subscribers hear of.
    """

    path: str
    message: Callable[[Any], dict[str, Any]]
    stir: Callable[[Any, Any], Any]


@dataclass(frozen=True)
class TenantResource:
    """A content model that lives in a space.

    ``space_of`` returns the object's space; ``sample`` creates a realistic instance in the given
    space, authored by ``author`` (a member of that space), for the isolation test.
    """

    model: type[Model]
    space_of: Callable[[Any], Any]
    sample: Callable[[Any, Any], Any]
    routes: tuple[TenantRoute, ...] = field(default_factory=tuple)
    subscriptions: tuple[TenantSubscription, ...] = field(default_factory=tuple)


_resources: dict[str, TenantResource] = {}


def register_tenant_resource(resource: TenantResource) -> None:
    label = resource.model._meta.label
    if label in _resources:
        raise ValueError(f"{label} is already registered")
    _resources[label] = resource


def tenant_resources() -> list[TenantResource]:
    return list(_resources.values())


def registered_route_names() -> set[str]:
    return {route.name for resource in _resources.values() for route in resource.routes}


# Apps plug their pages under /s/<slug>/<prefix> (and top-level pages) without the core
# importing them: the root URL conf reads these lists when it is first loaded.
_space_urls: list[tuple[str, str]] = []
_site_urls: list[tuple[str, str]] = []


def register_space_urls(prefix: str, urlconf: str) -> None:
    """``register_space_urls("documents/", "documents.urls")`` → /s/<slug>/documents/…"""
    if (prefix, urlconf) not in _space_urls:
        _space_urls.append((prefix, urlconf))


def register_site_urls(prefix: str, urlconf: str) -> None:
    if (prefix, urlconf) not in _site_urls:
        _site_urls.append((prefix, urlconf))


def space_url_includes() -> list[tuple[str, str]]:
    return list(_space_urls)


def site_url_includes() -> list[tuple[str, str]]:
    return list(_site_urls)


@dataclass(frozen=True)
class SpaceTab:
    """An entry of a space's navigation, shown to members with ``need``."""

    label: Any
    url_name: str
    need: str
    namespace: str


_space_tabs: list[SpaceTab] = []


def register_space_tab(tab: SpaceTab) -> None:
    if tab not in _space_tabs:
        _space_tabs.append(tab)


def space_tabs() -> list[SpaceTab]:
    return list(_space_tabs)
