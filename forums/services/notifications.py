"""Who hears about a new post, by watch level and mentions.

The level that applies to a member for a topic is their level on the topic when they chose one,
else their level on the category (default ``normal``). Then:

- a new topic notifies (``forums.new_topic``) members watching its category or its first posts;
- a reply notifies (``forums.reply``) members whose level for the topic is ``watching``;
- a mention notifies (``forums.mention``) the mentioned members, whatever their level, except
  ``muted``; a mentioned member gets the mention only, not a second notification.

Never the author, never someone who is not a reader of the space, and for a hidden topic only
moderators (the others cannot read it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from extranet.models import Membership, Notification
from extranet.notifications import notify
from forums.models import CategoryWatch, Post, TopicWatch, WatchLevel
from forums.services.mentions import resolve_mentions


class _Levels:
    def __init__(self, post: Post) -> None:
        topic = post.topic
        self.topic: dict[int, str] = dict(
            TopicWatch.objects.filter(topic=topic).values_list("user_id", "level")
        )
        self.category: dict[int, str] = dict(
            CategoryWatch.objects.filter(category_id=topic.category_id).values_list(
                "user_id", "level"
            )
        )

    def for_topic(self, user_id: int) -> str:
        if user_id in self.topic:
            return self.topic[user_id]
        level = self.category.get(user_id, WatchLevel.NORMAL)
        return WatchLevel.NORMAL if level == WatchLevel.FIRST_POST else level

    def is_muted(self, user_id: int) -> bool:
        return self.for_topic(user_id) == WatchLevel.MUTED


def _readers(post: Post) -> dict[int, Any]:
    """Members who may read the post now, by user id."""
    memberships = (
        Membership.objects.in_space(post.space).select_related("user").filter(user__is_active=True)
    )
    need = "forums.moderate" if post.topic.is_hidden or post.is_hidden else "forums.view"
    return {m.user_id: m.user for m in memberships if m.can(need)}


def _load(post_id: int) -> Post | None:
    return (
        Post.objects.select_related("topic", "topic__category", "space", "author")
        .filter(pk=post_id)
        .first()
    )


def _send(post: Post, topic_name: str, recipients: Iterable[Any]) -> int:
    people = list(recipients)
    if not people:
        return 0
    return len(
        notify(
            recipients=people,
            topic=topic_name,
            space=post.space,
            actor=post.author,
            object_label=post.topic.title,
            url=post.get_absolute_url(),
        )
    )


@transaction.atomic
def notify_new_post(post_id: int) -> int:
    """Notify watchers and mentioned members of a new post, once. Returns how many were."""
    claimed = Post.objects.filter(pk=post_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    post = _load(post_id)
    if not claimed or post is None:
        return 0
    readers = _readers(post)
    levels = _Levels(post)
    author_id = post.author_id
    mentioned = {
        user.pk: user
        for user in resolve_mentions(space=post.space, body=post.body)
        if user.pk in readers and user.pk != author_id and not levels.is_muted(user.pk)
    }
    if post.is_first:
        topic_name = "forums.new_topic"
        wanted = {
            user_id
            for user_id, level in levels.category.items()
            if level in (WatchLevel.WATCHING, WatchLevel.FIRST_POST)
            and not levels.is_muted(user_id)
        }
    else:
        topic_name = "forums.reply"
        candidates = set(levels.topic) | set(levels.category)
        wanted = {uid for uid in candidates if levels.for_topic(uid) == WatchLevel.WATCHING}
    watchers = [
        readers[uid]
        for uid in wanted
        if uid in readers and uid != author_id and uid not in mentioned
    ]
    return _send(post, "forums.mention", mentioned.values()) + _send(post, topic_name, watchers)


@transaction.atomic
def notify_mentions(post_id: int, user_ids: Iterable[int]) -> int:
    """Notify members newly mentioned by an edit; someone already told about this post's
    mention is not told again (the task may run twice)."""
    post = _load(post_id)
    if post is None:
        return 0
    readers = _readers(post)
    levels = _Levels(post)
    already = set(
        Notification.objects.filter(
            topic="forums.mention", url=post.get_absolute_url()
        ).values_list("recipient_id", flat=True)
    )
    people = [
        readers[uid]
        for uid in set(user_ids)
        if uid in readers
        and uid != post.author_id
        and uid not in already
        and not levels.is_muted(uid)
    ]
    return _send(post, "forums.mention", people)
