"""Forum fixtures on top of the fixed cast: a category of the space, topics opened through the
services, and helpers to read back what a user sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from extranet.models import Membership
from forums.services.categories import create_category
from forums.services.posting import create_topic, post_reply


def membership_of(user, space) -> Membership:
    return Membership.objects.select_related("space", "user").get(user=user, space=space)


def url(name: str, **kwargs) -> str:
    return reverse(f"forums:{name}", kwargs={"slug": "elus", **kwargs})


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what services schedule after commit (indexing, notifications, live events)."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


@pytest.fixture
def category(space, editor):
    return create_category(
        membership=membership_of(editor, space),
        name="Conseils communautaires",
        description="Ordres du jour et suites des conseils.",
    )


@pytest.fixture
def other_category(space, editor):
    return create_category(membership=membership_of(editor, space), name="Voirie")


def open_topic(user, space, category, title="Budget de l'école", body="Premier message."):
    return create_topic(
        membership=membership_of(user, space), category=category, title=title, body=body
    )


def reply(user, space, topic, body="Une réponse."):
    return post_reply(membership=membership_of(user, space), topic=topic, body=body)


@pytest.fixture
def topic(space, member, category):
    return open_topic(member, space, category)
