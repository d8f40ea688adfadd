"""Availability-only sharing: another space sees busy blocks of a calendar, never its events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from calendars import storage_reader
from calendars.dav.paths import space_collection
from calendars.models import AvailabilityShare, SpaceCalendar
from extranet.audit import record_audit
from extranet.exceptions import MaillageError
from extranet.models import Membership, Space


class AlreadyShared(MaillageError):
    default_message = _("Les disponibilités de cet agenda sont déjà partagées avec cet espace.")


@transaction.atomic
def share_availability(
    *, membership: Membership, calendar: SpaceCalendar, target: Space
) -> AvailabilityShare:
    if (
        calendar.space_id != membership.space_id
        or not membership.can("calendars.manage")
        or target.pk == membership.space_id
    ):
        raise PermissionDenied
    try:
        with transaction.atomic():
            share = AvailabilityShare.objects.create(
                calendar=calendar, space=target, created_by=membership.user
            )
    except IntegrityError as exc:
        raise AlreadyShared from exc
    for space, key in ((membership.space, "to_space"), (target, "from_space")):
        other = target if space == membership.space else membership.space
        record_audit(
            action="calendars.availability_shared",
            actor=membership.user,
            space=space,
            target=calendar.name,
            details={"calendar": calendar.pk, key: other.slug},
        )
    return share


@transaction.atomic
def unshare_availability(*, membership: Membership, share: AvailabilityShare) -> None:
    if share.calendar.space_id != membership.space_id or not membership.can("calendars.manage"):
        raise PermissionDenied
    target = share.space
    share.delete()
    record_audit(
        action="calendars.availability_unshared",
        actor=membership.user,
        space=membership.space,
        target=share.calendar.name,
        details={"calendar": share.calendar_id, "to_space": target.slug},
    )


def availability_for(
    membership: Membership, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Busy blocks of the calendars other spaces share with the viewer's space."""
    shares = AvailabilityShare.objects.filter(space=membership.space).select_related(
        "calendar__space"
    )
    result = []
    for share in shares:
        calendar = share.calendar
        snapshot = storage_reader.calendar_snapshot(
            space_collection(calendar.space.slug, calendar.slug)
        )
        periods = storage_reader.busy_periods(snapshot, start, end) if snapshot else []
        result.append({"calendar": calendar, "space": calendar.space, "periods": periods})
    return result
