"""Space calendars: the default one made with the space, others added by its admins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from calendars import provisioning
from calendars.models import SpaceCalendar
from calendars.services import address_books
from extranet.exceptions import MaillageError
from extranet.models import Membership, Space

DEFAULT_SLUG = "agenda"


class CalendarNameTaken(MaillageError):
    default_message = _("Cet espace a déjà un agenda de ce nom.")


def wanted_links(user: Any) -> list[tuple[str, str]]:
    return list(
        SpaceCalendar.objects.filter(space__memberships__user=user).values_list(
            "space__slug", "slug"
        )
    )


def sync_user_links(user: Any) -> None:
    """Bring a person's DAV home in line with their memberships: links to the calendars and the
    address book of each of their spaces (links only; rights decide on every request)."""
    space_slugs = list(Membership.objects.filter(user=user).values_list("space__slug", flat=True))
    provisioning.sync_links(user.email, wanted_links(user), address_books=space_slugs)


def sync_space_members(space: Space) -> None:
    for membership in Membership.objects.in_space(space).select_related("user"):
        sync_user_links(membership.user)


@transaction.atomic
def create_space_calendar(
    *,
    space: Space,
    name: str,
    color: str = "#0b5e4a",
    membership: Membership | None = None,
    is_default: bool = False,
) -> SpaceCalendar:
    """Add a calendar to a space (admins, or the system when the space is created)."""
    if membership is not None and (
        membership.space_id != space.pk or not membership.can("calendars.manage")
    ):
        raise PermissionDenied
    slug = DEFAULT_SLUG if is_default else (slugify(name)[:40] or "agenda")
    try:
        with transaction.atomic():
            calendar = SpaceCalendar.objects.create(
                space=space,
                slug=slug,
                name=name.strip()[:80],
                color=color,
                is_default=is_default,
                created_by=membership.user if membership else None,
            )
    except IntegrityError as exc:
        raise CalendarNameTaken from exc
    transaction.on_commit(lambda: _provision(calendar.pk))
    return calendar


def _provision(calendar_id: int) -> None:
    calendar = SpaceCalendar.objects.select_related("space").get(pk=calendar_id)
    provisioning.ensure_space_calendar(
        calendar.space.slug, calendar.slug, calendar.name, calendar.color
    )
    sync_space_members(calendar.space)


def provision_space(space: Space) -> SpaceCalendar:
    """A new space's DAV collections: its (empty) address book and its default calendar."""
    # Scheduled first, so the address book exists when the calendar's provisioning links members.
    transaction.on_commit(lambda: address_books.ensure_space_address_book(space))
    existing = SpaceCalendar.objects.filter(space=space, is_default=True).first()
    if existing:
        return existing
    return create_space_calendar(space=space, name=f"Agenda · {space.name}"[:80], is_default=True)


@transaction.atomic
def update_space_calendar(
    *, membership: Membership, calendar: SpaceCalendar, name: str, color: str
) -> SpaceCalendar:
    """Rename or recolour a space calendar, in Maillage and in Radicale (what clients show)."""
    if calendar.space_id != membership.space_id or not membership.can("calendars.manage"):
        raise PermissionDenied
    calendar.name, calendar.color = name.strip()[:80], color
    calendar.save(update_fields=["name", "color"])
    provisioning.update_space_calendar_props(
        membership.space.slug, calendar.slug, calendar.name, calendar.color
    )
    return calendar
