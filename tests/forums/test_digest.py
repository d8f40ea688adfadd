"""A day of forum activity in two spaces reaches a "daily" reader as one e-mail listing both."""

from __future__ import annotations

import pytest
from django.core import mail

from extranet.models.notifications import EmailMode
from extranet.notifications import send_daily_digests, set_preference
from extranet.roles import Role
from extranet.services.memberships import add_member
from forums.models import WatchLevel
from forums.services.categories import create_category
from forums.services.posting import create_topic
from forums.services.watching import set_category_watch
from tests.conftest import make_user
from tests.documents.conftest import membership_of


@pytest.mark.django_db
def test_daily_digest_lists_both_spaces_and_respects_preferences(
    space, other_space, space_admin, outsider, django_capture_on_commit_callbacks
):
    reader = make_user("lectrice@pays.test", "Léa Lectrice")
    muted = make_user("silence@pays.test", "Sam Silence")
    for target in (space, other_space):
        add_member(space=target, user=reader, role=Role.READER)
        add_member(space=target, user=muted, role=Role.READER)
    set_preference(user=reader, topic="forums.new_topic", email=EmailMode.DAILY)
    set_preference(user=muted, topic="forums.new_topic", email=EmailMode.NONE)

    with django_capture_on_commit_callbacks(execute=True):
        for target, author, title in (
            (space, space_admin, "Budget primitif 2027"),
            (other_space, outsider, "Brochure de la saison"),
        ):
            author_membership = membership_of(author, target)
            category = create_category(membership=author_membership, name="Général")
            for person in (reader, muted):
                set_category_watch(
                    membership=membership_of(person, target),
                    category=category,
                    level=WatchLevel.FIRST_POST,
                )
            create_topic(
                membership=author_membership, category=category, title=title, body="Bonjour."
            )

    mail.outbox.clear()
    assert send_daily_digests() == 1
    (message,) = mail.outbox
    assert message.to == ["lectrice@pays.test"]
    assert "Élus et agents du Pays" in message.body and "Offices de tourisme" in message.body
    assert "Budget primitif 2027" in message.body and "Brochure de la saison" in message.body
