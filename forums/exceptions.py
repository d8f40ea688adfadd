"""Domain errors of the forums, each with the message shown to the person who acted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from extranet.exceptions import MaillageError
from forums.policy import HIDDEN_TOPIC_MESSAGE, LOCKED_MESSAGE


class TopicLocked(MaillageError):
    default_message = LOCKED_MESSAGE


class TopicHidden(MaillageError):
    default_message = HIDDEN_TOPIC_MESSAGE


class EmptyContent(MaillageError):
    default_message = _("Le message est vide.")


class ReasonRequired(MaillageError):
    default_message = _("Indiquez la raison : elle est affichée aux membres à la place du contenu.")


class CategoryNameTaken(MaillageError):
    default_message = _("Une catégorie de ce nom existe déjà dans l'espace.")


class CategoryNotEmpty(MaillageError):
    default_message = _(
        "Cette catégorie contient des sujets : déplacez-les dans une autre catégorie avant de "
        "la supprimer."
    )


class InvalidSplit(MaillageError):
    default_message = _(
        "Choisissez au moins une réponse de ce sujet (le message d'ouverture reste en place)."
    )
