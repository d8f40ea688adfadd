"""A real Radicale (Maillage's plugins and WSGI wrapper) served on a local port for the tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.db import connections

from calendars.dav.app import dav_wsgi, reset_application


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _mounted(environ: dict[str, Any], start_response: Any) -> Any:
    path = environ.get("PATH_INFO", "")
    if not path.startswith("/dav"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    environ["SCRIPT_NAME"] = "/dav"
    environ["PATH_INFO"] = path[len("/dav") :] or "/"
    return dav_wsgi(environ, start_response)


@pytest.fixture
def dav_server(settings, tmp_path, transactional_db) -> Iterator[str]:
    """URL of /dav/ on a live server sharing the test database; CALDAV_URL points at it."""
    settings.RADICALE_STORAGE_DIR = tmp_path / "radicale"
    reset_application()
    connection = connections["default"]
    connection.inc_thread_sharing()
    server = make_server(
        "127.0.0.1", 0, _mounted, server_class=_ThreadingServer, handler_class=_QuietHandler
    )

    def serve() -> None:
        connections["default"] = connection  # share the (possibly in-memory) test database
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/dav/"
    settings.CALDAV_URL = url
    yield url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    connection.dec_thread_sharing()
    reset_application()
