"""The demo's general administrator of the portal (``DemoPerson.is_portal_admin``).

The calendars and documents demos then propose and approve their public items through the
workflow's services, with :func:`demo_reviewer` as the reviewer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from extranet.demo import DemoContext
from extranet.demo_data import PEOPLE
from extranet.portal.services import GENERAL_ADMINISTRATORS_GROUP


def demo_reviewer() -> Any:
    """The demo's general administrator, made one if needed (idempotent, so the order in which
    demo modules run does not matter)."""
    person = next(p for p in PEOPLE if p.is_portal_admin)
    user = get_user_model().objects.get(email=person.email)
    group, _created = Group.objects.get_or_create(name=GENERAL_ADMINISTRATORS_GROUP)
    group.user_set.add(user)
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
    return user


def seed(context: DemoContext) -> list[str]:
    return [demo_reviewer().email]


def finish(emails: list[str]) -> str:
    return (
        f"* {', '.join(emails)}: general administrator of the public portal — reviews proposals "
        "at /publication/ (the public sees /portal/)."
    )
