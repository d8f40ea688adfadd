"""Each space's address book: the cards of its members with the fields any member of the space
may see, kept current when cards or memberships change, synced by a real CardDAV client."""

from __future__ import annotations

from pathlib import Path

import pytest
import radicale.storage
import vobject
from django.db import transaction

from calendars.dav.app import radicale_configuration
from calendars.dav.paths import address_book_link_name
from calendars.services.app_passwords import create_app_password
from directory import carddav
from directory.changes import cards_changed
from directory.models import Audience, ContactKind, ContactPoint, Function, Person
from directory.vcard import person_key, person_uid
from extranet.models import Membership
from extranet.roles import Role
from extranet.services.memberships import add_member, remove_member
from tests.calendars.conftest import dav_server  # noqa: F401 - the live Radicale fixture
from tests.conftest import make_user
from tests.directory.builders import organisation_card, person_card_for
from tests.support.vdirsyncer import run, write_config

# The audience of each of Jeanne's contact points: the book shows the first three.
CONTACTS = {
    ContactKind.PHONE: Audience.PUBLIC,
    ContactKind.WEBSITE: Audience.TERRITORY,
    ContactKind.EMAIL: Audience.SPACES,
    ContactKind.MOBILE: Audience.PRIVATE,
}
FIELDS = {
    "commune": Audience.TERRITORY,
    "languages": Audience.SPACES,
    "bio": Audience.PRIVATE,
    "photo": Audience.PUBLIC,
}
IN_BOOK = ("zq7-p-phone", "zq7-p-website", "zq7-p-email", "zq7-p-commune", "zq7-p-languages")
NEVER_IN_BOOK = ("zq7-p-mobile", "zq7-p-bio")


def book(slug: str = "elus") -> dict[str, str]:
    """What Radicale stores for the space's address book: file name → vCard text (unfolded)."""
    storage = radicale.storage.load(radicale_configuration())
    with storage.acquire_lock("r"):
        found = list(storage.discover(f"/addressbooks/{slug}/"))
        if not found:
            return {}
        return {item.href: item.serialize().replace("\r\n ", "") for item in found[0].get_all()}


def card_file(person: Person) -> str:
    return f"{person_key(person.pk)}.vcf"


def jeannes_card(user) -> Person:
    return person_card_for(user, audiences=FIELDS, contacts=CONTACTS)


@pytest.fixture
def jeanne(space, other_space):
    user = make_user("jeanne@brioux.test", "Jeanne Martin")
    for joined in (space, other_space):
        add_member(space=joined, user=user, role=Role.MEMBER)
    return user


def test_the_book_holds_every_member_with_what_the_space_may_see(
    space, other_space, jeanne, member, outsider
):
    person = jeannes_card(jeanne)
    Function.objects.create(
        person=person, organisation=organisation_card(), title="Secrétaire de mairie"
    )
    person_card_for(None, first_name="Sans", last_name="Compte", marker="zq7-sans-compte")

    carddav.refresh_space_address_book(space.pk)

    stored = book()
    members = Person.objects.filter(user__memberships__space=space)
    assert set(stored) == {card_file(p) for p in members}
    assert card_file(Person.objects.get(user=member)) in stored
    assert card_file(Person.objects.get(user=outsider)) not in stored  # another space's
    text = stored[card_file(person)]
    for marker in IN_BOOK:
        assert marker in text
    for marker in NEVER_IN_BOOK:
        assert marker not in text
    assert not any("zq7-sans-compte" in card for card in stored.values())
    parsed = vobject.readOne(text)
    assert parsed.uid.value == person_uid(person.pk)
    assert parsed.title.value == "Secrétaire de mairie"
    assert "PHOTO" not in text

    # the book of the other space shows the same card the same way: no per-reader variant
    carddav.refresh_space_address_book(other_space.pk)
    assert book("tourisme")[card_file(person)] == text


def test_a_member_without_card_gets_the_one_their_account_gives(space, member):
    Person.objects.filter(user=member).delete()

    carddav.refresh_space_address_book(space.pk)

    person = Person.objects.get(user=member)
    text = book()[card_file(person)]
    assert "FN:Marie Membre" in text
    assert "EMAIL;TYPE=INTERNET,WORK:membre@elus.test" in text


def test_a_changed_card_reaches_the_books_of_its_spaces(
    space, other_space, jeanne, django_capture_on_commit_callbacks
):
    person = jeannes_card(jeanne)
    carddav.refresh_space_address_book(space.pk)
    carddav.refresh_space_address_book(other_space.pk)

    with django_capture_on_commit_callbacks(execute=True):
        ContactPoint.objects.filter(person=person, kind=ContactKind.PHONE).update(
            value="+33 5 49 zq7-nouveau"
        )
        ContactPoint.objects.filter(person=person, kind=ContactKind.EMAIL).update(
            audience=Audience.PRIVATE
        )
        cards_changed(person_ids=[person.pk])

    for slug in ("elus", "tourisme"):
        text = book(slug)[card_file(person)]
        assert "zq7-nouveau" in text
        assert "zq7-p-email" not in text


def test_joining_and_leaving_update_the_book(
    space, space_admin, django_capture_on_commit_callbacks
):
    newcomer = make_user("nouvelle@brioux.test", "Nina Nouvelle")
    carddav.refresh_space_address_book(space.pk)
    assert not any("Nina Nouvelle" in card for card in book().values())

    with django_capture_on_commit_callbacks(execute=True):
        add_member(space=space, user=newcomer, role=Role.READER)
    person = Person.objects.get(user=newcomer)
    assert "FN:Nina Nouvelle" in book()[card_file(person)]

    with django_capture_on_commit_callbacks(execute=True):
        remove_member(
            membership=Membership.objects.get(user=space_admin, space=space),
            target=Membership.objects.get(user=newcomer, space=space),
        )
    assert card_file(person) not in book()


