"""Reading state: how far each member has read each topic (one row per member and topic)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.utils import timezone

from extranet.models import Membership
from forums.models import Category, ReadState, Topic

logger = logging.getLogger(__name__)


def mark_topic_read(*, membership: Membership, topic: Topic, up_to: int) -> None:
    """Record that the member has read ``topic`` up to post number ``up_to``; never goes back.

    The position is advisory: when the database is locked (SQLite while another request writes
    for longer than its timeout) the page is shown anyway and the next view records it. Called
    by views outside any transaction (autocommit), so a refused statement leaves nothing to undo.
    """
    if topic.space_id != membership.space_id:
        raise PermissionDenied
    now = timezone.now()
    try:
        moved = ReadState.objects.filter(
            user=membership.user, topic=topic, last_read_number__lt=up_to
        ).update(last_read_number=up_to, updated_at=now)
        if not moved:
            # No row yet, or one already further: insert, and leave an existing row alone.
            state = ReadState(
                user=membership.user, topic=topic, last_read_number=up_to, updated_at=now
            )
            ReadState.objects.bulk_create([state], ignore_conflicts=True)
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        logger.warning("forums: reading position of topic %s not saved: %s", topic.pk, exc)


def _mark_all(membership: Membership, topics: list[tuple[int, int]]) -> int:
    now = timezone.now()
    ReadState.objects.bulk_create(
        [
            ReadState(user=membership.user, topic_id=pk, last_read_number=last, updated_at=now)
            for pk, last in topics
        ],
        update_conflicts=True,
        unique_fields=["user", "topic"],
        update_fields=["last_read_number", "updated_at"],
    )
    return len(topics)


@transaction.atomic
def mark_category_read(*, membership: Membership, category: Category) -> int:
    """Mark every topic of ``category`` read up to its last post. Returns the topic count."""
    if category.space_id != membership.space_id:
        raise PermissionDenied
    topics = Topic.objects.in_space(membership.space).filter(category=category)
    return _mark_all(membership, list(topics.values_list("pk", "last_number")))


@transaction.atomic
def mark_space_read(*, membership: Membership) -> int:
    """Mark every topic of the member's space read. Returns the topic count."""
    topics = Topic.objects.in_space(membership.space)
    return _mark_all(membership, list(topics.values_list("pk", "last_number")))
