"""WebSocket clients for tests: a ``WebsocketCommunicator`` on the real ASGI application
(origin check, cookies, session, authentication, URL router), logged in as a given user.

Sessions are made synchronously (``session_for``) before the coroutine runs; database work
inside a coroutine goes through ``database_sync_to_async``, so that services publish their
events on the loop the consumers run on (the in-memory layer is bound to one loop).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

ORIGIN = b"http://testserver"


def session_for(user: Any) -> str:
    """A real session cookie value for ``user``, as a logged-in browser holds."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def socket(session_key: str | None, path: str = "/ws/forums/", origin: bytes = ORIGIN):
    from extranet.asgi import application

    headers = [(b"origin", origin), (b"host", b"testserver")]
    if session_key:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


async def connected(session_key: str | None, path: str = "/ws/forums/"):
    communicator = socket(session_key, path)
    accepted, _ = await communicator.connect(timeout=5)
    assert accepted, "the socket was refused at the handshake"
    return communicator


async def ask(communicator, message: dict[str, Any], timeout: float = 5) -> dict[str, Any]:
    await communicator.send_json_to(message)
    return await communicator.receive_json_from(timeout=timeout)


async def quiet(communicator, timeout: float = 0.3) -> bool:
    """True when nothing arrives within ``timeout`` seconds."""
    return await communicator.receive_nothing(timeout=timeout, interval=0.02)


async def close_all(*communicators) -> None:
    await asyncio.gather(*(c.disconnect() for c in communicators), return_exceptions=True)


@pytest.fixture
def live_layer(settings):
    """The configured channel layer (in-memory, or Redis when REDIS_URL is set), fresh per test.

    Redis keys get a prefix of their own per xdist worker (test databases of two workers reuse
    the same ids, hence the same group names) and are flushed afterwards.
    """
    from channels.layers import get_channel_layer

    config = dict(settings.CHANNEL_LAYERS["default"])
    prefix = None
    if "redis" in config["BACKEND"].lower():
        prefix = f"maillage-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        config["CONFIG"] = {**config.get("CONFIG", {}), "prefix": prefix}
    # Assigning the setting also drops the layers Channels cached (setting_changed).
    settings.CHANNEL_LAYERS = {"default": config}
    yield get_channel_layer()
    if prefix:
        # Not ``layer.flush()``: it also closes the layer's connections of every event loop,
        # including those of a server thread's loop, from this one.
        import redis

        host = config["CONFIG"]["hosts"][0]
        client = redis.Redis.from_url(host["address"] if isinstance(host, dict) else host)
        try:
            keys = list(client.scan_iter(match=f"{prefix}*", count=500))
            if keys:
                client.delete(*keys)
        finally:
            client.close()
