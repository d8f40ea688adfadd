"""The training app's notification topics (in-app; the e-mails with the invitation are sent by
``training.emails``, so these topics send no e-mail of their own by default)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from extranet.models.notifications import EmailMode
from extranet.notifications import Topic, register_topic
from training import audit  # noqa: F401  (registers the audit actions)

REGISTERED = "training.registered"
WAITLISTED = "training.waitlisted"
PROMOTED = "training.promoted"
SESSION_CHANGED = "training.session_changed"
SESSION_CANCELLED = "training.session_cancelled"
REMINDER = "training.reminder"

for _topic in (
    Topic(
        name=REGISTERED,
        label=_("Quand on m'inscrit à une formation"),
        message=_("%(actor)s vous a inscrit·e à la formation « %(object)s »"),
        default_email=EmailMode.NONE,
    ),
    Topic(
        name=WAITLISTED,
        label=_("Quand on m'inscrit en liste d'attente d'une formation"),
        message=_("%(actor)s vous a inscrit·e en liste d'attente de « %(object)s »"),
        default_email=EmailMode.NONE,
    ),
    Topic(
        name=PROMOTED,
        label=_("Quand une place se libère pour moi dans une formation"),
        message=_("Une place s'est libérée : votre inscription à « %(object)s » est confirmée"),
        default_email=EmailMode.NONE,
    ),
    Topic(
        name=SESSION_CHANGED,
        label=_("Changements des sessions de formation où je suis inscrit·e"),
        message=_("La session « %(object)s » a changé (dates ou lieu)"),
        default_email=EmailMode.NONE,
    ),
    Topic(
        name=SESSION_CANCELLED,
        label=_("Annulation des sessions de formation où je suis inscrit·e"),
        message=_("La session « %(object)s » est annulée"),
        default_email=EmailMode.NONE,
    ),
    Topic(
        name=REMINDER,
        label=_("Rappel avant une formation"),
        message=_("Rappel : votre formation « %(object)s » approche"),
        default_email=EmailMode.NONE,
    ),
):
    register_topic(_topic)
