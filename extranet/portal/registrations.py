"""What the editorial workflow declares to the core: audit actions, notification topics and the
review pages (/publication/…). Imported from ``ExtranetConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from extranet.audit import register_audit_actions
from extranet.demo import register_demo_module
from extranet.models.notifications import EmailMode
from extranet.notifications import Topic, register_topic
from extranet.tenancy import register_site_urls

register_audit_actions(
    {
        "portal.submitted": _("Proposition de publication sur le portail"),
        "portal.withdrawn": _("Proposition de publication retirée"),
        "portal.approved": _("Publication approuvée sur le portail"),
        "portal.rejected": _("Proposition de publication refusée"),
        "portal.unpublished": _("Élément retiré du portail"),
        "portal.unpublish_requested": _("Retrait du portail demandé par le contributeur"),
    }
)
register_topic(
    Topic(
        name="portal.reviewed",
        label=_("Relecture de mes propositions de publication sur le portail"),
        message=_("%(actor)s a relu votre proposition : %(object)s"),
        default_email=EmailMode.IMMEDIATE,
    )
)
register_topic(
    Topic(
        name="portal.submitted",
        label=_("Nouvelles propositions à relire pour le portail (administration générale)"),
        message=_("%(actor)s propose « %(object)s » pour le portail (%(space)s)"),
        default_email=EmailMode.DAILY,
    )
)
register_topic(
    Topic(
        name="portal.unpublish_requested",
        label=_(
            "Éléments publics que leur contributeur ne veut plus publier (administration générale)"
        ),
        message=_(
            "%(actor)s ne souhaite plus que « %(object)s » soit public : à retirer du portail"
        ),
        default_email=EmailMode.IMMEDIATE,
    )
)
register_site_urls("publication/", "extranet.portal.review_urls")
register_demo_module("portal", "extranet.portal.demo")
