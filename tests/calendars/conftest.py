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


_one_at_a_time = threading.Lock()


def _serialised(environ: dict[str, Any], start_response: Any) -> Any:
    # Request threads reach the in-memory database through SQLite's shared cache, whose table
    # locks fail at once instead of waiting: one request at a time there. (A database file
    # waits for its lock; PostgreSQL runs the requests concurrently, see test_dav_storage.)
    with _one_at_a_time:
        return _mounted(environ, start_response)


def _own_connections(environ: dict[str, Any], start_response: Any) -> Any:
    try:
        return _mounted(environ, start_response)
    finally:
        connections.close_all()  # each request thread had its own; the thread ends now


@pytest.fixture
def radicale_storage_kind(settings) -> str:
    """The Radicale storage the test runs on ("database" or "file"; see ``dav_server``)."""
    return str(settings.RADICALE_STORAGE)


@pytest.fixture
def dav_server(request, settings, tmp_path, transactional_db) -> Iterator[str]:
    """URL of /dav/ on a live server sharing the test database; CALDAV_URL points at it.

    The storage is the configured one ("database") unless a test parametrises this fixture:
    ``pytest.mark.parametrize("dav_server", ["database", "file"], indirect=True)``.

    An in-memory SQLite database is shared with the server's threads and served one request at
    a time; any other database gets one connection per request thread, as in production
    (transactions of concurrent writers then really are concurrent)."""
    settings.RADICALE_STORAGE = getattr(request, "param", None) or settings.RADICALE_STORAGE
    settings.RADICALE_STORAGE_DIR = tmp_path / "radicale"
    reset_application()
    connection = connections["default"]
    shared = connection.vendor == "sqlite" and connection.is_in_memory_db()
    if shared:
        connection.inc_thread_sharing()
    server = make_server(
        "127.0.0.1",
        0,
        _serialised if shared else _own_connections,
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )

    def serve() -> None:
        if shared:
            connections["default"] = connection  # share the in-memory test database
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/dav/"
    settings.CALDAV_URL = url
    yield url
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    if shared:
        connection.dec_thread_sharing()
    reset_application()
