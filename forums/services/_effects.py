"""Side effects the services schedule after commit: indexing, notifications, live events.

Tasks are imported lazily: ``forums.tasks`` imports the services it calls.
"""

from __future__ import annotations

from django.db import transaction

from forums import live
from forums.models import Post, Topic


def index_posts_later(post_ids: list[int]) -> None:
    def enqueue() -> None:
        from forums.tasks import index_posts

        index_posts.enqueue(post_ids=post_ids)

    transaction.on_commit(enqueue)


def index_topic_later(topic_id: int) -> None:
    def enqueue() -> None:
        from forums.tasks import index_topic

        index_topic.enqueue(topic_id=topic_id)

    transaction.on_commit(enqueue)


def notify_post_later(post_id: int) -> None:
    def enqueue() -> None:
        from forums.tasks import notify_new_post

        notify_new_post.enqueue(post_id=post_id)

    transaction.on_commit(enqueue)


def notify_mentions_later(post_id: int, user_ids: list[int]) -> None:
    def enqueue() -> None:
        from forums.tasks import notify_new_mentions

        notify_new_mentions.enqueue(post_id=post_id, user_ids=user_ids)

    transaction.on_commit(enqueue)


def publish_post(kind: live.EventKind, post: Post) -> None:
    topic = post.topic
    live.schedule(
        live.ForumEvent(
            kind=kind,
            space_id=topic.space_id,
            category_id=topic.category_id,
            topic_id=topic.pk,
            post_id=post.pk,
            post_number=post.number,
        )
    )


def publish_topic(topic: Topic) -> None:
    live.schedule(
        live.ForumEvent(
            kind=live.EventKind.TOPIC_CHANGED,
            space_id=topic.space_id,
            category_id=topic.category_id,
            topic_id=topic.pk,
        )
    )
