"""The visibility API itself: every audience against every kind of viewer, for people and
organisations. The expected table is written here, independently of directory.visibility."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import AnonymousUser, Group

from directory.models import Audience, ContactKind, Function, Organisation, Person
from directory.visibility import (
    Viewer,
    organisation_card,
    organisation_cards,
    organisations_with_card_data,
    people_with_card_data,
    person_card,
    person_cards,
)
from extranet.roles import Role
from extranet.services.memberships import add_member
from tests.conftest import make_user
from tests.directory.builders import organisation_card as make_organisation
from tests.directory.builders import person_card_for

EDITORS_GROUP = "Rédaction de l'annuaire"

# What each relation between viewer and card lets the viewer see.
NOBODY = {Audience.PUBLIC}
SIGNED_IN = {Audience.PUBLIC, Audience.TERRITORY}
SHARES_A_SPACE = {Audience.PUBLIC, Audience.TERRITORY, Audience.SPACES}
EVERYTHING = set(Audience.values)


def joined(user, *spaces, role=Role.MEMBER):
    for space in spaces:
        add_member(space=space, user=user, role=role)
    return user


def with_mfa(user):
    TOTP.activate(user, generate_totp_secret())
    return user


def directory_editor(email="redaction@maillage.test"):
    user = make_user(email, "Rédia Rédactrice")
    Group.objects.get(name=EDITORS_GROUP).user_set.add(user)
    return user


@pytest.fixture
def jeanne(space, health_space):
    """The person described: has an account, member of the officials' and the health spaces."""
    return joined(make_user("jeanne@brioux.test", "Jeanne Martin"), space, health_space)


def person_viewer(kind, *, space, other_space, health_space, jeanne):
    """(viewer, what it may see of Jeanne's card)."""
    if kind == "anonymous":
        return Viewer.of(AnonymousUser()), NOBODY
    if kind == "public":
        return Viewer.public(), NOBODY
    if kind == "inactive_member":
        user = joined(make_user("parti@brioux.test"), space)
        user.is_active = False
        user.save()
        return Viewer.of(user), NOBODY
    if kind == "stranger":
        return Viewer.of(make_user("inconnu@ailleurs.test")), SIGNED_IN
    if kind == "member_of_another_space":
        return Viewer.of(joined(make_user("o@tourisme.test"), other_space, role=Role.ADMIN)), (
            SIGNED_IN
        )
    if kind == "shares_a_space":
        return Viewer.of(joined(make_user("voisin@elus.test"), space, role=Role.READER)), (
            SHARES_A_SPACE
        )
    if kind == "shares_only_mfa_space_without_mfa":
        return Viewer.of(joined(make_user("inf@sante.test"), health_space)), SIGNED_IN
    if kind == "shares_only_mfa_space_with_mfa":
        return Viewer.of(with_mfa(joined(make_user("med@sante.test"), health_space))), (
            SHARES_A_SPACE
        )
    if kind == "the_person":
        return Viewer.of(jeanne), EVERYTHING
    if kind == "directory_editor":
        return Viewer.of(directory_editor()), EVERYTHING
    if kind == "staff_without_permission":
        user = make_user("staff@maillage.test")
        user.is_staff = True
        user.save()
        return Viewer.of(user), SIGNED_IN
    if kind == "members_of_shared_space":
        return Viewer.members_of(space.pk), SHARES_A_SPACE
    if kind == "members_of_other_space":
        return Viewer.members_of(other_space.pk), SIGNED_IN
    raise AssertionError(kind)


PERSON_VIEWERS = [
    "anonymous",
    "public",
    "inactive_member",
    "stranger",
    "member_of_another_space",
    "shares_a_space",
    "shares_only_mfa_space_without_mfa",
    "shares_only_mfa_space_with_mfa",
    "the_person",
    "directory_editor",
    "staff_without_permission",
    "members_of_shared_space",
    "members_of_other_space",
]


def shown_person_fields(card) -> dict[str, bool]:
    return {
        "commune": bool(card.commune),
        "languages": bool(card.languages),
        "bio": bool(card.bio),
        "photo": card.has_photo,
        **{kind: bool(card.contacts_of(kind)) for kind in ContactKind.values},
    }


