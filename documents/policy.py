"""Who may do what with a document: the one place these rules live."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from documents.models import Document
from extranet.models import Membership
from extranet.roles import Role, register_abilities

register_abilities(
    {
        "documents.view": Role.READER,
        "documents.upload": Role.MEMBER,
        "documents.comment": Role.MEMBER,
        "documents.manage": Role.EDITOR,
        "documents.share": Role.EDITOR,
    }
)

ROLE_HINT = _("Votre rôle dans cet espace ne permet pas de modifier ce document.")


def is_owner_space(membership: Membership, document: Document) -> bool:
    return document.space_id == membership.space_id


def can_change(membership: Membership, document: Document) -> bool:
    """Rename, move, new version, delete: editors, or the member who deposited it."""
    if not is_owner_space(membership, document) or document.is_trashed:
        return False
    if membership.can("documents.manage"):
        return True
    return membership.can("documents.upload") and document.created_by_id == membership.user_id


def can_comment(membership: Membership, document: Document) -> bool:
    return is_owner_space(membership, document) and membership.can("documents.comment")


def can_share(membership: Membership, document: Document) -> bool:
    return (
        is_owner_space(membership, document)
        and membership.can("documents.share")
        and not document.is_trashed
    )
