"""Cards written straight into the database for the visibility, vCard, CardDAV and leak tests:
every field and contact point given one audience and a recognisable value (a marker), so a test
can tell exactly which fields an output shows. Services are tested elsewhere
(tests/directory/test_services.py); here only what the outputs reveal matters."""

from __future__ import annotations

from typing import Any

from directory.models import (
    ORGANISATION_FIELD_AUDIENCES,
    PERSON_FIELD_AUDIENCES,
    ContactKind,
    ContactPoint,
    Organisation,
    OrganisationKind,
    Person,
)

PERSON_FIELDS = tuple(PERSON_FIELD_AUDIENCES)
ORGANISATION_FIELDS = tuple(ORGANISATION_FIELD_AUDIENCES)


def person_values(marker: str) -> dict[str, str]:
    """Values of a person's single-valued fields, each holding ``<marker>-<field>``."""
    return {
        "commune": f"Commune {marker}-commune",
        "languages": f"occitan {marker}-languages, poitevin",
        "bio": f"Présentation {marker}-bio",
    }


def contact_value(kind: str, marker: str) -> str:
    if kind == ContactKind.EMAIL:
        return f"{marker}@exemple.test"
    if kind == ContactKind.WEBSITE:
        return f"https://exemple.test/{marker}"
    return f"+33 5 49 {marker}"


def person_card_for(
    user: Any = None,
    *,
    first_name: str = "Jeanne",
    last_name: str = "Martin",
    audience: str | None = None,
    audiences: dict[str, str] | None = None,
    marker: str = "zq7-p",
    contacts: dict[str, str] | None = None,
) -> Person:
    """A person (the user's card when ``user`` is given, created or overwritten) whose every
    field has ``audience`` (or the audience given per field in ``audiences``), and one contact
    point per kind with the same audience unless ``contacts`` maps kinds to audiences."""
    existing = Person.objects.filter(user=user).first() if user is not None else None
    person = existing or Person(user=user)
    person.first_name, person.last_name = first_name, last_name
    for field, value in person_values(marker).items():
        setattr(person, field, value)
    person.photo.name = f"person/{marker}"
    person.audiences = {
        field: (audiences or {}).get(field, audience or PERSON_FIELD_AUDIENCES[field])
        for field in PERSON_FIELDS
    }
    person.save()
    person.contacts.all().delete()
    for position, kind in enumerate(ContactKind.values):
        ContactPoint.objects.create(
            person=person,
            kind=kind,
            value=contact_value(kind, f"{marker}-{kind}"),
            label=f"Libellé {kind}",
            audience=(contacts or {}).get(kind, audience or "spaces"),
            position=position,
        )
    return person


def organisation_card(
    *,
    name: str = "Mairie de Brioux",
    audience: str | None = None,
    audiences: dict[str, str] | None = None,
    marker: str = "zq7-o",
    spaces: list[Any] = (),  # type: ignore[assignment]
    managers: list[Any] = (),  # type: ignore[assignment]
    contacts: dict[str, str] | None = None,
) -> Organisation:
    organisation = Organisation.objects.create(
        kind=OrganisationKind.objects.get(code="commune"),
        name=name,
        commune="Brioux-sur-Boutonne",
        postal_code="79170",
        address=f"1 place {marker}-address",
        latitude="46.141500",
        longitude="-0.217800",
        website=f"https://{marker}-website.exemple.test/",
        opening_hours=f"Lundi {marker}-opening_hours",
        description=f"Description {marker}-description",
        audiences={
            field: (audiences or {}).get(field, audience or ORGANISATION_FIELD_AUDIENCES[field])
            for field in ORGANISATION_FIELDS
        },
    )
    organisation.logo.name = f"organisation/{marker}"
    organisation.save(update_fields=["logo"])
    organisation.spaces.set(spaces)
    organisation.managers.set(managers)
    for position, kind in enumerate(ContactKind.values):
        ContactPoint.objects.create(
            organisation=organisation,
            kind=kind,
            value=contact_value(kind, f"{marker}-{kind}"),
            audience=(contacts or {}).get(kind, audience or "spaces"),
            position=position,
        )
    return organisation
