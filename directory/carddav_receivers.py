"""Keep the spaces' address books in line with memberships (a projection: no business rule).

A membership created, changed or deleted refreshes its space's book after commit, through the
task ``directory.tasks.refresh_space_address_book`` (once per space and transaction). Card edits
go through ``directory.changes.cards_changed`` instead, which refreshes the spaces of the card's
account as it is now: a card deleted, or moved to another account, is handled here because only
its old row knows the account, hence the spaces, it was shown in.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from directory.carddav import schedule_space_refresh
from directory.models import Person
from extranet.models import Membership


@receiver(post_save, sender=Membership, dispatch_uid="directory_book_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="directory_book_membership_deleted")
def refresh_book_of_membership(sender: Any, instance: Membership, **kwargs: Any) -> None:
    schedule_space_refresh([instance.space_id])


@receiver(post_delete, sender=Person, dispatch_uid="directory_book_person_deleted")
def refresh_books_of_deleted_person(sender: Any, instance: Person, **kwargs: Any) -> None:
    if instance.user_id is None:
        return  # never in any book
    schedule_space_refresh(
        Membership.objects.filter(user_id=instance.user_id).values_list("space_id", flat=True)
    )


@receiver(pre_save, sender=Person, dispatch_uid="directory_book_person_relinked")
def refresh_books_of_previous_account(sender: Any, instance: Person, **kwargs: Any) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    previous = Person.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    if previous is not None and previous != instance.user_id:
        schedule_space_refresh(
            Membership.objects.filter(user_id=previous).values_list("space_id", flat=True)
        )
