"""Secret read-only iCalendar URLs, for tools that only read feeds."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from calendars.dav.paths import principal_for
from calendars.models import FeedToken, hash_secret
from calendars.policy import dav_rights
from extranet.audit import record_audit


def calendar_path_for(user: Any, collection: str) -> str:
    return f"{principal_for(user.email)}/{collection.strip('/')}"


@transaction.atomic
def create_feed(*, user: Any, collection: str, label: str) -> tuple[FeedToken, str]:
    """A feed URL secret for one of the user's calendars (a collection of their home)."""
    path = calendar_path_for(user, collection)
    if "r" not in dav_rights(user, path) or "/" in collection.strip("/"):
        raise PermissionDenied
    secret = secrets.token_urlsafe(24)
    feed = FeedToken.objects.create(
        user=user, calendar_path=path, secret_hash=hash_secret(secret), label=label[:120]
    )
    record_audit(
        action="calendars.feed_created", actor=user, target=label[:254], details={"path": path}
    )
    return feed, secret


@transaction.atomic
def revoke_feed(*, user: Any, feed: FeedToken) -> None:
    if feed.user_id != user.pk:
        raise PermissionDenied
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        record_audit(
            action="calendars.feed_revoked",
            actor=user,
            target=feed.label,
            details={"path": feed.calendar_path},
        )


def feed_for_secret(secret: str) -> FeedToken | None:
    """The live feed behind a secret, if its owner may still read the calendar right now."""
    feed = (
        FeedToken.objects.select_related("user")
        .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None or "r" not in dav_rights(feed.user, feed.calendar_path):
        return None
    return feed
