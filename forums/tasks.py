"""Background work of the forums: thin tasks that take ids and call services. Idempotent."""

from __future__ import annotations

from django_tasks import task

from forums import indexing
from forums.services import notifications


@task()
def index_posts(*, post_ids: list[int]) -> None:
    indexing.index_posts(post_ids)


@task()
def index_topic(*, topic_id: int) -> None:
    indexing.index_topic(topic_id)


@task()
def notify_new_post(*, post_id: int) -> int:
    """Tell watchers and mentioned members about a new topic or reply (at most once)."""
    return notifications.notify_new_post(post_id)


@task()
def notify_new_mentions(*, post_id: int, user_ids: list[int]) -> int:
    """Tell members newly mentioned by an edit."""
    return notifications.notify_mentions(post_id, user_ids)
