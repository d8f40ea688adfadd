"""Radicale mounted at /dav/ inside Maillage's ASGI application (embedded default).

Facts behind these lines are in FIELD_NOTES.md: a2wsgi (not asgiref) so DAV requests run in
parallel; chunked bodies buffered because Radicale reads only CONTENT_LENGTH bytes;
X-Forwarded-* removed because Radicale 3.9 would strip the /dav prefix twice; database
connections closed around each request because these threads are not Django requests.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import radicale.config
import radicale.storage
from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.db import close_old_connections, connection
from radicale.app import Application as RadicaleApplication

from calendars.dav import request_cache
from extranet.audit import reset_client_ip, set_client_ip

_lock = threading.Lock()
_application: Any = None
BODY_METHODS = frozenset({"PUT", "PROPFIND", "PROPPATCH", "REPORT", "MKCALENDAR", "MKCOL", "POST"})


STORAGE_TYPES = {"database": "calendars.dav.dbstorage", "file": "multifilesystem"}


def storage_kind() -> str:
    """ "database" (rows in Django's database) or "file" (Radicale's folder), from
    ``settings.RADICALE_STORAGE``."""
    kind = getattr(settings, "RADICALE_STORAGE", "database")
    if kind not in STORAGE_TYPES:
        raise ValueError(f"RADICALE_STORAGE must be one of {sorted(STORAGE_TYPES)}, not {kind!r}")
    return str(kind)


def radicale_configuration(*, storage: str | None = None, folder: str | None = None) -> Any:
    """Radicale's configuration, built in code (no file), with Maillage's plugins; ``storage``
    and ``folder`` override the settings (the import/export command reads a given folder)."""
    configuration = radicale.config.load()
    configuration.update(
        {
            "auth": {"type": "calendars.dav.auth", "delay": "0", "realm": "Maillage"},
            "rights": {"type": "calendars.dav.rights", "permit_delete_collection": "True"},
            "storage": {
                "type": STORAGE_TYPES[storage or storage_kind()],
                "filesystem_folder": folder or str(settings.RADICALE_STORAGE_DIR),
                "max_sync_token_age": str(30 * 24 * 3600),
            },
            "web": {"type": "none"},
            "logging": {"level": settings.RADICALE_LOG_LEVEL, "mask_passwords": "True"},
        },
        "maillage",
    )
    return configuration


_storages: dict[tuple[str, str], Any] = {}


def load_storage() -> Any:
    """Radicale's storage as configured, loaded once per kind and folder (loading the file
    storage probes the file system, ~10 ms), for server-side reads and provisioning."""
    key = (storage_kind(), str(settings.RADICALE_STORAGE_DIR))
    if key not in _storages:
        _storages[key] = radicale.storage.load(radicale_configuration())
    return _storages[key]


def radicale_application() -> Any:
    global _application
    if _application is None:
        with _lock:
            if _application is None:
                _application = application_class()(radicale_configuration())
    return _application


def application_class() -> type[Any]:
    """Radicale's application; on the database storage, one that streams ETag listings
    (``settings.DAV_STREAMING``, on by default; see calendars/dav/streaming.py)."""
    if storage_kind() == "database" and settings.DAV_STREAMING:
        from calendars.dav.streaming import StreamingApplication

        return StreamingApplication
    return RadicaleApplication


def reset_application() -> None:
    """Forget the configured Radicale (tests change the storage folder)."""
    global _application
    with _lock:
        _application = None


StartResponse = Callable[..., Any]


def _reads_block_writers() -> bool:
    """An in-memory SQLite database (the test suite's) shares one cache between connections:
    a reader there locks tables against writers, so a streamed answer is read within the
    request, as Radicale would. A file database runs in WAL mode (readers never block the
    writer) and PostgreSQL reads from snapshots: both stream."""
    if connection.allow_thread_sharing:
        return True
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)
    return connection.vendor == "sqlite" and bool(in_memory())


def dav_wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    close_old_connections()
    # PEP 3333 hands PATH_INFO over as latin-1; Radicale's own server re-decodes it as UTF-8
    # before calling the application, so do the same or "réunion.ics" is stored garbled.
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        environ["PATH_INFO"] = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    for key in [k for k in environ if k.startswith("HTTP_X_FORWARDED_")]:
        del environ[key]
    if environ.get("REQUEST_METHOD") in BODY_METHODS and not environ.get("CONTENT_LENGTH"):
        body = environ["wsgi.input"].read()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
    token = set_client_ip(environ.get("REMOTE_ADDR"))
    cache_token = request_cache.start()
    try:
        answer = radicale_application()(environ, start_response)
        if isinstance(answer, Iterator) and not _reads_block_writers():
            return answer  # a streamed listing: it closes its connection when it ends
        return list(answer)
    finally:
        request_cache.end(cache_token)
        reset_client_ip(token)
        close_old_connections()


asgi_application = WSGIMiddleware(dav_wsgi, workers=8)  # type: ignore[arg-type]
