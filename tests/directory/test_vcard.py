"""vCard texts of directory cards: escaping, folding, what clients read back (vobject, the
parser Radicale uses), and only the fields the card's viewer may see."""

from __future__ import annotations

import datetime as dt

import pytest
import vobject
from django.contrib.auth.models import AnonymousUser

from directory.models import Audience, ContactKind, Function
from directory.vcard import fold, organisation_vcard, person_uid, person_vcard
from directory.visibility import (
    FunctionLine,
    OrganisationCard,
    PersonCard,
    Viewer,
    VisibleContact,
    organisation_card,
    person_card,
)
from tests.conftest import make_user
from tests.directory.builders import organisation_card as make_organisation
from tests.directory.builders import person_card_for

VERIFIED = dt.datetime(2026, 3, 14, 9, 26, 53, tzinfo=dt.UTC)


def a_person(**overrides) -> PersonCard:
    values = {
        "pk": 42,
        "first_name": "Jeanne",
        "last_name": "Martin",
        "functions": (
            FunctionLine("Secrétaire de mairie", 1, "Mairie de Brioux"),
            FunctionLine("Trésorière", 2, "Comité des fêtes"),
        ),
        "themes": ("Numérique", "Santé"),
        "commune": "Brioux-sur-Boutonne",
        "languages": ("français", "occitan"),
        "bio": "Accueil du public le matin.",
        "has_photo": True,
        "contacts": (
            VisibleContact(ContactKind.PHONE, "Standard", "+33 5 49 07 00 00", Audience.SPACES),
            VisibleContact(ContactKind.MOBILE, "", "+33 6 12 34 56 78", Audience.PRIVATE),
            VisibleContact(ContactKind.EMAIL, "", "jeanne@brioux.test", Audience.SPACES),
            VisibleContact(ContactKind.WEBSITE, "", "https://brioux.test/", Audience.PUBLIC),
        ),
        "last_verified_at": VERIFIED,
        "is_stale": False,
        "is_own": False,
        "can_edit": False,
        "has_account": True,
        "portal_intent": "none",
    }
    return PersonCard(**{**values, **overrides})


def an_organisation(**overrides) -> OrganisationCard:
    values = {
        "pk": 7,
        "name": "Mairie de Brioux",
        "kind_code": "commune",
        "kind_label": "Commune",
        "commune": "Brioux-sur-Boutonne",
        "parent_id": 3,
        "parent_name": "Communauté de communes Mellois en Poitou",
        "themes": ("Services publics",),
        "postal_code": "79170",
        "address": "1 place de la Mairie\nBP 2",
        "latitude": 46.1415,
        "longitude": -0.2178,
        "website": "https://brioux.test/",
        "opening_hours": "Lundi-vendredi 9h-12h",
        "description": "La mairie.",
        "has_logo": True,
        "contacts": (
            VisibleContact(ContactKind.PHONE, "Accueil", "+33 5 49 07 00 00", Audience.PUBLIC),
            VisibleContact(ContactKind.EMAIL, "", "mairie@brioux.test", Audience.PUBLIC),
        ),
        "last_verified_at": VERIFIED,
        "is_stale": False,
        "can_edit": False,
        "portal_intent": "none",
    }
    return OrganisationCard(**{**values, **overrides})


def physical_lines(text: str) -> list[str]:
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only, no bare LF or CR
    assert "\r" not in text.replace("\r\n", "")
    return text[:-2].split("\r\n")


def parse(text: str):
    card = vobject.readOne(text)
    card.validate()
    return card


def values(card, name: str) -> list:
    return [child.value for child in card.contents.get(name.lower(), [])]