@pytest.mark.parametrize("audience", Audience.values)
@pytest.mark.parametrize("viewer_kind", PERSON_VIEWERS)
def test_person_fields_follow_their_audience(
    viewer_kind, audience, space, other_space, health_space, jeanne
):
    # Jeanne shares the officials' space with "shares_a_space", only the health space (MFA
    # required) with the "shares_only_mfa_space_*" viewers.
    person_card_for(jeanne, audience=audience)
    viewer, may_see = person_viewer(
        viewer_kind,
        space=space,
        other_space=other_space,
        health_space=health_space,
        jeanne=jeanne,
    )
    card = person_card(viewer, Person.objects.get(user=jeanne))

    visible = audience in may_see
    assert shown_person_fields(card) == dict.fromkeys(shown_person_fields(card), visible)
    # names, functions and themes are not contact details: everyone signed in sees them
    assert card.full_name == "Jeanne Martin"
    assert all(c.audience in may_see for c in card.contacts)


def test_mixed_audiences_on_one_card(space, jeanne):
    person = person_card_for(
        jeanne,
        audiences={
            "commune": Audience.PUBLIC,
            "languages": Audience.TERRITORY,
            "bio": Audience.SPACES,
            "photo": Audience.PRIVATE,
        },
        contacts={
            ContactKind.PHONE: Audience.PUBLIC,
            ContactKind.MOBILE: Audience.PRIVATE,
            ContactKind.EMAIL: Audience.SPACES,
            ContactKind.WEBSITE: Audience.TERRITORY,
        },
    )
    colleague = joined(make_user("collegue@elus.test"), space)
    stranger = make_user("inconnu@ailleurs.test")

    seen = shown_person_fields(person_card(Viewer.of(colleague), person))
    assert seen == {
        "commune": True,
        "languages": True,
        "bio": True,
        "photo": False,
        "phone": True,
        "mobile": False,
        "email": True,
        "website": True,
    }
    seen = shown_person_fields(person_card(Viewer.of(stranger), person))
    assert [field for field, shown in seen.items() if shown] == [
        "commune",
        "languages",
        "phone",
        "website",
    ]
    assert [
        field
        for field, shown in shown_person_fields(person_card(Viewer.public(), person)).items()
        if shown
    ] == ["commune", "phone"]


def test_a_person_without_account_shows_spaces_fields_to_nobody_but_editors(space, member):
    person = person_card_for(None, audience=Audience.SPACES, marker="sans-compte")
    assert not person_card(Viewer.of(member), person).contacts
    assert not person_card(Viewer.members_of(space.pk), person).bio
    assert person_card(Viewer.of(directory_editor()), person).bio


def test_leaving_the_shared_space_hides_spaces_fields(space, jeanne, member):
    from extranet.models import Membership

    person_card_for(jeanne, audience=Audience.SPACES)
    person = Person.objects.get(user=jeanne)
    assert person_card(Viewer.of(member), person).contacts
    Membership.objects.filter(user=jeanne, space=space).delete()
    assert not person_card(Viewer.of(member), person).contacts


def test_functions_and_themes_are_shown_to_every_signed_in_viewer(jeanne):
    person = person_card_for(jeanne, audience=Audience.PRIVATE)
    organisation = make_organisation()
    Function.objects.create(person=person, organisation=organisation, title="Secrétaire")
    card = person_card(Viewer.of(make_user("inconnu@ailleurs.test")), person)
    assert [(f.title, f.organisation_name) for f in card.functions] == [
        ("Secrétaire", "Mairie de Brioux")
    ]
    assert not card.contacts and not card.commune


# --- Organisations ------------------------------------------------------------------------------


def organisation_viewer(kind, *, space, other_space, health_space):
    if kind == "anonymous":
        return AnonymousUser(), NOBODY
    if kind == "stranger":
        return make_user("inconnu@ailleurs.test"), SIGNED_IN
    if kind == "member_of_a_network_space":
        return joined(make_user("membre@elus.test"), space, role=Role.READER), SHARES_A_SPACE
    if kind == "member_of_another_space":
        return joined(make_user("o@tourisme.test"), other_space, role=Role.ADMIN), SIGNED_IN
    if kind == "member_of_mfa_network_space_without_mfa":
        return joined(make_user("inf@sante.test"), health_space), SIGNED_IN
    if kind == "member_of_mfa_network_space_with_mfa":
        return with_mfa(joined(make_user("med@sante.test"), health_space)), SHARES_A_SPACE
    if kind == "manager":
        return make_user("gestion@brioux.test"), EVERYTHING
    if kind == "directory_editor":
        return directory_editor(), EVERYTHING
    if kind == "staff_without_permission":
        user = make_user("staff@maillage.test")
        user.is_staff = True
        user.save()
        return user, SIGNED_IN
    raise AssertionError(kind)


