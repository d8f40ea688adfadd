"""Keep the directory in step with the rest of the site (no business rules here).

- a user gets their card with their first membership (``ensure_person_for_user``);
- a card deleted outside the services (admin, cascade) leaves the search index and address
  books after commit.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from directory.changes import cards_changed
from directory.models import Organisation, Person
from extranet.models import Membership


@receiver(post_save, sender=Membership)
def card_for_new_member(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        from directory.services.cards import ensure_person_for_user

        ensure_person_for_user(user=instance.user)


@receiver(post_delete, sender=Person)
def forget_deleted_person(sender: Any, instance: Person, **kwargs: Any) -> None:
    cards_changed(person_ids=[instance.pk])


@receiver(pre_delete, sender=Organisation)
def forget_deleted_organisation(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    # Before the cascade: its people's functions (and so their cards) are about to change.
    people = instance.functions.values_list("person_id", flat=True)
    cards_changed(organisation_ids=[instance.pk], person_ids=list(people))