def test_a_deleted_card_leaves_the_book(space, jeanne, django_capture_on_commit_callbacks):
    person = jeannes_card(jeanne)
    carddav.refresh_space_address_book(space.pk)
    assert card_file(person) in book()

    with django_capture_on_commit_callbacks(execute=True):
        person.delete()

    assert card_file(person) not in book()
    # the member is still there, with the card their account gives them again
    assert "jeanne@brioux.test" in book()[card_file(Person.objects.get(user=jeanne))]


def test_a_card_moved_to_another_account_leaves_the_books_of_the_old_one(
    space, other_space, jeanne, django_capture_on_commit_callbacks
):
    person = jeannes_card(jeanne)  # Jeanne belongs to both spaces
    paul = make_user("paul@tourisme.test", "Paul Tourisme")
    add_member(space=other_space, user=paul, role=Role.MEMBER)
    Person.objects.filter(user=paul).delete()
    carddav.refresh_space_address_book(space.pk)
    assert "zq7-p-email" in book()[card_file(person)]

    with django_capture_on_commit_callbacks(execute=True):
        person.user = paul
        person.save()
        cards_changed(person_ids=[person.pk])

    # Paul is not in the officials' space: the card (and its "spaces" fields) leaves its book
    assert card_file(person) not in book()
    assert card_file(person) in book("tourisme")


def test_many_membership_changes_in_one_transaction_refresh_the_book_once(
    space, other_space, monkeypatch, django_capture_on_commit_callbacks
):
    users = [make_user(f"lot{n}@brioux.test") for n in range(5)]
    for n, user in enumerate(users):
        person_card_for(user, marker=f"lot{n}")  # cards already there: only memberships change
    refreshed: list[int] = []
    monkeypatch.setattr(carddav, "refresh_space_address_book", refreshed.append)
    with django_capture_on_commit_callbacks(execute=True):
        for user in users:
            add_member(space=space, user=user, role=Role.MEMBER)
            add_member(space=other_space, user=user, role=Role.READER)
    assert sorted(refreshed) == sorted([space.pk, other_space.pk])


def test_a_rolled_back_change_refreshes_nothing_and_loses_nothing(
    space, monkeypatch, django_capture_on_commit_callbacks
):
    refreshed: list[int] = []
    monkeypatch.setattr(carddav, "refresh_space_address_book", refreshed.append)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                carddav.schedule_space_refresh([space.pk])
                raise RuntimeError
        except RuntimeError:
            pass
    assert refreshed == []
    with django_capture_on_commit_callbacks(execute=True):
        carddav.schedule_space_refresh([space.pk])
        carddav.schedule_space_refresh([space.pk])
    assert refreshed == [space.pk]


def test_a_deleted_space_is_not_brought_back(space, member, django_capture_on_commit_callbacks):
    carddav.refresh_space_address_book(space.pk)
    assert book()
    with django_capture_on_commit_callbacks(execute=True):
        space.delete()
    assert book() == {}
    carddav.refresh_space_address_book(space.pk)  # a late task: nothing to do
    assert book() == {}


# --- vdirsyncer, a real CardDAV client --------------------------------------------------------


@pytest.mark.slow
def test_vdirsyncer_syncs_the_space_book_without_private_fields(
    dav_server,  # noqa: F811 - first, so that spaces are provisioned into its storage
    tmp_path,
    space,
    member,
    jeanne,
):
    person = jeannes_card(jeanne)
    carddav.refresh_space_address_book(space.pk)
    _app_password, secret = create_app_password(user=member, name="Téléphone")
    local = tmp_path / "contacts"
    local.mkdir()
    config = write_config(
        tmp_path,
        pair="annuaires",
        storage_type="carddav",
        url=dav_server,
        username=member.email,
        password=secret,
        local=local,
        fileext=".vcf",
    )

    run(config, "discover", "annuaires")
    run(config, "sync", "annuaires")

    folder = local / address_book_link_name("elus")
    assert [p.name for p in local.iterdir()] == [folder.name]
    texts = synced_texts(folder)
    members = Person.objects.filter(user__memberships__space=space)
    assert set(texts) == {p.full_name for p in members}
    assert len(texts) == Membership.objects.filter(space=space).count()
    everything = "\n".join(texts.values())
    for marker in IN_BOOK:
        assert marker in everything
    for marker in NEVER_IN_BOOK:
        assert marker not in everything

    # a change of the card reaches the phone at the next sync (through the services' follow-up)
    ContactPoint.objects.filter(person=person, kind=ContactKind.PHONE).update(
        value="+33 5 49 zq7-nouveau"
    )
    cards_changed(person_ids=[person.pk])  # autocommit: the task runs now
    run(config, "sync", "annuaires")
    everything = "\n".join(synced_texts(folder).values())
    assert "zq7-nouveau" in everything and "zq7-p-phone" not in everything
    assert "zq7-p-mobile" not in everything


def synced_texts(folder: Path) -> dict[str, str]:
    """FN → unfolded vCard text of every file vdirsyncer wrote."""
    texts = {}
    for path in folder.glob("*.vcf"):
        text = path.read_text(encoding="utf-8").replace("\r\n ", "").replace("\n ", "")
        texts[vobject.readOne(text).fn.value] = text
    return texts
