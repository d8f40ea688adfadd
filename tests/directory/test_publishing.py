"""Directory cards on the public portal: only public fields leave, the full card or its reduced
version, who may propose, and the workflow from the card's "Proposer au portail" page to the
portal's directory pages."""

# ruff: noqa: F811  (fixtures imported from workflow_fixtures)

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from directory import publishing
from directory.models import Audience, Organisation, Person, PortalIntent
from directory.services.publication import propose_card_for_portal
from extranet.models import PublicationRequest, PublicationState, PublicSnapshot
from extranet.portal.public.export import export_portal
from extranet.portal.services import (
    NotPublishable,
    approve_publication,
    submit_publication,
)
from tests.conftest import make_user
from tests.directory.builders import organisation_card, person_card_for
from tests.directory.sample_cards import directory_editor
from tests.extranet.portal.public_fixtures import portal_storage  # noqa: F401 — fixture
from tests.extranet.portal.workflow_fixtures import general_admin  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db

# builders.py gives every field the value "<marker>-<field>" and the chosen audience; these
# fields are public, everything else must never leave.
PUBLIC = {"address": Audience.PUBLIC, "website": Audience.PUBLIC, "opening_hours": "public"}
ORG_AUDIENCES = {
    **PUBLIC,
    "description": Audience.TERRITORY,
    "coordinates": Audience.SPACES,
    "logo": Audience.PRIVATE,
}
ORG_CONTACTS = {
    "phone": Audience.PUBLIC,
    "email": Audience.TERRITORY,
    "mobile": Audience.PRIVATE,
    "website": Audience.SPACES,
}
HIDDEN_ORG = (
    "zq7-o-description",
    "zq7-o-email",
    "zq7-o-mobile",
    "exemple.test/zq7-o-website",
    "46.1415",
)
PERSON_CONTACTS = {
    "phone": Audience.PUBLIC,
    "email": Audience.SPACES,
    "mobile": Audience.PRIVATE,
    "website": Audience.TERRITORY,
}
HIDDEN_PERSON = (
    "zq7-p-commune",
    "zq7-p-bio",
    "zq7-p-languages",
    "zq7-p-email",
    "zq7-p-mobile",
    "zq7-p-website",
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.DIRECTORY_MEDIA_DIR = tmp_path / "directory"


@pytest.fixture
def manager(db):
    return make_user("gestion@brioux.test", "Gaston Gestionnaire")


@pytest.fixture
def mairie(manager) -> Organisation:
    organisation = organisation_card(
        audiences=ORG_AUDIENCES, contacts=ORG_CONTACTS, managers=[manager]
    )
    organisation.portal_intent = PortalIntent.FULL
    organisation.save(update_fields=["portal_intent"])
    return organisation


@pytest.fixture
def jeanne(member) -> Person:
    person = person_card_for(member, audience=Audience.TERRITORY, contacts=PERSON_CONTACTS)
    person.portal_intent = PortalIntent.FULL
    person.save(update_fields=["portal_intent"])
    return person


def _hidden_in(text: str, hidden: tuple[str, ...]) -> list[str]:
    return [value for value in hidden if value in text]


def _intent_url(card: Person | Organisation) -> str:
    name = "person_portal" if isinstance(card, Person) else "organisation_portal"
    return reverse(f"directory:{name}", args=[card.pk])


# --- the payload ------------------------------------------------------------------------------


def test_organisation_payload_holds_only_public_fields(mairie):
    data = publishing.organisation_payload(mairie)
    assert data["name"] == "Mairie de Brioux"
    assert data["kind_label"] == "Commune"
    assert data["commune"] == "Brioux-sur-Boutonne"
    assert data["address"] == "1 place zq7-o-address"
    assert data["opening_hours"] == "Lundi zq7-o-opening_hours"
    assert data["website"] == "https://zq7-o-website.exemple.test/"
    assert data["phones"] == ["+33 5 49 zq7-o-phone"]
    assert data["emails"] == []
    assert data["description"] == ""
    assert data["latitude"] is None and data["longitude"] is None
    assert set(data) == {f.name for f in publishing.ORGANISATION_KIND.fields}
    assert not _hidden_in(json.dumps(data), HIDDEN_ORG)


def test_person_payload_holds_only_public_fields(jeanne):
    data = publishing.person_payload(jeanne)
    assert data["name"] == "Jeanne Martin"
    assert data["phones"] == ["+33 5 49 zq7-p-phone"]
    assert data["emails"] == []
    assert data["commune"] == ""  # its audience is "territory"
    assert set(data) == {f.name for f in publishing.PERSON_KIND.fields}
    assert not _hidden_in(json.dumps(data), HIDDEN_PERSON)


def test_reduced_version_keeps_name_kind_and_commune_only(mairie, jeanne):
    mairie.portal_intent = PortalIntent.REDUCED
    data = publishing.organisation_payload(mairie)
    assert {k: v for k, v in data.items() if v not in ("", [], None)} == {
        "name": "Mairie de Brioux",
        "kind_label": "Commune",
        "commune": "Brioux-sur-Boutonne",
    }
    jeanne.portal_intent = PortalIntent.REDUCED
    jeanne.audiences = {**jeanne.audiences, "commune": Audience.PUBLIC}
    jeanne.save(update_fields=["audiences"])
    data = publishing.person_payload(jeanne)
    assert {k: v for k, v in data.items() if v not in ("", [], None)} == {
        "name": "Jeanne Martin",
        "commune": "Commune zq7-p-commune",
    }


def test_no_wish_no_proposal(mairie, manager):
    Organisation.objects.filter(pk=mairie.pk).update(portal_intent=PortalIntent.NONE)
    with pytest.raises(NotPublishable):
        submit_publication(user=manager, kind="organisation", source_key=str(mairie.pk))


def test_schema_org_of_an_organisation_is_a_government_organisation_with_address_and_geo(
    manager,
):
    data = publishing.organisation_public_data(
        _public_card(
            organisation_card(name="Mairie de Melle", marker="zq8-o", audience=Audience.PUBLIC)
        ),
        reduced=False,
    )
    obj = publishing.organisation_schema(data, "https://portail.test/x/")
    assert obj["@type"] == "GovernmentOrganization"
    assert obj["address"]["postalCode"] == "79170"
    assert obj["address"]["addressLocality"] == "Brioux-sur-Boutonne"
    assert obj["geo"] == {"@type": "GeoCoordinates", "latitude": 46.1415, "longitude": -0.2178}
    assert obj["telephone"] == ["+33 5 49 zq8-o-phone", "+33 5 49 zq8-o-mobile"]
    assert obj["email"] == "zq8-o-email@exemple.test"


def _public_card(organisation: Organisation):
    from directory.visibility import Viewer
    from directory.visibility import organisation_card as card_of

    return card_of(Viewer.public(), organisation)


# --- who may propose --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "editor_of_directory"])
def test_managers_and_directory_editors_may_propose_an_organisation(request, mairie, who):
    user = directory_editor() if who == "editor_of_directory" else request.getfixturevalue(who)
    proposal = submit_publication(user=user, kind="organisation", source_key=str(mairie.pk))
    assert proposal.state == PublicationState.SUBMITTED
    assert proposal.space is None


def test_the_person_and_directory_editors_may_propose_a_person(jeanne, member):
    assert submit_publication(user=member, kind="person", source_key=str(jeanne.pk))
    assert submit_publication(user=directory_editor(), kind="person", source_key=str(jeanne.pk))
    assert PublicationRequest.objects.filter(kind="person").count() == 1


def test_strangers_may_not_propose(mairie, jeanne, outsider, manager):
    for kind, card, user in (("organisation", mairie, outsider), ("person", jeanne, manager)):
        with pytest.raises(PermissionDenied):
            submit_publication(user=user, kind=kind, source_key=str(card.pk))
    with pytest.raises(Http404):
        publishing.person_source(outsider, "9999")
    with pytest.raises(Http404):
        publishing.organisation_source(outsider, "../1")


def test_stranger_gets_403_on_the_proposal_page(client, mairie, outsider):
    client.force_login(outsider)
    assert client.post(_intent_url(mairie), {"intent": "full"}).status_code == 403
    assert not PublicationRequest.objects.exists()


# --- the workflow through the card's page -----------------------------------------------------


def test_choosing_full_proposes_and_approval_publishes_public_fields_only(
    client, mairie, manager, general_admin, portal_storage, tmp_path
):
    client.force_login(manager)
    response = client.post(_intent_url(mairie), {"intent": PortalIntent.FULL})
    assert response.status_code == 302
    proposal = PublicationRequest.objects.get(kind="organisation", source_key=str(mairie.pk))
    assert proposal.state == PublicationState.SUBMITTED
    assert not _hidden_in(json.dumps(proposal.payload), HIDDEN_ORG)
    page = client.get(mairie.get_absolute_url()).content.decode()
    assert "Proposition en attente de relecture" in page

    snapshot = approve_publication(reviewer=general_admin, request=proposal)
    assert (snapshot.commune, snapshot.theme) == ("Brioux-sur-Boutonne", "")
    assert not _hidden_in(json.dumps(snapshot.data), HIDDEN_ORG)
    client.logout()
    texts = [
        client.get(url).content.decode()
        for url in (
            reverse("portal:section", args=["directory"]),
            reverse("portal:commune", args=["directory", "brioux-sur-boutonne"]),
            reverse("portal:item", args=["directory", snapshot.public_id]),
            reverse("portal:api_item", args=[snapshot.public_id]),
            reverse("portal:api_list", args=["directory"]),
            reverse("portal:api_list", args=["organisation"]),
            reverse("portal:atom", args=["directory"]),
            reverse("portal:sitemap"),
        )
    ]
    assert all("Mairie de Brioux" in text for text in texts[:6])
    assert "zq7-o-address" in texts[2]
    for text in texts:
        assert not _hidden_in(text, HIDDEN_ORG)
    api = json.loads(texts[3])
    assert api["@type"] == "GovernmentOrganization"
    assert api["telephone"] == "+33 5 49 zq7-o-phone"

    export_portal(tmp_path / "export")
    exported = "".join(
        p.read_text(errors="ignore") for p in (tmp_path / "export").rglob("*") if p.is_file()
    )
    assert "zq7-o-address" in exported
    assert not _hidden_in(exported, HIDDEN_ORG)


def test_person_reduced_version_on_the_portal(client, jeanne, member, general_admin):
    client.force_login(member)
    assert client.post(_intent_url(jeanne), {"intent": PortalIntent.REDUCED}).status_code == 302
    assert Person.objects.get(pk=jeanne.pk).portal_intent == PortalIntent.REDUCED
    proposal = PublicationRequest.objects.get(kind="person")
    assert proposal.payload["phones"] == []
    snapshot = approve_publication(reviewer=general_admin, request=proposal)
    client.logout()
    page = client.get(reverse("portal:item", args=["directory", snapshot.public_id]))
    text = page.content.decode()
    assert "Jeanne Martin" in text
    assert "zq7-p-phone" not in text
    assert not _hidden_in(text, HIDDEN_PERSON)


def test_card_edited_after_approval_changes_nothing_public_until_approved_again(
    client, mairie, manager, general_admin
):
    proposal = propose_card_for_portal(actor=manager, card=mairie, intent=PortalIntent.FULL)
    assert proposal is not None
    first = approve_publication(reviewer=general_admin, request=proposal)
    Organisation.objects.filter(pk=mairie.pk).update(opening_hours="Fermé le lundi")
    item_url = reverse("portal:item", args=["directory", first.public_id])
    assert "Fermé le lundi" not in client.get(item_url).content.decode()

    client.force_login(manager)
    client.post(_intent_url(mairie), {"intent": PortalIntent.FULL})
    client.logout()
    assert "Fermé le lundi" not in client.get(item_url).content.decode()
    again = PublicationRequest.objects.filter(kind="organisation").pending().get()
    second = approve_publication(reviewer=general_admin, request=again)
    assert second.public_id == first.public_id and second.version == 2
    assert "Fermé le lundi" in client.get(item_url).content.decode()


def test_switching_to_the_reduced_version_proposes_it_for_the_same_public_item(
    mairie, manager, general_admin
):
    proposal = propose_card_for_portal(actor=manager, card=mairie, intent=PortalIntent.FULL)
    assert proposal is not None
    full = approve_publication(reviewer=general_admin, request=proposal)
    reduced = propose_card_for_portal(actor=manager, card=mairie, intent=PortalIntent.REDUCED)
    assert reduced is not None and reduced.payload["address"] == ""
    snapshot = approve_publication(reviewer=general_admin, request=reduced)
    assert snapshot.public_id == full.public_id
    assert PublicSnapshot.objects.public().get(kind="organisation").data["address"] == ""


def test_choosing_none_withdraws_the_pending_proposal_and_keeps_the_wish_in_sync(
    client, mairie, manager
):
    client.force_login(manager)
    client.post(_intent_url(mairie), {"intent": PortalIntent.FULL})
    response = client.post(_intent_url(mairie), {"intent": PortalIntent.NONE})
    assert response.status_code == 302
    assert PublicationRequest.objects.get().state == PublicationState.WITHDRAWN
    assert Organisation.objects.get(pk=mairie.pk).portal_intent == PortalIntent.NONE
    assert "Pas publié sur le portail." in client.get(mairie.get_absolute_url()).content.decode()


# --- the demo ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_seed_demo_publishes_organisation_cards_and_leaves_a_person_pending(
    settings, capsys, client, portal_storage
):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo")
    public = PublicSnapshot.objects.public().filter(kind="organisation")
    assert set(public.values_list("title", flat=True)) == {
        "Office de tourisme des Trois Vallées",
        "Médiathèque intercommunale des Trois Vallées",
        "Espace public numérique des Trois Vallées",
        "Mairie de Saint-Aubin-sur-Loire",
    }
    pending = PublicationRequest.objects.filter(kind="person").pending().get()
    assert pending.title == "Camille Fontaine"
    assert pending.submitted_by.email.startswith("camille.fontaine")
    assert "Portal directory: 4 organisation cards public" in capsys.readouterr().out
    page = client.get(reverse("portal:section", args=["directory"])).content.decode()
    assert "Médiathèque intercommunale des Trois Vallées" in page
