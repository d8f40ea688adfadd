"""Radicale's own server and command line serving Maillage's database storage as Maillage does:
with the application that streams ETag-only listings (calendars.dav.streaming) and database
connections closed after each request (in Maillage, ``calendars.dav.app.dav_wsgi`` does it; the
stock server starts a thread per request, whose connections would otherwise pile up until the
server runs out of them). Used by bench/dav_storage.py: ``python -m bench.radicale_server
--config FILE``."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

import radicale.__main__
import radicale.server

from calendars.dav.streaming import StreamingApplication


def _closing(body: Iterator[bytes]) -> Iterator[bytes]:
    from django.db import connections

    try:
        yield from body
    finally:
        connections.close_all()


class BenchApplication(StreamingApplication):  # type: ignore[misc]
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        from django.db import connections

        answer = super().__call__(environ, start_response)
        if isinstance(answer, Iterator):
            return _closing(answer)
        connections.close_all()
        return answer


if __name__ == "__main__":
    radicale.server.Application = BenchApplication
    sys.argv[0] = "radicale"
    radicale.__main__.run()
