"""Radicale as its own service, with Maillage's plugins: ``python -m calendars.dav.server
--config /etc/maillage/radicale.ini`` (see the README).

Radicale's own server starts a thread per request. Django keeps a database connection per
thread, so each request closes its connections when its answer is sent (inside Maillage,
``calendars.dav.app.dav_wsgi`` does the same around each request); without it, a busy server
runs PostgreSQL out of connections. On the database storage, ETag-only listings are streamed
(``calendars.dav.streaming``) as they are at /dav/.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from calendars.dav.bootstrap import ensure_django

ensure_django()

import radicale.__main__  # noqa: E402
import radicale.app  # noqa: E402
import radicale.server  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from calendars.dav.streaming import StreamingApplication  # noqa: E402


def _closing(body: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from body
    finally:
        connections.close_all()


def _answer_then_close(answer: Callable[[], Iterable[bytes]]) -> Iterable[bytes]:
    """The request thread's database connections are closed once the answer is sent."""
    try:
        body = answer()
    except BaseException:
        connections.close_all()
        raise
    if isinstance(body, Iterator):
        return _closing(body)
    connections.close_all()
    return body


class Application(StreamingApplication):
    """Streams ETag listings of the database storage (``DAV_STREAMING``)."""

    def __call__(self, environ: Mapping[str, Any], start_response: Any) -> Iterable[bytes]:
        parent = super().__call__
        return _answer_then_close(lambda: parent(environ, start_response))


class PlainApplication(radicale.app.Application):
    """Radicale's own answers (``DAV_STREAMING=false``)."""

    def __call__(self, environ: Mapping[str, Any], start_response: Any) -> Iterable[bytes]:
        parent = super().__call__
        return _answer_then_close(lambda: parent(environ, start_response))


def main() -> None:
    chosen = Application if settings.DAV_STREAMING else PlainApplication
    # The class Radicale's server instantiates (not in its module's exports).
    radicale.server.Application = chosen  # type: ignore[attr-defined]
    sys.argv[0] = "radicale"
    radicale.__main__.run()


if __name__ == "__main__":
    main()
