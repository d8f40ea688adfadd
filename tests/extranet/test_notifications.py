"""The shared notification mechanism: in-app list, badge, preferences, immediate and digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from extranet.models import Notification
from extranet.models.notifications import EmailMode
from extranet.notifications import (
    Topic,
    mark_read,
    notify,
    register_topic,
    send_daily_digests,
    set_preference,
)

register_topic(Topic("tests.ping", "Essais", "%(actor)s a écrit « %(object)s » (%(space)s)"))


@pytest.mark.django_db
def test_notify_skips_actor_and_sends_immediate_email(
    cast, space, django_capture_on_commit_callbacks
):
    set_preference(user=cast["reader"], topic="tests.ping", email=EmailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            recipients=[cast["member"], cast["reader"], cast["editor"]],
            topic="tests.ping",
            space=space,
            actor=cast["editor"],
            object_label="Ordre du jour",
            url="/s/elus/",
        )
    assert {n.recipient for n in created} == {cast["member"], cast["reader"]}
    assert [m.to for m in mail.outbox] == [["membre@elus.test"]]
    assert "Éric Éditeur a écrit « Ordre du jour »" in mail.outbox[0].subject
    assert "http://testserver/s/elus/" in mail.outbox[0].body


@pytest.mark.django_db
def test_badge_list_and_mark_read(client, cast, space):
    notify(
        recipients=[cast["member"]],
        topic="tests.ping",
        space=space,
        object_label="A",
        url="/s/elus/",
    )
    client.force_login(cast["member"])
    page = client.get("/").content.decode()
    assert 'class="count">1' in page
    listing = client.get(reverse("notifications")).content.decode()
    assert "« A »" in listing
    notification = Notification.objects.get()
    response = client.get(reverse("notification_open", kwargs={"pk": notification.pk}))
    assert response["Location"] == "/s/elus/"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.django_db
def test_cannot_open_someone_elses_notification(client, cast, space):
    (notification,) = notify(recipients=[cast["member"]], topic="tests.ping", space=space)
    client.force_login(cast["reader"])
    assert (
        client.get(reverse("notification_open", kwargs={"pk": notification.pk})).status_code == 404
    )
    assert mark_read(user=cast["reader"]) == 0


@pytest.mark.django_db
def test_external_urls_are_not_followed(client, cast, space):
    (notification,) = notify(
        recipients=[cast["member"]], topic="tests.ping", url="https://evil.example/"
    )
    client.force_login(cast["member"])
    response = client.get(reverse("notification_open", kwargs={"pk": notification.pk}))
    assert response["Location"] == reverse("notifications")


@pytest.mark.django_db
def test_preferences_page_saves_choices(client, cast):
    from extranet.notifications import email_modes_for, topics

    client.force_login(cast["member"])
    # A browser posts every registered topic (each app may register its own).
    data = {topic.name: topic.default_email for topic in topics()}
    data.update({"tests.ping": "daily", "documents.minutes": "none", "documents.folder": "daily"})
    response = client.post(reverse("notification_preferences"), data)
    assert response.status_code == 302

    assert email_modes_for([cast["member"]], "tests.ping")[cast["member"].pk] == EmailMode.DAILY
    assert (
        email_modes_for([cast["member"]], "documents.minutes")[cast["member"].pk] == EmailMode.NONE
    )
    bad = client.post(reverse("notification_preferences"), {"tests.ping": "sometimes"})
    assert bad.status_code == 400
    assert email_modes_for([cast["member"]], "tests.ping")[cast["member"].pk] == EmailMode.DAILY


@pytest.mark.django_db
def test_daily_digest_groups_two_spaces_in_one_email(cast, space, other_space):
    from extranet.services.memberships import add_member

    add_member(space=other_space, user=cast["member"], role="member")
    set_preference(user=cast["member"], topic="tests.ping", email=EmailMode.DAILY)
    notify(recipients=[cast["member"]], topic="tests.ping", space=space, object_label="Budget")
    notify(
        recipients=[cast["member"]], topic="tests.ping", space=other_space, object_label="Saison"
    )
    notify(recipients=[cast["reader"]], topic="tests.ping", space=space, object_label="Immédiat")
    mail.outbox.clear()
    assert send_daily_digests() == 1
    (message,) = mail.outbox
    assert message.to == ["membre@elus.test"]
    assert "Élus et agents du Pays" in message.body and "Offices de tourisme" in message.body
    assert "Budget" in message.body and "Saison" in message.body
    assert send_daily_digests() == 0  # sent once
    old = notify(recipients=[cast["member"]], topic="tests.ping", space=space, object_label="Vieux")
    Notification.objects.filter(pk=old[0].pk).update(created_at=timezone.now() - timedelta(days=3))
    assert send_daily_digests() == 0
