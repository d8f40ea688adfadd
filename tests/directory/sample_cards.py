"""A small directory written through the services, for the page, service and search tests of
the directory (tests/directory/test_views.py, test_services.py, test_search.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group

from directory.models import Audience, ContactKind, Organisation, OrganisationKind, Person, Theme
from directory.services.cards import (
    ContactInput,
    FunctionInput,
    create_organisation,
    create_person,
    ensure_person_for_user,
    update_person,
)
from tests.conftest import make_user

EDITORS_GROUP = "Rédaction de l'annuaire"

# Values that must never reach someone outside their audience.
SPACES_PHONE = "05 49 27 81 63"
PRIVATE_MOBILE = "06 71 83 29 54"
PRIVATE_EMAIL = "jeanne.perso@brioux.test"
TERRITORY_EMAIL = "jeanne.martin@mairie-brioux.test"
PUBLIC_PHONE = "05 49 07 50 01"
ORG_SPACES_EMAIL = "secretariat-interne@mairie-brioux.test"


def directory_editor(email: str = "redaction@maillage.test", name: str = "Rédia Rédactrice") -> Any:
    user = make_user(email, name)
    Group.objects.get(name=EDITORS_GROUP).user_set.add(user)
    return user


def theme(name: str, slug: str) -> Theme:
    return Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0]


@dataclass
class Sample:
    editor: Any
    mairie: Organisation
    ot: Organisation
    jeanne: Person
    paul: Person


def build(jeanne_user: Any) -> Sample:
    """Mairie de Brioux, an office de tourisme, Jeanne (with an account: ``jeanne_user``) and
    Paul (no account)."""
    editor = directory_editor()
    numerique = theme("Numérique", "numerique")
    tourisme = theme("Tourisme", "tourisme")
    commune = OrganisationKind.objects.get(code="commune")
    mairie = create_organisation(
        actor=editor,
        kind=commune,
        name="Mairie de Brioux",
        commune="Brioux-sur-Boutonne",
        postal_code="79170",
        address="1 place de la Mairie",
        opening_hours="Lundi au vendredi, 9 h – 12 h",
        contacts=[
            ContactInput(ContactKind.PHONE, PUBLIC_PHONE, Audience.PUBLIC, "Accueil"),
            ContactInput(ContactKind.EMAIL, ORG_SPACES_EMAIL, Audience.SPACES),
        ],
    )
    ot = create_organisation(
        actor=editor,
        kind=OrganisationKind.objects.get(code="office-tourisme"),
        name="Office de tourisme du Mellois",
        commune="Melle",
        parent=None,
        themes=[tourisme],
        contacts=[ContactInput(ContactKind.PHONE, "05 49 29 15 10", Audience.PUBLIC)],
    )
    jeanne = ensure_person_for_user(user=jeanne_user)
    update_person(
        actor=jeanne_user,
        person=jeanne,
        first_name="Jeanne",
        last_name="Martin",
        commune="Brioux-sur-Boutonne",
        languages="français, occitan",
        bio="Secrétaire de mairie depuis 2015.",
        themes=[numerique],
        audiences={},
        contacts=[
            ContactInput(ContactKind.PHONE, SPACES_PHONE, Audience.SPACES, "Bureau"),
            ContactInput(ContactKind.MOBILE, PRIVATE_MOBILE, Audience.PRIVATE),
            ContactInput(ContactKind.EMAIL, PRIVATE_EMAIL, Audience.PRIVATE),
            ContactInput(ContactKind.EMAIL, TERRITORY_EMAIL, Audience.TERRITORY),
        ],
        functions=[FunctionInput(mairie.pk, "Secrétaire de mairie")],
    )
    paul = create_person(
        actor=editor,
        first_name="Paul",
        last_name="Brunet",
        commune="Melle",
        themes=[tourisme],
        contacts=[ContactInput(ContactKind.PHONE, "05 49 29 15 11", Audience.TERRITORY)],
        functions=[FunctionInput(ot.pk, "Conseiller en séjour")],
    )
    return Sample(editor, mairie, ot, Person.objects.get(pk=jeanne.pk), paul)
