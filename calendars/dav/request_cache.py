"""A cache that lives for one DAV request.

Radicale asks the rights plugin once per item listed by a PROPFIND or REPORT (10,000 times for a
10,000-event calendar), always with the same answer within the collection. Answers are kept for
the current request only, so a membership change still applies at the next request.
"""

from __future__ import annotations

import contextvars
from typing import Any

_cache: contextvars.ContextVar[dict[Any, Any] | None] = contextvars.ContextVar(
    "maillage_dav_request_cache", default=None
)


def start() -> contextvars.Token[dict[Any, Any] | None]:
    return _cache.set({})


def end(token: contextvars.Token[dict[Any, Any] | None]) -> None:
    _cache.reset(token)


def current() -> dict[Any, Any] | None:
    """The current request's cache, or None outside a request served by ``dav_wsgi``."""
    return _cache.get()
