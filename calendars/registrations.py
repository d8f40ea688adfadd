"""What the calendars app declares to the core."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from calendars import policy  # noqa: F401  (registers the abilities)
from extranet.audit import register_audit_actions
from extranet.tenancy import register_site_urls, register_space_urls

register_audit_actions(
    {
        "calendars.app_password_created": _("Mot de passe d'application créé"),
        "calendars.app_password_revoked": _("Mot de passe d'application révoqué"),
        "calendars.dav_login_failed": _("Échec de connexion d'un client d'agenda"),
        "calendars.feed_created": _("Lien d'abonnement d'agenda créé"),
        "calendars.feed_revoked": _("Lien d'abonnement d'agenda révoqué"),
        "calendars.availability_shared": _("Disponibilités partagées avec un autre espace"),
        "calendars.availability_unshared": _("Partage de disponibilités retiré"),
    }
)
register_site_urls("", "calendars.site_urls")
register_site_urls("agenda/", "calendars.agenda_urls")
register_site_urls("calendars/", "calendars.feeds_urls")
register_space_urls("agenda/", "calendars.urls")
register_space_urls("agenda-settings/", "calendars.space_settings_urls")
