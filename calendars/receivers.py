"""Keep the DAV storage in line with spaces and memberships (a projection, not business rules)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from extranet.models import Membership, Space


@receiver(post_save, sender=Space)
def provision_new_space(sender: Any, instance: Space, created: bool, **kwargs: Any) -> None:
    if created:
        from calendars.services.space_calendars import provision_space

        provision_space(instance)
    else:
        from calendars.services.address_books import ensure_space_address_book

        # the address book's name follows the space's (a no-op when it did not change)
        transaction.on_commit(lambda: ensure_space_address_book(instance))


@receiver(post_delete, sender=Space)
def forget_deleted_space(sender: Any, instance: Space, **kwargs: Any) -> None:
    from calendars.services.address_books import delete_space_address_book

    transaction.on_commit(lambda: delete_space_address_book(instance))


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def relink_member(sender: Any, instance: Membership, **kwargs: Any) -> None:
    user_id = instance.user_id

    def sync() -> None:
        from django.contrib.auth import get_user_model

        from calendars.services.space_calendars import sync_user_links

        user = get_user_model().objects.filter(pk=user_id).first()
        if user is not None:
            sync_user_links(user)

    transaction.on_commit(sync)
