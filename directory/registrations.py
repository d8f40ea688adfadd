"""What the directory declares to the core: audit actions, site URLs, search indexer and
kinds, the portal's publishable kinds, the demo module; and the receivers that keep cards in
step with accounts.

The directory is territory-wide, not space content: it registers no tenant resource (the
isolation test walks space content) and no space URL.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from directory import indexing, receivers  # noqa: F401  (receivers connect on import)
from directory.publishing import ORGANISATION_KIND, PERSON_KIND

# The stale-card notification topic and the CSV-import audit action register on import.
from directory.services import freshness, importing  # noqa: F401
from extranet.audit import register_audit_actions
from extranet.demo import register_demo_module
from extranet.portal.registry import register_publishable
from extranet.search.registry import register_indexer
from extranet.search_ui import SearchKind, register_search_kind
from extranet.tenancy import register_site_urls

register_audit_actions(
    {
        "directory.person_created": _("Fiche de l'annuaire créée (personne)"),
        "directory.person_updated": _("Fiche de l'annuaire modifiée (personne)"),
        "directory.person_photo_changed": _("Photo d'une fiche de l'annuaire changée"),
        "directory.organisation_created": _("Fiche de l'annuaire créée (organisation)"),
        "directory.organisation_updated": _("Fiche de l'annuaire modifiée (organisation)"),
        "directory.organisation_logo_changed": _("Logo d'une organisation de l'annuaire changé"),
        "directory.card_verified": _("Fiche de l'annuaire confirmée à jour"),
        "directory.portal_intent_changed": _("Souhait de publication d'une fiche sur le portail"),
    }
)
register_site_urls("annuaire/", "directory.urls")
register_indexer("directory", indexing.iter_all_entries)
register_search_kind(SearchKind(indexing.PERSON_KIND, _("Annuaire : personnes")))
register_search_kind(SearchKind(indexing.ORGANISATION_KIND, _("Annuaire : organisations")))
register_demo_module("directory", "directory.demo")
# Organisation and person cards on the public portal, after review (directory/publishing.py).
register_publishable(ORGANISATION_KIND)
register_publishable(PERSON_KIND)
