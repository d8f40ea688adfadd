"""No field leaks, whatever the audiences: a property-style test.

A seeded generator makes people and organisations whose every field and contact point has a
random audience and a unique marker (``zq7x<n>x``), random memberships in a few spaces (one of
them requiring MFA), organisation networks and managers, then looks at the directory through
random viewers. Every marker found in an output must be one the viewer may see, according to
an oracle written here from the rules of the issue (a table of audience × relation, and the
relation computed from the generated data), not from ``directory.visibility``:

- card pages, print views and vCard downloads, list pages, search pages, the global search;
- the search backend itself (what it holds and what a hidden value finds);
- each space's CardDAV address book, as stored in Radicale.

The outputs must also show what the viewer may see (contact points on card pages, vCards and
address books), so a page that shows nothing cannot pass.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import radicale.storage
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from calendars.dav.app import radicale_configuration
from directory import carddav, indexing
from directory.models import (
    ContactKind,
    ContactPoint,
    Function,
    Organisation,
    OrganisationKind,
    Person,
)
from extranet.models import Membership
from extranet.roles import Role
from extranet.search import TERRITORY_SPACE_ID, SearchQuery, get_backend
from extranet.services.memberships import add_member
from extranet.services.spaces import create_space
from tests.conftest import make_user

SEEDS = (20261129,)
MARKER = re.compile(r"zq7x\d+x")
PHOTO_URL = re.compile(r"/annuaire/(personnes|organisations)/(\d+)/(?:photo|logo)/(?!envoyer)")
AUDIENCES = ("public", "territory", "spaces", "private")

# The oracle: what each relation between a viewer and a card lets the viewer see.
RELATIONS = {
    "anonymous": {"public"},
    "signed_in": {"public", "territory"},
    "shares_a_space": {"public", "territory", "spaces"},
    "owner_or_editor": {"public", "territory", "spaces", "private"},
}
# What a space's address book may hold: the fields every member of the space may see.
BOOK_AUDIENCES = {"public", "territory", "spaces"}


@dataclass
class Owner:
    kind: str  # "person" | "organisation"
    pk: int
    user_id: int | None = None  # a person's account
    space_ids: set[int] = field(default_factory=set)  # person: account's spaces; org: network
    manager_ids: set[int] = field(default_factory=set)
    photo_audience: str = ""


@dataclass(frozen=True)
class Marked:
    owner: tuple[str, int]
    audience: str
    what: str  # field name or contact kind, for the failure message


@dataclass
class ViewerInfo:
    label: str
    user: Any = None
    is_editor: bool = False
    readable_space_ids: set[int] = field(default_factory=set)


@dataclass
class World:
    rng: random.Random
    spaces: list[Any]
    markers: dict[str, Marked] = field(default_factory=dict)
    owners: dict[tuple[str, int], Owner] = field(default_factory=dict)
    viewers: list[ViewerInfo] = field(default_factory=list)
    next_marker: int = 0

    def mark(self, owner: Owner, audience: str, what: str) -> str:
        self.next_marker += 1
        marker = f"zq7x{self.next_marker}x"
        self.markers[marker] = Marked((owner.kind, owner.pk), audience, what)
        return marker


def relation(viewer: ViewerInfo, owner: Owner) -> str:
    if viewer.user is None or not viewer.user.is_active:
        return "anonymous"
    if viewer.is_editor:
        return "owner_or_editor"
    if owner.kind == "person" and owner.user_id == viewer.user.pk:
        return "owner_or_editor"
    if owner.kind == "organisation" and viewer.user.pk in owner.manager_ids:
        return "owner_or_editor"
    if viewer.readable_space_ids & owner.space_ids:
        return "shares_a_space"
    return "signed_in"


def may_see(viewer: ViewerInfo, marked: Marked, world: World) -> bool:
    return marked.audience in RELATIONS[relation(viewer, world.owners[marked.owner])]


# --- The generated world ------------------------------------------------------------------------


def _audience(rng: random.Random) -> str:
    return rng.choice(AUDIENCES)


def _contact_value(kind: str, marker: str) -> str:
    if kind == ContactKind.EMAIL:
        return f"{marker}@exemple.test"
    if kind == ContactKind.WEBSITE:
        return f"https://exemple.test/{marker}"
    return f"+33 5 49 {marker}"


def _add_contacts(world: World, owner: Owner, instance: Any) -> None:
    rng = world.rng
    for position in range(rng.randrange(1, 5)):
        kind = rng.choice(ContactKind.values)
        audience = _audience(rng)
        marker = world.mark(owner, audience, f"contact {kind}")
        ContactPoint.objects.create(
            **{owner.kind: instance},
            kind=kind,
            label=rng.choice(("", "Standard", "Secrétariat")),
            value=_contact_value(kind, marker),
            audience=audience,
            position=position,
        )


def build_world(seed: int, space: Any, other_space: Any, health_space: Any) -> World:
    rng = random.Random(seed)
    project = create_space(name="Projet de territoire", slug="projet", kind="project")
    world = World(rng=rng, spaces=[space, other_space, health_space, project])

    # Accounts with random memberships; some have a second factor.
    users, with_mfa = [], set()
    for n in range(24):
        user = make_user(f"compte{n}@maillage.test", f"Compte {n}")
        for joined in rng.sample(world.spaces, rng.choice((0, 1, 1, 2, 3))):
            add_member(space=joined, user=user, role=rng.choice(list(Role)))
        if rng.random() < 0.4:
            TOTP.activate(user, generate_totp_secret())
            with_mfa.add(user.pk)
        users.append(user)
    memberships: dict[int, set[int]] = {}
    for user_id, space_id in Membership.objects.values_list("user_id", "space_id"):
        memberships.setdefault(user_id, set()).add(space_id)

    kinds = list(OrganisationKind.objects.all())
    organisations = []
    for n in range(60):
        audiences = {f: _audience(rng) for f in Organisation.FIELD_AUDIENCES}
        organisation = Organisation.objects.create(
            kind=rng.choice(kinds),
            name=f"Organisation Orgname{n}",
            commune="Brioux-sur-Boutonne",
            audiences=audiences,
            latitude="46.1415",
            longitude="-0.2178",
        )
        network = set(rng.sample([s.pk for s in world.spaces], rng.choice((0, 0, 1, 2))))
        managers = {u.pk for u in rng.sample(users, rng.choice((0, 0, 1)))}
        owner = Owner("organisation", organisation.pk, space_ids=network, manager_ids=managers)
        owner.photo_audience = audiences["logo"]
        world.owners[("organisation", organisation.pk)] = owner
        organisation.address = f"1 place {world.mark(owner, audiences['address'], 'address')}"
        organisation.postal_code = "79170"
        organisation.website = (
            f"https://exemple.test/{world.mark(owner, audiences['website'], 'website')}"
        )
        organisation.opening_hours = (
            f"Lundi {world.mark(owner, audiences['opening_hours'], 'opening_hours')}"
        )
        organisation.description = (
            f"Description {world.mark(owner, audiences['description'], 'description')}"
        )
        organisation.logo.name = f"organisation/logo{n}"
        organisation.save()
        organisation.spaces.set(network)
        organisation.managers.set(managers)
        _add_contacts(world, owner, organisation)
        organisations.append(organisation)

    # People: every account holder (whose card their first membership made) and people
    # without an account.
    accounts = [u for u in users if u.pk in memberships] + [None] * 110
    for n, user in enumerate(accounts):
        person = (Person.objects.filter(user=user).first() if user else None) or Person(user=user)
        person.first_name, person.last_name = "Prénom", f"Lastname{n}"
        audiences = {f: _audience(rng) for f in Person.FIELD_AUDIENCES}
        person.audiences = audiences
        person.save()
        owner = Owner(
            "person",
            person.pk,
            user_id=user.pk if user else None,
            space_ids=memberships.get(user.pk, set()) if user else set(),
            photo_audience=audiences["photo"],
        )
        world.owners[("person", person.pk)] = owner
        person.commune = f"Commune {world.mark(owner, audiences['commune'], 'commune')}"
        person.languages = f"occitan, {world.mark(owner, audiences['languages'], 'languages')}"
        person.bio = f"Présentation {world.mark(owner, audiences['bio'], 'bio')}"
        person.photo.name = f"person/photo{n}"
        person.save()
        person.contacts.all().delete()  # the account e-mail of an account's card
        _add_contacts(world, owner, person)
        for organisation in rng.sample(organisations, rng.choice((0, 1, 1, 2))):
            Function.objects.create(person=person, organisation=organisation, title="Agent")

    # The viewers.
    editor = make_user("redaction@maillage.test", "Rédaction")
    Group.objects.get(name="Rédaction de l'annuaire").user_set.add(editor)
    staff = make_user("equipe@maillage.test", "Équipe")
    staff.is_staff = True
    staff.save()
    stranger = make_user("inconnu@ailleurs.test", "Inconnu")
    mfa_space_ids = {s.pk for s in world.spaces if s.mfa_required}

    def readable(user: Any) -> set[int]:
        return {
            s
            for s in memberships.get(user.pk, set())
            if user.pk in with_mfa or s not in mfa_space_ids
        }

    world.viewers = [
        ViewerInfo("anonymous"),
        ViewerInfo("stranger", stranger),
        ViewerInfo("staff without permission", staff),
        ViewerInfo("directory editor", editor, is_editor=True),
    ]
    managers = [u for u in users if any(u.pk in o.manager_ids for o in world.owners.values())]
    in_mfa_space = [u for u in users if memberships.get(u.pk, set()) & mfa_space_ids]
    chosen = {u.pk: u for u in rng.sample(users, 4) + managers[:1] + in_mfa_space[:3]}
    for user in chosen.values():
        label = f"{user.email} ({'MFA' if user.pk in with_mfa else 'no MFA'})"
        world.viewers.append(ViewerInfo(label, user, readable_space_ids=readable(user)))
    return world


# --- Looking -----------------------------------------------------------------------------------


@dataclass
class Tally:
    seen: Counter[str] = field(default_factory=Counter)  # audiences of markers seen, allowed
    checked: int = 0


def check_output(
    world: World, viewer: ViewerInfo, where: str, text: str, tally: Tally, echo: str = ""
) -> set[str]:
    """Every marker in ``text`` is one ``viewer`` may see; returns the markers found."""
    if echo:
        text = text.replace(echo, "")  # what the viewer typed, shown back to them
    found = set(MARKER.findall(text))
    for marker in found:
        marked = world.markers[marker]
        assert may_see(viewer, marked, world), (
            f"{where}: {viewer.label} sees {marked.what} ({marked.audience}) of "
            f"{marked.owner[0]} {marked.owner[1]}, relation "
            f"{relation(viewer, world.owners[marked.owner])}"
        )
        tally.seen[marked.audience] += 1
    for kind, pk in PHOTO_URL.findall(text):
        owner = world.owners[("person" if kind == "personnes" else "organisation", int(pk))]
        allowed = RELATIONS[relation(viewer, owner)]
        assert owner.photo_audience in allowed, f"{where}: {viewer.label} gets picture of {pk}"
    tally.checked += 1
    return found


def visible_contacts(world: World, viewer: ViewerInfo, owner: tuple[str, int]) -> set[str]:
    return {
        marker
        for marker, marked in world.markers.items()
        if marked.owner == owner
        and marked.what.startswith("contact")
        and may_see(viewer, marked, world)
    }


def fetch(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in (200, 302, 404), (url, response.status_code)
    return response.content.decode()


def look_as(world: World, viewer: ViewerInfo, tally: Tally) -> None:
    client = Client()
    if viewer.user is not None:
        client.force_login(viewer.user)
    rng = world.rng
    people = [pk for kind, pk in world.owners if kind == "person"]
    organisations = [pk for kind, pk in world.owners if kind == "organisation"]

    for number in range(1, len(people) // 25 + 2):
        url = reverse("directory:people") + f"?page={number}"
        check_output(world, viewer, url, fetch(client, url), tally)
    for number in range(1, len(organisations) // 25 + 2):
        url = reverse("directory:organisations") + f"?page={number}"
        check_output(world, viewer, url, fetch(client, url), tally)

    for pk in rng.sample(people, 4):
        for name in ("directory:person", "directory:person_print", "directory:person_vcard"):
            url = reverse(name, kwargs={"pk": pk})
            found = check_output(world, viewer, url, fetch(client, url), tally)
            if viewer.user is not None:
                assert visible_contacts(world, viewer, ("person", pk)) <= found, url
        photo = reverse("directory:person_photo", kwargs={"pk": pk})
        if (
            world.owners[("person", pk)].photo_audience
            not in RELATIONS[relation(viewer, world.owners[("person", pk)])]
        ):
            assert client.get(photo).status_code in (302, 404), photo
    for pk in rng.sample(organisations, 3):
        for name in (
            "directory:organisation",
            "directory:organisation_print",
            "directory:organisation_vcard",
        ):
            url = reverse(name, kwargs={"pk": pk})
            found = check_output(world, viewer, url, fetch(client, url), tally)
            if viewer.user is not None:
                assert visible_contacts(world, viewer, ("organisation", pk)) <= found, url

    # Searching: by name, and by a value the viewer may not see (which must find nothing).
    hidden = [m for m, marked in world.markers.items() if not may_see(viewer, marked, world)]
    for marker in rng.sample(hidden, min(2, len(hidden))):
        owner_kind, pk = world.markers[marker].owner
        for url in (
            reverse("directory:search") + f"?q={marker}",
            reverse("directory:people") + f"?q={marker}",
            reverse("directory:organisations") + f"?q={marker}",
            f"/search/?q={marker}",
        ):
            text = fetch(client, url)
            check_output(world, viewer, url, text, tally, echo=marker)
            name = f"Lastname{pk}" if owner_kind == "person" else f"Orgname{pk}"
            assert f"/{'personnes' if owner_kind == 'person' else 'organisations'}/{pk}/" not in (
                text
            ), f"{url}: {viewer.label} finds the card by a value they may not see ({name})"
    for word in ("Prénom", "Organisation"):
        for url in (reverse("directory:search") + f"?q={word}", f"/search/?q={word}"):
            check_output(world, viewer, url, fetch(client, url), tally)


def check_search_backend(world: World, tally: Tally) -> None:
    """The index holds what every signed-in user may see, nothing more: a hidden value finds
    nothing, and no hit shows one."""
    backend = get_backend()
    signed_in = ViewerInfo("any signed-in user", user=_AnySignedIn())
    for marker, marked in world.markers.items():
        results = backend.search(SearchQuery(text=marker, space_ids=[TERRITORY_SPACE_ID]))
        if marked.audience in RELATIONS["signed_in"]:
            continue
        assert results.total == 0, f"the index finds {marked.what} ({marked.audience}) {marker}"
    for word in ("Prénom", "Organisation", "Commune", "Description", "occitan"):
        results = backend.search(
            SearchQuery(text=word, space_ids=[TERRITORY_SPACE_ID], per_page=100)
        )
        for hit in results.hits:
            check_output(
                world,
                signed_in,
                f"index hit {hit.key}",
                " ".join([hit.title, hit.snippet_html, hit.url]),
                tally,
            )


class _AnySignedIn:
    pk = -1
    is_active = True


def book_texts(slug: str) -> dict[str, str]:
    storage = radicale.storage.load(radicale_configuration())
    with storage.acquire_lock("r"):
        found = list(storage.discover(f"/addressbooks/{slug}/"))
        return {item.href: item.serialize() for item in found[0].get_all()} if found else {}


def check_address_books(world: World, tally: Tally) -> None:
    for space in world.spaces:
        carddav.refresh_space_address_book(space.pk)
        texts = book_texts(space.slug)
        member_people = {
            pk
            for (kind, pk), owner in world.owners.items()
            if kind == "person" and space.pk in owner.space_ids
        }
        assert len(texts) == len(member_people)
        everything = "\n".join(texts.values()).replace("\r\n ", "")
        found = set(MARKER.findall(everything))
        for marker in found:
            marked = world.markers[marker]
            owner = world.owners[marked.owner]
            assert marked.owner[0] == "person" and owner.pk in member_people, (space.slug, marker)
            assert marked.audience in BOOK_AUDIENCES, (
                f"book of {space.slug} holds {marked.what} ({marked.audience}) of {owner.pk}"
            )
            tally.seen[marked.audience] += 1
        wanted = {
            marker
            for marker, marked in world.markers.items()
            if marked.owner[0] == "person"
            and marked.owner[1] in member_people
            and marked.what.startswith("contact")
            and marked.audience in BOOK_AUDIENCES
        }
        assert wanted <= found, f"book of {space.slug} misses {sorted(wanted - found)[:5]}"


@pytest.mark.parametrize("seed", SEEDS)
def test_no_field_leaks_for_random_cards_and_viewers(
    seed, space, other_space, health_space, settings, tmp_path
):
    settings.DIRECTORY_MEDIA_DIR = tmp_path / "directory"
    world = build_world(seed, space, other_space, health_space)
    indexing.index_cards(
        person_ids=[pk for kind, pk in world.owners if kind == "person"],
        organisation_ids=[pk for kind, pk in world.owners if kind == "organisation"],
    )
    tally = Tally()

    for viewer in world.viewers:
        look_as(world, viewer, tally)
    check_search_backend(world, tally)
    check_address_books(world, tally)

    # not vacuous: every audience was shown to someone, and many outputs were looked at
    assert set(tally.seen) == set(AUDIENCES), tally.seen
    assert tally.checked > 300
    assert len(world.markers) > 250
    kinds = {relation(v, o) for v in world.viewers for o in world.owners.values()}
    assert kinds == set(RELATIONS), kinds