ORGANISATION_VIEWERS = [
    "anonymous",
    "stranger",
    "member_of_a_network_space",
    "member_of_another_space",
    "member_of_mfa_network_space_without_mfa",
    "member_of_mfa_network_space_with_mfa",
    "manager",
    "directory_editor",
    "staff_without_permission",
]


def shown_organisation_fields(card) -> dict[str, bool]:
    return {
        "address": bool(card.address),
        "postal_code": bool(card.postal_code),
        "coordinates": card.latitude is not None and card.longitude is not None,
        "website": bool(card.website),
        "opening_hours": bool(card.opening_hours),
        "description": bool(card.description),
        "logo": card.has_logo,
        **{kind: any(c.kind == kind for c in card.contacts) for kind in ContactKind.values},
    }


@pytest.mark.parametrize("audience", Audience.values)
@pytest.mark.parametrize("viewer_kind", ORGANISATION_VIEWERS)
def test_organisation_fields_follow_their_audience(
    viewer_kind, audience, space, other_space, health_space
):
    user, may_see = organisation_viewer(
        viewer_kind, space=space, other_space=other_space, health_space=health_space
    )
    organisation = make_organisation(
        audience=audience,
        spaces=[space, health_space],
        managers=[user] if viewer_kind == "manager" else [],
    )

    card = organisation_card(Viewer.of(user), organisation)

    visible = audience in may_see
    assert shown_organisation_fields(card) == dict.fromkeys(
        shown_organisation_fields(card), visible
    )
    assert (card.name, card.commune, card.kind_code) == (
        "Mairie de Brioux",
        "Brioux-sur-Boutonne",
        "commune",
    )
    assert card.can_edit == (viewer_kind in ("manager", "directory_editor"))


def test_organisation_spaces_audience_follows_its_network_spaces(space, other_space, member):
    organisation = make_organisation(audience=Audience.SPACES, spaces=[other_space])
    assert not organisation_card(Viewer.of(member), organisation).contacts
    organisation.spaces.add(space)
    assert organisation_card(Viewer.of(member), organisation).contacts
    assert organisation_card(Viewer.members_of(space.pk), organisation).address
    assert not organisation_card(Viewer.members_of(other_space.pk + 100), organisation).address


def test_a_managers_rights_stop_at_their_organisation(space):
    manager = make_user("gestion@brioux.test")
    managed = make_organisation(audience=Audience.PRIVATE, managers=[manager], marker="a")
    other = make_organisation(name="Mairie de Chef-Boutonne", audience=Audience.PRIVATE)
    cards = {
        card.name: card
        for card in organisation_cards(
            Viewer.of(manager),
            list(
                organisations_with_card_data(
                    Organisation.objects.filter(pk__in=[managed.pk, other.pk])
                )
            ),
        )
    }
    assert cards["Mairie de Brioux"].address and cards["Mairie de Brioux"].can_edit
    assert not cards["Mairie de Chef-Boutonne"].address
    assert not cards["Mairie de Chef-Boutonne"].can_edit


# --- Query counts -------------------------------------------------------------------------------


def test_cards_cost_a_constant_number_of_queries(
    space, health_space, django_assert_max_num_queries
):
    viewer_user = joined(make_user("lecteur@elus.test"), space)
    for n in range(12):
        user = joined(make_user(f"p{n}@brioux.test"), space if n % 2 else health_space)
        person = person_card_for(user, marker=f"m{n}", last_name=f"Nom{n}")
        Function.objects.create(
            person=person,
            organisation=make_organisation(name=f"Org {n}", spaces=[space], marker=f"o{n}"),
            title="Agent",
        )
    viewer = Viewer.of(viewer_user)
    # people: the people, functions+organisations, themes, contacts, then the people's spaces
    with django_assert_max_num_queries(5):
        people = person_cards(viewer, list(people_with_card_data(Person.objects.all())))
    assert len(people) == 13  # and the viewer's own card
    # organisations (with kind and parent), themes, contacts, spaces, managers
    with django_assert_max_num_queries(5):
        organisations = organisation_cards(
            viewer, list(organisations_with_card_data(Organisation.objects.all()))
        )
    assert len(organisations) == 12
