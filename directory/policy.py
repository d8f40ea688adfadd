"""Who may do what in the directory: the one place these rules live.

Every signed-in, active user browses the whole directory (what each one sees of a card is
``directory.visibility``'s business). People edit their own card; an organisation's card
managers edit it; directory editors (permission ``directory.edit_directory``, held by the
group "Rédaction de l'annuaire") edit and create every card. Site staff get nothing from being
staff: they need the permission like anyone else.
"""

from __future__ import annotations

from typing import Any

from directory.models import Organisation, Person
from directory.visibility import is_directory_editor

__all__ = [
    "can_browse",
    "can_create",
    "can_edit_organisation",
    "can_edit_person",
    "is_directory_editor",
]


def can_browse(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_create(user: Any) -> bool:
    """New organisations and people (without an account, or for someone else's account)."""
    return can_browse(user) and is_directory_editor(user)


def can_edit_person(user: Any, person: Person) -> bool:
    """The person themself, or a directory editor."""
    if not can_browse(user):
        return False
    return (person.user_id is not None and person.user_id == user.pk) or is_directory_editor(user)


def can_edit_organisation(user: Any, organisation: Organisation) -> bool:
    """The organisation's card managers, or a directory editor."""
    if not can_browse(user):
        return False
    if is_directory_editor(user):
        return True
    return organisation.managers.filter(pk=user.pk).exists()


def can_manage_organisation_access(user: Any) -> bool:
    """Choosing an organisation's managers and network spaces widens who sees or edits it:
    directory editors only."""
    return can_create(user)