def test_a_person_reads_back_as_given(settings):
    settings.SITE_URL = "https://extranet.pays-mellois.test"
    text = person_vcard(a_person())
    card = parse(text)

    assert physical_lines(text)[:2] == ["BEGIN:VCARD", "VERSION:3.0"]
    assert values(card, "uid") == ["maillage-person-42@extranet.pays-mellois.test"]
    assert values(card, "fn") == ["Jeanne Martin"]
    assert (card.n.value.family, card.n.value.given) == ("Martin", "Jeanne")
    assert values(card, "org") == [["Mairie de Brioux"]]
    assert values(card, "title") == ["Secrétaire de mairie"]
    tels = {tuple(t.params["TYPE"]): t.value for t in card.contents["tel"]}
    assert tels == {("WORK", "VOICE"): "+33 5 49 07 00 00", ("CELL",): "+33 6 12 34 56 78"}
    assert values(card, "email") == ["jeanne@brioux.test"]
    assert values(card, "url") == ["https://brioux.test/"]
    assert values(card, "categories") == [["Numérique", "Santé"]]
    assert card.adr.value.city == "Brioux-sur-Boutonne"
    assert values(card, "rev") == ["20260314T092653Z"]
    # every function is in the note, the first one also in ORG/TITLE
    note = card.note.value
    assert "Secrétaire de mairie — Mairie de Brioux" in note
    assert "Trésorière — Comité des fêtes" in note
    assert "occitan" in note and "Accueil du public le matin." in note
    # the contact's label, for the clients that show one
    (labelled,) = [t for t in card.contents["tel"] if t.group]
    assert labelled.value == "+33 5 49 07 00 00"
    assert card.contents["x-ablabel"][0].value == "Standard"
    assert card.contents["x-ablabel"][0].group == labelled.group
    # no photo, even when the viewer may see it: nothing heavy in an address book
    assert "PHOTO" not in text


def test_special_characters_are_escaped_and_come_back_intact():
    tricky = "Dupont, dit « Le Sage »; fils\\aîné"
    text = person_vcard(
        a_person(
            last_name=tricky,
            functions=(FunctionLine("Maire, adjoint; délégué", 1, "Mairie; annexe, Nord"),),
            themes=("Eau, assainissement", "Voirie;routes"),
            bio="Ligne 1\nLigne 2\r\nLigne 3\rFin",
        )
    )
    assert r"Dupont\, dit « Le Sage »\; fils\\aîné" in text
    assert r"Ligne 1\nLigne 2\nLigne 3\nFin" in text.replace("\r\n ", "")
    card = parse(text)
    assert card.n.value.family == tricky
    assert values(card, "fn") == [f"Jeanne {tricky}"]
    assert values(card, "title") == ["Maire, adjoint; délégué"]
    assert values(card, "org") == [["Mairie; annexe, Nord"]]
    assert values(card, "categories") == [["Eau, assainissement", "Voirie;routes"]]
    assert card.note.value.endswith("Ligne 1\nLigne 2\nLigne 3\nFin")


def test_a_value_cannot_inject_a_property():
    text = person_vcard(
        a_person(
            bio="fin\r\nTEL:+33 1 00 00 00 00\r\nEND:VCARD\r\nBEGIN:VCARD",
            first_name="Jeanne\x00\x1b",
        )
    )
    card = parse(text)
    assert len(card.contents["tel"]) == 2
    assert values(card, "fn") == ["Jeanne Martin"]
    lines = physical_lines(text)
    assert [line for line in lines if line.startswith(("BEGIN:", "END:", "TEL", "item1."))] == [
        "BEGIN:VCARD",
        "item1.TEL;TYPE=WORK,VOICE:+33 5 49 07 00 00",
        "item1.X-ABLabel:Standard",
        "TEL;TYPE=CELL:+33 6 12 34 56 78",
        "END:VCARD",
    ]


def test_long_lines_are_folded_at_75_octets_without_cutting_a_character():
    description = "Établissement d'hébergement — à côté de l'église 🏛 " * 12
    text = organisation_vcard(an_organisation(description=description))
    lines = physical_lines(text)
    assert max(len(line.encode("utf-8")) for line in lines) == 75
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)
    card = parse(text)
    assert card.note.value.startswith(description.strip())


@pytest.mark.parametrize("length", range(70, 160))
def test_fold_keeps_the_text_and_the_limit(length):
    line = ("NOTE:" + "é😀a" * 80)[:length]
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))


