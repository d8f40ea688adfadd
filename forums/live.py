"""Live updates of the forums: the seam where Channels will plug in.

Services call :func:`schedule` inside their transaction; the event is handed to :func:`publish`
only after the commit, so a rolled-back post is never announced and a browser that reloads on
the event always finds the post in the database (the Zulip rule: publish after commit).

For now :func:`publish` does nothing: pages work without WebSockets. The live slice replaces
its body with a ``channel_layer.group_send`` to the group of the topic (and of the category for
new topics); the consumer must check the subscriber's access through ``extranet.access`` before
joining a group, and events carry ids only, never content, so a subscriber re-reads the post
through the permission-checked selectors.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from django.db import transaction


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


def schedule(event: ForumEvent) -> None:
    """Publish ``event`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(partial(publish, event))


def publish(event: ForumEvent) -> None:
    """Send the event to live subscribers. No-op until the live (Channels) slice."""
    return None
