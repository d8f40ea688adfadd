"""Moderation by editors and admins: pin, lock, hide, move, split. Every action is audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from extranet.audit import record_audit
from extranet.models import Membership
from forums import live, policy
from forums.exceptions import InvalidSplit, ReasonRequired
from forums.models import REASON_MAX, Category, Post, ReadState, Topic, TopicWatch
from forums.services import _effects
from forums.services.posting import clean_title


def _check(membership: Membership, topic: Topic) -> None:
    if not policy.in_space(membership, topic) or not policy.can_moderate(membership):
        raise PermissionDenied


def _audit(membership: Membership, action: str, topic: Topic, **details: Any) -> None:
    record_audit(
        action=action,
        actor=membership.user,
        space=membership.space,
        target=topic.title,
        details={"topic": topic.pk, **details},
    )


def _reason(reason: str) -> str:
    cleaned = " ".join(reason.split())[:REASON_MAX]
    if not cleaned:
        raise ReasonRequired
    return cleaned


@transaction.atomic
def set_topic_pinned(*, membership: Membership, topic: Topic, pinned: bool) -> Topic:
    """Pinned topics stay at the top of their category."""
    _check(membership, topic)
    if topic.is_pinned != pinned:
        topic.is_pinned = pinned
        topic.save(update_fields=["is_pinned"])
        _audit(membership, "forums.topic_pinned" if pinned else "forums.topic_unpinned", topic)
        _effects.publish_topic(topic)
    return topic


@transaction.atomic
def set_topic_locked(*, membership: Membership, topic: Topic, locked: bool) -> Topic:
    """A locked topic stays readable; only moderators can still reply."""
    _check(membership, topic)
    if topic.is_locked != locked:
        topic.is_locked = locked
        topic.save(update_fields=["is_locked"])
        _audit(membership, "forums.topic_locked" if locked else "forums.topic_unlocked", topic)
        _effects.publish_topic(topic)
    return topic


@transaction.atomic
def hide_topic(*, membership: Membership, topic: Topic, reason: str) -> Topic:
    """Hide a whole topic: members see the reason instead of its title and posts, search
    forgets its posts, and it takes no more replies from members."""
    _check(membership, topic)
    topic.hidden_reason = _reason(reason)
    topic.hidden_at = timezone.now()
    topic.hidden_by = membership.user
    topic.save(update_fields=["hidden_reason", "hidden_at", "hidden_by"])
    _audit(membership, "forums.topic_hidden", topic, reason=topic.hidden_reason)
    _effects.index_topic_later(topic.pk)
    _effects.publish_topic(topic)
    return topic


@transaction.atomic
def unhide_topic(*, membership: Membership, topic: Topic) -> Topic:
    _check(membership, topic)
    if topic.is_hidden:
        topic.hidden_at, topic.hidden_by, topic.hidden_reason = None, None, ""
        topic.save(update_fields=["hidden_reason", "hidden_at", "hidden_by"])
        _audit(membership, "forums.topic_unhidden", topic)
        _effects.index_topic_later(topic.pk)
        _effects.publish_topic(topic)
    return topic


@transaction.atomic
def hide_post(*, membership: Membership, post: Post, reason: str) -> Post:
    """Members see « Message masqué par la modération : <raison> »; moderators still read it."""
    _check(membership, post.topic)
    post.hidden_reason = _reason(reason)
    post.hidden_at = timezone.now()
    post.hidden_by = membership.user
    post.save(update_fields=["hidden_reason", "hidden_at", "hidden_by"])
    _audit(
        membership,
        "forums.post_hidden",
        post.topic,
        post=post.pk,
        number=post.number,
        reason=post.hidden_reason,
    )
    _effects.index_posts_later([post.pk])
    _effects.publish_post(live.EventKind.POST_CHANGED, post)
    return post


@transaction.atomic
def unhide_post(*, membership: Membership, post: Post) -> Post:
    _check(membership, post.topic)
    if post.is_hidden:
        post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
        post.save(update_fields=["hidden_reason", "hidden_at", "hidden_by"])
        _audit(membership, "forums.post_unhidden", post.topic, post=post.pk, number=post.number)
        _effects.index_posts_later([post.pk])
        _effects.publish_post(live.EventKind.POST_CHANGED, post)
    return post


def _check_category(membership: Membership, category: Category) -> None:
    if category.space_id != membership.space_id:
        raise PermissionDenied


@transaction.atomic
def move_topic(*, membership: Membership, topic: Topic, category: Category) -> Topic:
    """Move a topic to another category of the same space."""
    _check(membership, topic)
    _check_category(membership, category)
    if topic.category_id == category.pk:
        return topic
    previous = topic.category
    topic.category = category
    topic.save(update_fields=["category"])
    _audit(
        membership,
        "forums.topic_moved",
        topic,
        from_category=previous.pk,
        from_name=previous.name,
        to_category=category.pk,
        to_name=category.name,
    )
    _effects.index_topic_later(topic.pk)
    _effects.publish_topic(topic)
    return topic


def _refresh_counters(topic: Topic) -> None:
    last = topic.posts.order_by("-number").select_related("author").first()
    topic.post_count = topic.posts.count()
    if last is not None:
        topic.last_post_at = last.created_at
        topic.last_post_author = last.author
    topic.save(update_fields=["post_count", "last_post_at", "last_post_author"])


@transaction.atomic
def split_topic(
    *,
    membership: Membership,
    topic: Topic,
    post_ids: Iterable[int],
    title: str,
    category: Category,
) -> Topic:
    """Move the chosen replies, in order, into a new topic of ``category`` (same space).

    The moved posts keep their authors, dates, history and permanent links, and are numbered
    from 1 in the new topic. Members keep their reading position and their watch level.
    """
    _check(membership, topic)
    _check_category(membership, category)
    wanted = set(post_ids)
    moved = list(
        Post.objects.select_for_update(of=("self",))
        .filter(topic=topic, pk__in=wanted)
        .exclude(number=1)
        .select_related("author")
        .order_by("number")
    )
    if not moved or len(moved) != len(wanted):
        raise InvalidSplit
    first, last = moved[0], moved[-1]
    new_topic = Topic.objects.create(
        space=topic.space,
        category=category,
        title=clean_title(title),
        author=first.author,
        created_at=first.created_at,
        post_count=len(moved),
        last_number=len(moved),
        last_post_at=last.created_at,
        last_post_author=last.author,
    )
    old_numbers = [post.number for post in moved]
    for index, post in enumerate(moved, start=1):
        post.topic, post.number = new_topic, index
    Post.objects.bulk_update(moved, ["topic", "number"])
    _refresh_counters(topic)
    ReadState.objects.bulk_create(
        [
            ReadState(
                user_id=state.user_id,
                topic=new_topic,
                last_read_number=sum(1 for n in old_numbers if n <= state.last_read_number),
            )
            for state in ReadState.objects.filter(topic=topic)
            if state.last_read_number >= old_numbers[0]
        ]
    )
    TopicWatch.objects.bulk_create(
        [
            TopicWatch(user_id=watch.user_id, topic=new_topic, level=watch.level)
            for watch in TopicWatch.objects.filter(topic=topic)
        ]
    )
    _audit(
        membership,
        "forums.topic_split",
        topic,
        new_topic=new_topic.pk,
        new_title=new_topic.title,
        posts=[post.pk for post in moved],
        numbers=old_numbers,
    )
    _effects.index_topic_later(new_topic.pk)
    _effects.publish_topic(topic)
    _effects.publish_topic(new_topic)
    return new_topic
