"""Finding cards: the search engine (Whoosh here) by name, function, organisation, kind,
commune and theme; the global search; and what search must never find or show: a ``spaces``
or ``private`` field is not in the index at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory import indexing
from directory.models import Audience, ContactKind, Organisation, Person
from directory.selectors import Filters, organisations_page, people_page
from directory.services.cards import ContactInput, update_person
from directory.visibility import Viewer
from extranet.search import TERRITORY_SPACE_ID, SearchQuery, get_backend
from tests.conftest import make_user
from tests.directory.sample_cards import (
    ORG_SPACES_EMAIL,
    PRIVATE_EMAIL,
    PRIVATE_MOBILE,
    SPACES_PHONE,
    build,
)

pytestmark = pytest.mark.django_db

SECRETS = (SPACES_PHONE, PRIVATE_MOBILE, PRIVATE_EMAIL, ORG_SPACES_EMAIL)


@pytest.fixture
def sample(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build(member)


def names(page) -> list[str]:
    return [getattr(card, "full_name", None) or card.name for card in page.cards]


def find_people(text: str = "", **filters) -> list[str]:
    page = people_page(Viewer(is_signed_in=True), Filters(text=text, **filters))
    return names(page)


def find_organisations(text: str = "", **filters) -> list[str]:
    page = organisations_page(Viewer(is_signed_in=True), Filters(text=text, **filters))
    return names(page)


# --- Hits ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Martin", ["Jeanne Martin"]),
        ("jeanne", ["Jeanne Martin"]),
        ("secretaire", ["Jeanne Martin"]),  # function, accents folded
        ("Mairie de Brioux", ["Jeanne Martin"]),  # organisation of a function
        ("numérique", ["Jeanne Martin"]),  # theme
        ("conseiller séjour", ["Paul Brunet"]),
        ("Melle", ["Paul Brunet"]),  # commune
        ("occitan", ["Jeanne Martin"]),  # languages (territory by default)
        ("05 49 29 15 11", ["Paul Brunet"]),  # a territory-wide number is searchable
    ],
)
def test_people_are_found_by_what_everyone_sees(sample, text, expected):
    assert find_people(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("brioux", ["Mairie de Brioux"]),
        ("tourisme", ["Office de tourisme du Mellois"]),  # name, kind and theme
        ("commune", ["Mairie de Brioux"]),  # kind
        ("05 49 07 50 01", ["Mairie de Brioux"]),  # public phone
    ],
)
def test_organisations_are_found(sample, text, expected):
    assert find_organisations(text) == expected


def test_name_beginnings_are_found_when_no_word_matches(sample):
    assert find_people("Mart") == ["Jeanne Martin"]
    assert find_organisations("Mello") == ["Office de tourisme du Mellois"]


def test_filters_narrow_a_search(sample):
    assert find_people("", kind="commune") == ["Jeanne Martin"]
    assert find_people("", kind="office-tourisme") == ["Paul Brunet"]
    assert find_people("", theme="tourisme") == ["Paul Brunet"]
    assert find_people("", commune="melle") == ["Paul Brunet"]
    assert find_people("", letter="B") == ["Paul Brunet"]
    # the same filters with words go through the engine's facets
    assert find_people("conseiller", kind="office-tourisme") == ["Paul Brunet"]
    assert find_people("conseiller", kind="commune") == []
    assert find_people("secretaire", commune="Brioux-sur-Boutonne") == ["Jeanne Martin"]
    assert find_people("secretaire", theme="tourisme") == []
    assert find_organisations("", kind="office-tourisme") == ["Office de tourisme du Mellois"]
    assert find_organisations("", commune="Brioux-sur-Boutonne") == ["Mairie de Brioux"]


def test_a_hidden_commune_is_neither_a_filter_nor_a_search_term(sample, member):
    person = Person.objects.get(pk=sample.jeanne.pk)
    update_person(
        actor=member,
        person=person,
        first_name=person.first_name,
        last_name=person.last_name,
        commune="Paizay-le-Tort",
        languages=person.languages,
        bio=person.bio,
        themes=list(person.themes.all()),
        audiences={"commune": Audience.SPACES},
        contacts=[],
        functions=[],
    )
    indexing.index_cards(person_ids=[person.pk])
    assert find_people("", commune="Paizay-le-Tort") == []
    assert find_people("Paizay") == []


def test_changes_reach_the_index_after_commit(sample, member, django_capture_on_commit_callbacks):
    person = Person.objects.get(pk=sample.jeanne.pk)
    with django_capture_on_commit_callbacks(execute=True):
        update_person(
            actor=member,
            person=person,
            first_name="Jeanne",
            last_name="Dubreuil",
            commune=person.commune,
            languages="",
            bio="",
            themes=[],
            audiences={},
            contacts=[],
            functions=[],
        )
    assert find_people("Dubreuil") == ["Jeanne Dubreuil"]
    assert find_people("Martin") == []


def test_renaming_an_organisation_reindexes_its_people(sample, django_capture_on_commit_callbacks):
    from directory.services.cards import update_organisation

    mairie = sample.mairie
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(
            actor=sample.editor,
            organisation=mairie,
            kind=mairie.kind,
            name="Mairie de Brioux-sur-Boutonne",
            parent=None,
            commune=mairie.commune,
            postal_code=mairie.postal_code,
            address=mairie.address,
            latitude=None,
            longitude=None,
            website="",
            opening_hours="",
            description="",
            themes=[],
            audiences={},
            contacts=[],
        )
    assert find_people('"Brioux-sur-Boutonne" secretaire') == ["Jeanne Martin"]


def test_deleted_cards_leave_the_index(sample, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Organisation.objects.filter(pk=sample.ot.pk).delete()
        Person.objects.filter(pk=sample.paul.pk).delete()
    keys = {
        hit.key
        for hit in get_backend()
        .search(SearchQuery(text="", space_ids=[TERRITORY_SPACE_ID], per_page=100))
        .hits
    }
    assert indexing.person_key(sample.paul.pk) not in keys
    assert indexing.organisation_key(sample.ot.pk) not in keys
    assert indexing.person_key(sample.jeanne.pk) in keys


# --- Never-hits ---------------------------------------------------------------------------------


def test_index_entries_hold_no_spaces_or_private_field(sample):
    entries = list(indexing.iter_all_entries())
    assert {e.key for e in entries} >= {
        indexing.person_key(sample.jeanne.pk),
        indexing.organisation_key(sample.mairie.pk),
    }
    for entry in entries:
        text = " ".join([entry.title, entry.body, *entry.facets.values()])
        for secret in SECRETS:
            assert secret not in text
        assert entry.space_id == TERRITORY_SPACE_ID


@pytest.mark.parametrize(
    "text", [SPACES_PHONE, "05 49 27 81 63", PRIVATE_MOBILE, PRIVATE_EMAIL, "jeanne.perso"]
)
def test_hidden_details_are_not_findable_even_by_whom_may_see_them(client, sample, member, text):
    # Jeanne herself sees her private fields on her card, but the search index never holds
    # them: nobody finds a card through them.
    client.force_login(member)
    for url in (
        reverse("directory:people") + f"?q={text}",
        reverse("directory:search") + f"?q={text}",
        reverse("search") + f"?q={text}",
    ):
        html = client.get(url).content.decode()
        assert "Jeanne Martin" not in html, url
    assert find_people(text) == []


@pytest.mark.parametrize("who", ["outsider", "reader", "staff"])
def test_result_pages_never_show_hidden_details(client, sample, request, who):
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("directory:people") + "?q=Martin",
        reverse("directory:search") + "?q=Jeanne",
        reverse("directory:organisations") + "?q=Brioux",
        reverse("search") + "?q=Jeanne",
        reverse("search") + "?q=Brioux",
    ):
        html = client.get(url).content.decode()
        for secret in (PRIVATE_MOBILE, PRIVATE_EMAIL, ORG_SPACES_EMAIL):
            assert secret not in html, (url, secret)
        if who != "reader":
            assert SPACES_PHONE not in html, url


# --- The global search --------------------------------------------------------------------------


def test_global_search_finds_directory_cards_for_anyone_signed_in(client, sample):
    newcomer = make_user("nouveau@brioux.test", "Noé Nouveau")  # in no space
    client.force_login(newcomer)
    response = client.get(reverse("search") + "?q=secretaire")
    html = response.content.decode()
    assert sample.jeanne.get_absolute_url() in html
    assert "Annuaire : personnes" in html
    response = client.get(reverse("search") + f"?q=brioux&kind={indexing.ORGANISATION_KIND}")
    assert sample.mairie.get_absolute_url() in response.content.decode()


def test_global_search_narrowed_to_a_space_leaves_the_directory_out(client, sample, reader):
    client.force_login(reader)
    html = client.get(reverse("search") + "?q=secretaire&space=elus").content.decode()
    assert sample.jeanne.get_absolute_url() not in html


def test_directory_search_page_links_to_full_lists(client, sample, reader):
    client.force_login(reader)
    response = client.get(reverse("directory:search") + "?q=Brioux")
    html = response.content.decode()
    assert sample.mairie.get_absolute_url() in html
    assert sample.jeanne.get_absolute_url() in html  # her function is at the mairie
    assert client.get(reverse("directory:search")).status_code == 302


def test_contact_audiences_change_what_is_findable(
    sample, member, django_capture_on_commit_callbacks
):
    person = Person.objects.get(pk=sample.jeanne.pk)
    with django_capture_on_commit_callbacks(execute=True):
        update_person(
            actor=member,
            person=person,
            first_name=person.first_name,
            last_name=person.last_name,
            commune=person.commune,
            languages=person.languages,
            bio=person.bio,
            themes=list(person.themes.all()),
            audiences={},
            contacts=[ContactInput(ContactKind.PHONE, "05 49 44 55 66", Audience.TERRITORY)],
            functions=[],
        )
    assert find_people("05 49 44 55 66") == ["Jeanne Martin"]
    with django_capture_on_commit_callbacks(execute=True):
        update_person(
            actor=member,
            person=person,
            first_name=person.first_name,
            last_name=person.last_name,
            commune=person.commune,
            languages=person.languages,
            bio=person.bio,
            themes=list(person.themes.all()),
            audiences={},
            contacts=[ContactInput(ContactKind.PHONE, "05 49 44 55 66", Audience.SPACES)],
            functions=[],
        )
    assert find_people("05 49 44 55 66") == []


def test_letter_index_files_accented_names_under_their_letter(sample):
    from directory.selectors import letter_index
    from directory.services.cards import create_person

    create_person(actor=sample.editor, first_name="Élise", last_name="Écuyer")
    assert find_people("", letter="E") == ["Élise Écuyer"]
    letters = {entry.letter: entry.has_cards for entry in letter_index(Person)}
    assert letters["E"] and letters["B"] and letters["M"]
    assert not letters["Z"]
