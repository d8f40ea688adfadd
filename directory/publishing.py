"""Directory cards on the public portal (kinds "organisation" and "person", section
"directory").

A card is known by its primary key (``source_key = str(pk)``), whichever version is proposed:
the full card and its reduced version are two contents of the same public item (one public URL,
one current public version), and the card's ``portal_intent`` (FULL or REDUCED) chooses which
content a proposal carries. Switching from one to the other is a new proposal of the same item,
reviewed like any other.

The payload is built only from ``directory.visibility`` cards for ``Viewer.public()``, so only
fields whose audience is ``public`` can ever leave; the reduced version keeps the name, the
type (organisations) or functions (people) and the commune, every other key present but empty
(so the reviewer's comparison shows what is removed). Those who may edit the card (the person
themself, an organisation's card managers, directory editors) may propose it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory import policy
from directory.models import Organisation, Person, PortalIntent
from directory.visibility import (
    OrganisationCard,
    PersonCard,
    Viewer,
    organisation_card,
    person_card,
)
from extranet.portal.registry import PublicField, PublishableKind
from extranet.portal.services import NotPublishable

ORGANISATION = "organisation"
PERSON = "person"
SECTION = "directory"

# schema.org types more precise than Organization, by the French name of the seeded kinds
# (the payload holds the kind's label as the public reads it; other kinds stay Organization).
SCHEMA_TYPES = {
    "Commune": "GovernmentOrganization",
    "Intercommunalité": "GovernmentOrganization",
    "Service public": "GovernmentOrganization",
    "Office de tourisme": "TouristInformationCenter",
    "École": "EducationalOrganization",
    "Crèche": "ChildCare",
    "Établissement de santé": "MedicalOrganization",
    "Entreprise": "LocalBusiness",
    "Association": "NGO",
}


def source_key(card: Person | Organisation) -> str:
    return str(card.pk)


def kind_name(card: Person | Organisation) -> str:
    return PERSON if isinstance(card, Person) else ORGANISATION


def _pk(key: str) -> int:
    if not key.isdigit():
        raise Http404
    return int(key)


def organisation_source(user: Any, key: str) -> Organisation:
    """The organisation if ``user`` may propose it: Http404 for unknown cards (and for anyone
    who may not browse the directory), PermissionDenied for those who may not edit it."""
    organisation = Organisation.objects.visible_to(user).filter(pk=_pk(key)).first()
    if organisation is None:
        raise Http404
    if not policy.can_edit_organisation(user, organisation):
        raise PermissionDenied
    return organisation


def person_source(user: Any, key: str) -> Person:
    """The person if ``user`` may propose the card: the person themself or a directory
    editor."""
    person = Person.objects.visible_to(user).filter(pk=_pk(key)).first()
    if person is None:
        raise Http404
    if not policy.can_edit_person(user, person):
        raise PermissionDenied
    return person


def _intent(card: Person | Organisation) -> str:
    if card.portal_intent == PortalIntent.NONE:
        raise NotPublishable(gettext("Choisissez d'abord la fiche complète ou sa version réduite."))
    return str(card.portal_intent)


def _values(contacts: Any) -> list[str]:
    return [c.value for c in contacts]


def organisation_public_data(card: OrganisationCard, *, reduced: bool) -> dict[str, Any]:
    """The public fields of an organisation card seen by the public (``reduced``: name, type
    and commune only)."""
    data: dict[str, Any] = {
        "name": card.name,
        "kind_label": card.kind_label,
        "commune": card.commune,
        "postal_code": "",
        "address": "",
        "latitude": None,
        "longitude": None,
        "phones": [],
        "emails": [],
        "website": "",
        "opening_hours": "",
        "description": "",
        "themes": [],
    }
    if reduced:
        return data
    websites = _values(card.websites)
    data.update(
        postal_code=card.postal_code,
        address=card.address,
        latitude=card.latitude,
        longitude=card.longitude,
        phones=_values(card.phones),
        emails=_values(card.emails),
        website=card.website or (websites[0] if websites else ""),
        opening_hours=card.opening_hours,
        description=card.description,
        themes=list(card.themes),
    )
    return data


def person_public_data(card: PersonCard, *, reduced: bool) -> dict[str, Any]:
    """The public fields of a person card seen by the public (``reduced``: name, functions and
    commune only)."""
    data: dict[str, Any] = {
        "name": card.full_name,
        "functions": [f"{f.title} — {f.organisation_name}" for f in card.functions],
        "commune": card.commune,
        "phones": [],
        "emails": [],
        "themes": [],
    }
    if reduced:
        return data
    data.update(phones=_values(card.phones), emails=_values(card.emails), themes=list(card.themes))
    return data


def organisation_payload(organisation: Organisation) -> dict[str, Any]:
    reduced = _intent(organisation) == PortalIntent.REDUCED
    # Kind labels are translated: the portal's public text is in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        card = organisation_card(Viewer.public(), organisation)
    return organisation_public_data(card, reduced=reduced)


def person_payload(person: Person) -> dict[str, Any]:
    reduced = _intent(person) == PortalIntent.REDUCED
    return person_public_data(person_card(Viewer.public(), person), reduced=reduced)


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _list(data: dict[str, Any], name: str) -> list[str]:
    value = data.get(name)
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [value] if isinstance(value, str) and value else []


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def directory_place(data: dict[str, Any]) -> tuple[str, str]:
    themes = _list(data, "themes")
    return _text(data, "commune"), themes[0] if themes else ""


def _contact_points(obj: dict[str, Any], data: dict[str, Any]) -> None:
    phones, emails = _list(data, "phones"), _list(data, "emails")
    if phones:
        obj["telephone"] = phones[0] if len(phones) == 1 else phones
    if emails:
        obj["email"] = emails[0] if len(emails) == 1 else emails
    themes = _list(data, "themes")
    if themes:
        obj["keywords"] = ", ".join(themes)


def organisation_schema(data: dict[str, Any], url: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(_text(data, "kind_label"), "Organization"),
        "@id": url,
        "url": url,
        "name": _text(data, "name"),
    }
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "FR"}
    for key, name in (
        ("streetAddress", "address"),
        ("postalCode", "postal_code"),
        ("addressLocality", "commune"),
    ):
        if _text(data, name):
            address[key] = _text(data, name)
    obj["address"] = address
    _contact_points(obj, data)
    if _text(data, "website"):
        obj["sameAs"] = _text(data, "website")
    if _text(data, "description"):
        obj["description"] = _text(data, "description")
    latitude, longitude = _number(data.get("latitude")), _number(data.get("longitude"))
    if latitude is not None and longitude is not None:
        obj["geo"] = {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}
    return obj


def person_schema(data: dict[str, Any], url: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": url,
        "url": url,
        "name": _text(data, "name"),
    }
    functions = _list(data, "functions")
    if functions:
        obj["jobTitle"] = functions[0] if len(functions) == 1 else functions
    if _text(data, "commune"):
        obj["workLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": _text(data, "commune"),
                "addressCountry": "FR",
            },
        }
    _contact_points(obj, data)
    return obj


ORGANISATION_KIND = PublishableKind(
    name=ORGANISATION,
    label=_("Organisation"),
    label_plural=_("Organisations"),
    fields=(
        PublicField("name", _("Nom")),
        PublicField("kind_label", _("Type")),
        PublicField("commune", _("Commune")),
        PublicField("postal_code", _("Code postal")),
        PublicField("address", _("Adresse")),
        PublicField("latitude", _("Latitude"), editable=False),
        PublicField("longitude", _("Longitude"), editable=False),
        PublicField("phones", _("Téléphones"), editable=False),
        PublicField("emails", _("E-mails"), editable=False),
        PublicField("website", _("Site web")),
        PublicField("opening_hours", _("Horaires d'ouverture")),
        PublicField("description", _("Description")),
        PublicField("themes", _("Thèmes"), editable=False),
    ),
    source_for=organisation_source,
    payload=organisation_payload,
    title_of=lambda data: _text(data, "name"),
    space_of=lambda organisation: None,
    place=directory_place,
    schema_org=organisation_schema,
    public_section=SECTION,
    order=20,
)

PERSON_KIND = PublishableKind(
    name=PERSON,
    label=_("Personne"),
    label_plural=_("Personnes"),
    fields=(
        PublicField("name", _("Nom")),
        PublicField("functions", _("Fonctions"), editable=False),
        PublicField("commune", _("Commune")),
        PublicField("phones", _("Téléphones"), editable=False),
        PublicField("emails", _("E-mails"), editable=False),
        PublicField("themes", _("Thèmes"), editable=False),
    ),
    source_for=person_source,
    payload=person_payload,
    title_of=lambda data: _text(data, "name"),
    space_of=lambda person: None,
    place=directory_place,
    schema_org=person_schema,
    public_section=SECTION,
    order=21,
)
