"""Opening topics, replying and editing one's posts: every write of forum content by members."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from extranet.activity import record_activity
from extranet.models import Membership
from forums import live, policy
from forums.exceptions import EmptyContent, TopicHidden, TopicLocked
from forums.models import BODY_MAX, TITLE_MAX, Category, Post, PostRevision, Topic
from forums.services import _effects
from forums.services.mentions import resolve_mentions
from forums.services.reading import mark_topic_read
from forums.services.watching import watch_automatically


def clean_body(body: str) -> str:
    cleaned = body.strip()
    if not cleaned:
        raise EmptyContent
    return cleaned[:BODY_MAX]


def clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise EmptyContent
    return cleaned[:TITLE_MAX]


@transaction.atomic
def create_topic(*, membership: Membership, category: Category, title: str, body: str) -> Topic:
    """Open a topic in ``category`` with its first post; the author watches it from now on."""
    if category.space_id != membership.space_id or not membership.can("forums.post"):
        raise PermissionDenied
    user = membership.user
    now = timezone.now()
    topic = Topic.objects.create(
        space=membership.space,
        category=category,
        title=clean_title(title),
        author=user,
        created_at=now,
        post_count=1,
        last_number=1,
        last_post_at=now,
        last_post_author=user,
    )
    post = Post.objects.create(
        space=membership.space,
        topic=topic,
        number=1,
        author=user,
        body=clean_body(body),
        created_at=now,
    )
    watch_automatically(user=user, topic=topic)
    mark_topic_read(membership=membership, topic=topic, up_to=1)
    record_activity(
        space=membership.space,
        actor=user,
        verb="forums.topic_created",
        object_label=topic.title,
        url=topic.get_absolute_url(),
    )
    _effects.index_posts_later([post.pk])
    _effects.notify_post_later(post.pk)
    _effects.publish_post(live.EventKind.POST_CREATED, post)
    return topic


@transaction.atomic
def post_reply(*, membership: Membership, topic: Topic, body: str) -> Post:
    """Reply at the end of ``topic``. Members cannot reply to locked or hidden topics."""
    if not policy.in_space(membership, topic) or not membership.can("forums.post"):
        raise PermissionDenied
    # Lock the topic row: its counter gives the new post's number.
    current = Topic.objects.select_for_update().get(pk=topic.pk)
    if not policy.can_moderate(membership):
        if current.is_hidden:
            raise TopicHidden
        if current.is_locked:
            raise TopicLocked
    user = membership.user
    now = timezone.now()
    number = current.last_number + 1
    post = Post.objects.create(
        space=membership.space,
        topic=current,
        number=number,
        author=user,
        body=clean_body(body),
        created_at=now,
    )
    Topic.objects.filter(pk=current.pk).update(
        post_count=F("post_count") + 1,
        last_number=number,
        last_post_at=now,
        last_post_author=user,
    )
    topic.post_count = current.post_count + 1
    topic.last_number, topic.last_post_at, topic.last_post_author = number, now, user
    post.topic = topic
    watch_automatically(user=user, topic=topic)
    mark_topic_read(membership=membership, topic=topic, up_to=number)
    record_activity(
        space=membership.space,
        actor=user,
        verb="forums.replied",
        object_label=topic.title,
        url=post.get_absolute_url(),
    )
    _effects.index_posts_later([post.pk])
    _effects.notify_post_later(post.pk)
    _effects.publish_post(live.EventKind.POST_CREATED, post)
    return post


@transaction.atomic
def edit_post(*, membership: Membership, post: Post, body: str, title: str | None = None) -> Post:
    """Change one's own post (and the topic title, for an opening post), keeping the previous
    content as a :class:`PostRevision`. Members newly mentioned by the edit are notified."""
    if not policy.can_edit(membership, post):
        raise PermissionDenied
    topic = post.topic
    new_body = clean_body(body)
    new_title = clean_title(title) if title is not None and post.is_first else topic.title
    title_changed = new_title != topic.title
    if new_body == post.body and not title_changed:
        return post
    PostRevision.objects.create(
        post=post,
        body=post.body,
        title=topic.title if title_changed else "",
        edited_by=membership.user,
    )
    previously_mentioned = {
        user.pk for user in resolve_mentions(space=membership.space, body=post.body)
    }
    post.body = new_body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    if title_changed:
        topic.title = new_title
        topic.save(update_fields=["title"])
        _effects.index_topic_later(topic.pk)
    else:
        _effects.index_posts_later([post.pk])
    newly_mentioned = [
        user.pk
        for user in resolve_mentions(
            space=membership.space, body=new_body, exclude=[membership.user_id]
        )
        if user.pk not in previously_mentioned
    ]
    if newly_mentioned:
        _effects.notify_mentions_later(post.pk, newly_mentioned)
    _effects.publish_post(live.EventKind.POST_CHANGED, post)
    return post