def test_an_organisation_reads_back_as_a_company():
    card = parse(organisation_vcard(an_organisation()))
    assert values(card, "fn") == ["Mairie de Brioux"]
    assert values(card, "org") == [["Mairie de Brioux"]]
    assert values(card, "x-abshowas") == ["COMPANY"]
    address = card.adr.value
    assert (address.street, address.city, address.code) == (
        "1 place de la Mairie\nBP 2",
        "Brioux-sur-Boutonne",
        "79170",
    )
    assert values(card, "geo") == ["46.141500;-0.217800"]
    assert values(card, "categories") == [["Commune", "Services publics"]]
    assert values(card, "url") == ["https://brioux.test/"]
    assert {t.value for t in card.contents["tel"]} == {"+33 5 49 07 00 00"}
    note = card.note.value
    assert "Lundi-vendredi 9h-12h" in note and "Mellois en Poitou" in note


def test_an_organisation_without_visible_address_has_only_its_commune():
    card = parse(
        organisation_vcard(
            an_organisation(address="", postal_code="", latitude=None, longitude=None)
        )
    )
    assert card.adr.value.city == "Brioux-sur-Boutonne"
    assert card.adr.value.street == "" and card.adr.value.code == ""
    assert "geo" not in card.contents


def test_the_same_card_gives_the_same_text():
    assert person_vcard(a_person()) == person_vcard(a_person())
    assert person_uid(42) in person_vcard(a_person())


def test_only_what_the_viewer_may_see_is_in_the_vcard(space, member):
    jeanne = make_user("jeanne@brioux.test", "Jeanne Martin")
    person = person_card_for(
        jeanne,
        audiences={
            "commune": Audience.TERRITORY,
            "languages": Audience.SPACES,
            "bio": Audience.PRIVATE,
            "photo": Audience.PUBLIC,
        },
        contacts={
            ContactKind.PHONE: Audience.TERRITORY,
            ContactKind.MOBILE: Audience.PRIVATE,
            ContactKind.EMAIL: Audience.SPACES,
            ContactKind.WEBSITE: Audience.PUBLIC,
        },
    )
    Function.objects.create(person=person, organisation=make_organisation(), title="Agente")

    raw = person_vcard(person_card(Viewer.of(member), person))
    parse(raw)
    text = raw.replace("\r\n ", "")  # unfolded

    for shown in ("zq7-p-commune", "zq7-p-phone", "zq7-p-website", "Agente"):
        assert shown in text
    for hidden in ("zq7-p-languages", "zq7-p-bio", "zq7-p-mobile", "zq7-p-email"):
        assert hidden not in text

    public = person_vcard(person_card(Viewer.of(AnonymousUser()), person))
    assert "zq7-p-website" in public and "zq7-p-phone" not in public


def test_an_organisations_hidden_fields_stay_out(space, member):
    organisation = make_organisation(
        audiences={
            "address": Audience.SPACES,
            "coordinates": Audience.PRIVATE,
            "website": Audience.TERRITORY,
            "opening_hours": Audience.PRIVATE,
            "description": Audience.PUBLIC,
        },
        contacts={
            ContactKind.PHONE: Audience.SPACES,
            ContactKind.MOBILE: Audience.PRIVATE,
            ContactKind.EMAIL: Audience.TERRITORY,
            ContactKind.WEBSITE: Audience.PRIVATE,
        },
    )
    text = organisation_vcard(organisation_card(Viewer.of(member), organisation))
    text = text.replace("\r\n ", "")
    for shown in ("zq7-o-website", "zq7-o-description", "zq7-o-email"):
        assert shown in text
    for hidden in ("zq7-o-address", "zq7-o-opening_hours", "zq7-o-phone", "zq7-o-mobile"):
        assert hidden not in text
    assert "GEO" not in text

    organisation.spaces.add(space)
    text = organisation_vcard(organisation_card(Viewer.of(member), organisation))
    assert "zq7-o-address" in text.replace("\r\n ", "")
    assert "zq7-o-phone" in text.replace("\r\n ", "")
