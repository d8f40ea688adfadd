"""Domain errors of the training services, each with a message for the person who acted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from extranet.exceptions import MaillageError


class TrainingError(MaillageError):
    default_message = _("L'opération sur la formation n'a pas pu être effectuée.")


class RegistrationClosed(TrainingError):
    default_message = _("Les inscriptions à cette session sont closes.")


class AlreadyRegistered(TrainingError):
    default_message = _("Cette personne est déjà inscrite à cette session (ou en liste d'attente).")


class RegistrationNotActive(TrainingError):
    default_message = _("Cette inscription est déjà annulée.")


class InvalidRegistrant(TrainingError):
    default_message = _("Indiquez le nom et une adresse e-mail valide de la personne à inscrire.")


class CapacityBelowConfirmed(TrainingError):
    default_message = _(
        "Le nombre de places ne peut pas être inférieur au nombre de personnes déjà inscrites."
    )


class InvalidCapacity(TrainingError):
    default_message = _("Le nombre de places doit être compris entre 1 et 500.")


class InvalidParts(TrainingError):
    default_message = _(
        "Indiquez au moins une date ; chaque partie doit se terminer après son début."
    )


class InvalidStatus(TrainingError):
    default_message = _("Cet état n'est pas possible ici.")


class SessionNotEditable(TrainingError):
    default_message = _("Cette session est annulée ou terminée : elle ne peut plus être modifiée.")


class SessionNotStarted(TrainingError):
    default_message = _("La session n'a pas encore commencé.")


class NotConfirmed(TrainingError):
    default_message = _("La présence ne se note que pour les personnes inscrites (confirmées).")


class InvalidAttendance(TrainingError):
    default_message = _("Cette valeur de présence n'existe pas pour cette session.")


class NotPresent(TrainingError):
    default_message = _(
        "L'attestation n'est délivrée qu'aux personnes notées présentes à la session."
    )


class SurveyAlreadyAnswered(TrainingError):
    default_message = _("Vous avez déjà répondu au questionnaire de cette session.")


class InvalidRating(TrainingError):
    default_message = _("Chaque note doit être comprise entre 1 et 5.")


class InvalidCourse(TrainingError):
    default_message = _("Vérifiez les champs de la formation.")


class InvalidResource(TrainingError):
    default_message = _(
        "Une ressource est un document de l'espace de la formation, ou un lien (adresse web)."
    )
