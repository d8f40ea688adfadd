"""The forums' WebSocket: one endpoint, ``/ws/forums/``, where a page subscribes to groups.

Protocol (JSON text frames), client to server::

    {"subscribe": "topic", "id": 42}        # a topic page
    {"subscribe": "space", "slug": "elus"}  # the forum index and category pages of a space

Server to client: ``{"subscribed": "topic", "id": 42}`` or ``{"error": "refused", ...}`` (the
same answer for a thing that is absent and one that is forbidden), then the events of
``forums.live.messages_for`` (ids only) as they come.

Anonymous connections, and accounts that belong to no space, are closed at the handshake.
Every subscription then re-reads the session and the membership and goes through
``extranet.access`` (the door of the web pages, MFA rule included): removing a member, or
their second factor, refuses their next subscription even on a socket opened before.
"""

from __future__ import annotations

import json
import logging
from importlib import import_module
from typing import Any

from channels.auth import get_user
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from forums import live

# A page subscribes to one or two groups; more is a runaway script or a probe.
MAX_GROUPS = 10
MAX_REQUESTS = 50
SLUG_MAX = 100
ID_MAX = 2**63 - 1  # a bigint: larger ids would fail in the database, not just miss
# Application close codes (4000-4999): the client stops reconnecting on these.
CLOSE_TOO_MANY_REQUESTS = 4429
# "Try again later" (RFC 6455): the client reconnects with its backoff.
CLOSE_TRY_AGAIN_LATER = 1013

logger = logging.getLogger(__name__)


async def current_user(scope: dict[str, Any]) -> Any:
    """The user of the socket's session as it is *now*: a logged-out or expired session, a
    changed password or a deactivated account no longer count as the user of the handshake."""
    session = scope.get("session")
    if session is None or not session.session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
    user = await get_user({"session": store})
    return user if user.is_authenticated else None


class ForumsConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        self.subscriptions: dict[str, tuple[str, int | str]] = {}
        self.requests = 0
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(live.may_connect)(user):
            await self.close()
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "subscriptions", {}):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_json({"error": "invalid"})
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            await self.close(code=CLOSE_TOO_MANY_REQUESTS)
            return
        target = _target(content)
        if target is None:
            await self.send_json({"error": "invalid"})
            return
        kind, ref = target
        answer: dict[str, Any] = {"subscribe": kind, ("id" if kind == "topic" else "slug"): ref}
        group = await self._group_for(kind, ref)
        if group is None or (
            group not in self.subscriptions and len(self.subscriptions) >= MAX_GROUPS
        ):
            await self.send_json({"error": "refused", **answer})
            return
        if group not in self.subscriptions:
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception as error:
                # The layer is down or saturated (Redis refuses connections): the page keeps
                # working without live updates, and its script retries later.
                logger.warning("forums: subscription to %s failed: %r", group, error)
                await self.close(code=CLOSE_TRY_AGAIN_LATER)
                return
            self.subscriptions[group] = (kind, ref)
        answer.pop("subscribe")
        await self.send_json({"subscribed": kind, **answer})

    async def _group_for(self, kind: str, ref: int | str) -> str | None:
        user = await current_user(self.scope)
        if user is None:
            return None
        check = live.topic_group_for if kind == "topic" else live.space_group_for
        group: str | None = await database_sync_to_async(check)(user, ref)
        return group

    async def forums_event(self, message: dict[str, Any]) -> None:
        """A group message from ``forums.live.publish``: forwarded without its ``type``.

        A changed topic (hidden, moved, split) is checked again before it is forwarded: a reader
        who may no longer see it leaves its group and hears nothing more of it.
        """
        if message.get("kind") == live.EventKind.TOPIC_CHANGED and message.get("scope") == "topic":
            group = live.topic_group(message["topic"])
            if group in self.subscriptions:
                kind, ref = self.subscriptions[group]
                if await self._group_for(kind, ref) != group:
                    await self.channel_layer.group_discard(group, self.channel_name)
                    del self.subscriptions[group]
                    await self.send_json({"unsubscribed": "topic", "id": ref})
                    return
        await self.send_json({key: value for key, value in message.items() if key != "type"})


def _target(content: Any) -> tuple[str, int | str] | None:
    if not isinstance(content, dict):
        return None
    kind = content.get("subscribe")
    if kind == "topic":
        topic_id = content.get("id")
        if isinstance(topic_id, int) and not isinstance(topic_id, bool) and 0 < topic_id <= ID_MAX:
            return kind, topic_id
    elif kind == "space":
        slug = content.get("slug")
        if isinstance(slug, str) and 0 < len(slug) <= SLUG_MAX:
            return kind, slug
    return None
