"""Reads of the calendars app: a person's credentials, a space's calendars and shares."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from calendars.models import AppPassword, AvailabilityShare, FeedToken, SpaceCalendar
from extranet.models import Membership, Space


def app_passwords_of(user: Any) -> QuerySet[AppPassword]:
    return AppPassword.objects.filter(user=user.pk)


def app_password_of(user: Any, pk: int) -> AppPassword | None:
    return app_passwords_of(user).filter(pk=pk).first()


def feeds_of(user: Any) -> QuerySet[FeedToken]:
    return FeedToken.objects.filter(user=user.pk)


def feed_of(user: Any, pk: int) -> FeedToken | None:
    return feeds_of(user).filter(pk=pk).first()


def space_calendars(space: Space) -> QuerySet[SpaceCalendar]:
    return SpaceCalendar.objects.filter(space=space)


def space_calendar_of(membership: Membership, pk: int) -> SpaceCalendar | None:
    return space_calendars(membership.space).filter(pk=pk).first()


def availability_shares_of(space: Space) -> QuerySet[AvailabilityShare]:
    """Shares of this space's calendars with other spaces."""
    return AvailabilityShare.objects.filter(calendar__space=space).select_related(
        "calendar", "space"
    )


def availability_share_of(membership: Membership, pk: int) -> AvailabilityShare | None:
    return availability_shares_of(membership.space).filter(pk=pk).first()
