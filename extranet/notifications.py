"""The shared notification mechanism: apps register topics, services call :func:`notify`.

A notification is stored for the in-app list; whether it is also e-mailed (at once, in a daily
digest, or never) follows each recipient's preference for its topic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from extranet.models import Notification, NotificationPreference, Space
from extranet.models.notifications import EmailMode


@dataclass(frozen=True)
class Topic:
    name: str
    label: Any  # lazily translated, shown on the preferences page
    message: Any  # "%(actor)s a déposé « %(object)s » dans %(space)s"
    default_email: EmailMode = EmailMode.IMMEDIATE


_TOPICS: dict[str, Topic] = {}


def register_topic(topic: Topic) -> None:
    if topic.name in _TOPICS and _TOPICS[topic.name] != topic:
        raise ValueError(f"Notification topic {topic.name!r} is already registered")
    _TOPICS[topic.name] = topic


def topics() -> list[Topic]:
    return list(_TOPICS.values())


def describe(notification: Notification) -> str:
    topic = _TOPICS.get(notification.topic)
    if topic is None:
        return notification.object_label
    return str(topic.message) % {
        "actor": str(notification.actor) if notification.actor_id else _("Quelqu'un"),
        "object": notification.object_label,
        "space": str(notification.space) if notification.space_id else "",
    }


def email_modes_for(users: Iterable[Any], topic: str) -> dict[int, EmailMode]:
    """Each user's e-mail mode for ``topic`` (their preference, else the topic's default)."""
    users = list(users)
    default = _TOPICS[topic].default_email
    chosen = dict(
        NotificationPreference.objects.filter(user__in=users, topic=topic).values_list(
            "user_id", "email"
        )
    )
    return {user.pk: EmailMode(chosen.get(user.pk, default)) for user in users}


def set_preference(*, user: Any, topic: str, email: EmailMode | str) -> None:
    if topic not in _TOPICS:
        raise ValueError(f"Unknown topic {topic!r}")
    NotificationPreference.objects.update_or_create(
        user=user, topic=topic, defaults={"email": EmailMode(email)}
    )


@transaction.atomic
def notify(
    *,
    recipients: Iterable[Any],
    topic: str,
    space: Space | None = None,
    actor: Any = None,
    object_label: str = "",
    url: str = "",
) -> list[Notification]:
    """Store one notification per recipient (never the actor) and send immediate e-mails
    after commit."""
    if topic not in _TOPICS:
        raise ValueError(f"Unknown notification topic {topic!r}: register it first")
    people = {user.pk: user for user in recipients if user.is_active}
    if actor is not None:
        people.pop(actor.pk, None)
    if not people:
        return []
    created = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            topic=topic,
            space=space,
            actor=actor,
            object_label=object_label[:300],
            url=url[:300],
        )
        for user in people.values()
    )
    modes = email_modes_for(people.values(), topic)
    immediate = [n.pk for n in created if modes[n.recipient_id] == EmailMode.IMMEDIATE]
    if immediate:
        transaction.on_commit(lambda: send_immediate_emails(immediate))
    return created


def _absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def send_immediate_emails(notification_ids: list[int]) -> int:
    """Send (once) the e-mails of these notifications. Safe to call again: idempotent."""
    sent = 0
    pending = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
    for notification in pending.select_related("recipient", "actor", "space"):
        with translation.override(settings.LANGUAGE_CODE):
            subject = "[Maillage] " + notification.message()
            body = render_to_string(
                "extranet/email/notification.txt",
                {"notification": notification, "url": _absolute(notification.url)},
            )
        send_mail(subject[:200], body, None, [notification.recipient.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def send_daily_digests(*, now: Any = None) -> int:
    """One e-mail per person listing yesterday's notifications of their "daily" topics."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    candidates = (
        Notification.objects.filter(emailed_at__isnull=True, created_at__gte=since)
        .select_related("recipient", "actor", "space")
        .order_by("recipient_id", "space_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in candidates:
        by_user[notification.recipient_id].append(notification)
    sent = 0
    for items in by_user.values():
        user = items[0].recipient
        wanted = [
            n
            for n in items
            if email_modes_for([user], n.topic).get(user.pk) == EmailMode.DAILY
            if n.topic in _TOPICS
        ]
        if not wanted:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "extranet/email/digest.txt",
                {
                    "user": user,
                    "items": [(n, _absolute(n.url)) for n in wanted],
                    "site_url": settings.SITE_URL,
                },
            )
            subject = _("[Maillage] Votre résumé du %(date)s") % {
                "date": timezone.localdate(now).strftime("%d/%m/%Y")
            }
        send_mail(subject, body, None, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in wanted]).update(emailed_at=now)
        sent += 1
    return sent


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()


def mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    notifications = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=list(notification_ids))
    return notifications.update(read_at=timezone.now())
