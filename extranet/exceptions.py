"""Domain errors raised by services. Each carries a message meant for the person who acted."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class MaillageError(Exception):
    default_message = _("L'opération n'a pas pu être effectuée.")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class AlreadyMember(MaillageError):
    default_message = _("Cette personne est déjà membre de l'espace.")


class InvitationAlreadyPending(MaillageError):
    default_message = _("Une invitation est déjà en attente pour cette adresse.")


class InvitationInvalid(MaillageError):
    default_message = _("Cette invitation n'est pas valide.")

    def __init__(self, message: str | None = None, *, reason: str = "unknown") -> None:
        self.reason = reason
        super().__init__(message)


class InvitationEmailMismatch(MaillageError):
    default_message = _("Cette invitation est adressée à une autre adresse e-mail que la vôtre.")


class LastAdmin(MaillageError):
    default_message = _(
        "Un espace doit garder au moins un administrateur : nommez-en un autre avant."
    )


class InvalidRole(MaillageError):
    default_message = _("Ce rôle n'existe pas.")


class SlugTaken(MaillageError):
    default_message = _("Cet identifiant est déjà utilisé par un autre espace.")


class MFASetupRequired(PermissionDenied):
    """The space requires MFA and the user has none: they must set it up before entering."""

    def __init__(self, space: object) -> None:
        self.space = space
        super().__init__("MFA required")
