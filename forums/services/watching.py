"""Watching categories and topics: what each member wants to hear about."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from extranet.models import Membership
from forums.models import TOPIC_WATCH_LEVELS, Category, CategoryWatch, Topic, TopicWatch, WatchLevel


def set_category_watch(
    *, membership: Membership, category: Category, level: WatchLevel | str
) -> WatchLevel:
    """Choose the level for a category; ``normal`` (the default) simply forgets the choice."""
    if category.space_id != membership.space_id or not membership.can("forums.view"):
        raise PermissionDenied
    chosen = WatchLevel(level)
    if chosen == WatchLevel.NORMAL:
        CategoryWatch.objects.filter(user=membership.user, category=category).delete()
    else:
        CategoryWatch.objects.update_or_create(
            user=membership.user,
            category=category,
            defaults={"level": chosen, "updated_at": timezone.now()},
        )
    return chosen


def set_topic_watch(*, membership: Membership, topic: Topic, level: WatchLevel | str) -> WatchLevel:
    """Choose the level for a topic; it overrides the category's (``normal`` included)."""
    if topic.space_id != membership.space_id or not membership.can("forums.view"):
        raise PermissionDenied
    chosen = WatchLevel(level)
    if chosen not in TOPIC_WATCH_LEVELS:
        raise ValueError(f"{chosen} is not a topic watch level")
    TopicWatch.objects.update_or_create(
        user=membership.user,
        topic=topic,
        defaults={"level": chosen, "updated_at": timezone.now()},
    )
    return chosen


def watch_automatically(*, user: Any, topic: Topic) -> None:
    """Start watching a topic one opens or replies to, unless one already chose a level."""
    TopicWatch.objects.get_or_create(
        user=user, topic=topic, defaults={"level": WatchLevel.WATCHING}
    )
