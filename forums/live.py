"""Live updates of the forums over Channels: events after commit, subscriptions behind the door.

Services call :func:`schedule` inside their transaction; the event is handed to :func:`publish`
only after the commit, so a rolled-back post is never announced and a browser that fetches the
post on the event always finds it in the database (the Zulip rule: publish after commit).

Events carry ids only, never content: a page that hears of a new post fetches it from a
permission-checked view (``forums:topic_fragment``, ``forums:post_fragment``), so rendering,
sanitising and the moderator/member difference stay on the server, per user. Groups are named
after ids (``forums.topic.<id>``, ``forums.space.<id>``), never after titles or slugs.

The socket (``forums.consumers``) joins a group only after :func:`topic_group_for` or
:func:`space_group_for` said yes for the user *now*: membership, ability ``forums.view``, the
MFA rule, and for a topic its space and hidden state. Nothing is cached from the connection.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from extranet.access import access_space
from extranet.models import Membership
from forums import policy, selectors
from forums.models import Topic

logger = logging.getLogger(__name__)

# The type of the group messages; the consumer's handler is ``forums_event``.
MESSAGE_TYPE = "forums.event"


class EventKind(StrEnum):
    POST_CREATED = "post.created"
    POST_CHANGED = "post.changed"  # edited, hidden or shown again
    TOPIC_CHANGED = "topic.changed"  # pinned, locked, hidden, moved, split


@dataclass(frozen=True)
class ForumEvent:
    kind: EventKind
    space_id: int
    category_id: int
    topic_id: int
    post_id: int | None = None
    post_number: int | None = None


def topic_group(topic_id: int) -> str:
    return f"forums.topic.{topic_id}"


def space_group(space_id: int) -> str:
    return f"forums.space.{space_id}"


def schedule(event: ForumEvent) -> None:
    """Publish ``event`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(publish, event))


def messages_for(event: ForumEvent) -> list[tuple[str, dict[str, Any]]]:
    """The (group, message) pairs an event becomes.

    The topic's readers hear of every change to its posts; the space's index and category pages
    hear only of what moves unread counts (new posts, topics hidden, moved or split).
    """
    topic_message: dict[str, Any] = {
        "type": MESSAGE_TYPE,
        "scope": "topic",
        "kind": event.kind.value,
        "topic": event.topic_id,
    }
    if event.post_id is not None:
        topic_message["post"] = event.post_id
        topic_message["number"] = event.post_number
    pairs = [(topic_group(event.topic_id), topic_message)]
    if event.kind != EventKind.POST_CHANGED:
        space_message = {
            "type": MESSAGE_TYPE,
            "scope": "space",
            "kind": event.kind.value,
            "category": event.category_id,
            "topic": event.topic_id,
        }
        pairs.append((space_group(event.space_id), space_message))
    return pairs


async def _send(pairs: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group, message in pairs:
        await layer.group_send(group, message)


def publish(event: ForumEvent) -> None:
    """Send the event to the sockets subscribed to its topic and space.

    Best effort: the post is already committed, and pages work without WebSockets, so a layer
    that is down (Redis unreachable) is logged and never turns a successful write into an error.
    """
    try:
        async_to_sync(_send)(messages_for(event))
    except Exception as error:
        logger.warning("forums: live event %s not published: %r", event, error)


# --- subscriptions ----------------------------------------------------------------------------


def may_connect(user: Any) -> bool:
    """Whether ``user`` may open the forums socket at all: an active account that belongs to
    some space. Which space and what in it is decided at each subscription, never here."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Membership.objects.filter(user=user).exists()


def space_group_for(user: Any, slug: str) -> str | None:
    """The group of space ``slug``'s forums if ``user`` may read them now, else None.

    Absent space, non-member, missing ability and missing second factor all answer None alike.
    """
    try:
        membership = access_space(user, slug, need="forums.view")
    except (Http404, PermissionDenied):
        return None
    return space_group(membership.space_id)


def topic_group_for(user: Any, topic_id: int) -> str | None:
    """The group of topic ``topic_id`` if ``user`` may read it now, else None.

    The topic must be in a space where the user passes the door, and not hidden unless they
    moderate there; an unknown topic and a forbidden one answer None alike.
    """
    slug = (
        Topic.objects.visible_to(user)
        .filter(pk=topic_id)
        .values_list("space__slug", flat=True)
        .first()
    )
    if slug is None:
        return None
    try:
        membership = access_space(user, slug, need="forums.view")
        topic = selectors.topic_for(membership, topic_id)
    except (Http404, PermissionDenied):
        return None
    if topic.is_hidden and not policy.can_see_hidden(membership):
        return None
    return topic_group(topic.pk)
