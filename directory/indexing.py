"""What the search index knows about the directory: one entry per person and per organisation.

Directory entries are territory-wide: they live under ``TERRITORY_SPACE_ID``, which the global
search adds for every signed-in user. An entry holds only what any signed-in user sees of the
card (``Viewer(is_signed_in=True)``): names, functions, organisations, kinds, communes, themes
and the contact details whose audience is ``public`` or ``territory``; never a ``spaces`` or
``private`` field, so a search can neither show nor find one.

Facets (exact filters of the directory pages): ``dir_commune`` (slugified commune), and one key
per kind and per theme (``dir_kind_<code>``, ``dir_theme_<slug>``), since an entry may have
several and a facet holds one value.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils.text import slugify

from directory.models import Organisation, Person
from directory.visibility import (
    OrganisationCard,
    PersonCard,
    Viewer,
    organisation_cards,
    organisations_with_card_data,
    people_with_card_data,
    person_cards,
)
from extranet.search import TERRITORY_SPACE_ID, IndexEntry, get_backend

PERSON_KIND = "directory_person"
ORGANISATION_KIND = "directory_organisation"
PERSON_PREFIX = "directory.person:"
ORGANISATION_PREFIX = "directory.organisation:"
COMMUNE_FACET = "dir_commune"
BATCH = 500

# What every signed-in user sees: the most an index entry may hold.
INDEX_VIEWER = Viewer(is_signed_in=True)


def person_key(pk: int) -> str:
    return f"{PERSON_PREFIX}{pk}"


def organisation_key(pk: int) -> str:
    return f"{ORGANISATION_PREFIX}{pk}"


def pk_of(key: str) -> int | None:
    for prefix in (PERSON_PREFIX, ORGANISATION_PREFIX):
        if key.startswith(prefix):
            tail = key[len(prefix) :]
            return int(tail) if tail.isdigit() else None
    return None


def commune_facet(commune: str) -> str:
    return slugify(commune)


def kind_facet(code: str) -> str:
    return f"dir_kind_{code}"


def theme_facet(slug: str) -> str:
    return f"dir_theme_{slug}"


def _contact_lines(card: PersonCard | OrganisationCard) -> list[str]:
    return [contact.value for contact in card.contacts]


def person_entry(person: Person, card: PersonCard) -> IndexEntry:
    kinds = {f.organisation.kind.code for f in person.functions.all()}
    facets = {kind_facet(code): "1" for code in kinds}
    facets.update({theme_facet(t.slug): "1" for t in person.themes.all()})
    if card.commune:
        facets[COMMUNE_FACET] = commune_facet(card.commune)
    body = [
        *(f"{f.title} — {f.organisation_name}" for f in card.functions),
        *(f.organisation.kind.label for f in person.functions.all()),
        card.commune,
        ", ".join(card.themes),
        ", ".join(card.languages),
        card.bio,
        *_contact_lines(card),
    ]
    return IndexEntry(
        key=person_key(person.pk),
        space_id=TERRITORY_SPACE_ID,
        kind=PERSON_KIND,
        title=card.full_name,
        body="\n".join(line for line in body if line),
        url=person.get_absolute_url(),
        date=card.last_verified_at,
        facets=facets,
    )


def organisation_entry(organisation: Organisation, card: OrganisationCard) -> IndexEntry:
    facets = {kind_facet(card.kind_code): "1"}
    facets.update({theme_facet(t.slug): "1" for t in organisation.themes.all()})
    if card.commune:
        facets[COMMUNE_FACET] = commune_facet(card.commune)
    body = [
        card.kind_label,
        card.commune,
        card.parent_name,
        ", ".join(card.themes),
        card.postal_code,
        card.address,
        card.description,
        *_contact_lines(card),
    ]
    return IndexEntry(
        key=organisation_key(organisation.pk),
        space_id=TERRITORY_SPACE_ID,
        kind=ORGANISATION_KIND,
        title=card.name,
        body="\n".join(line for line in body if line),
        url=organisation.get_absolute_url(),
        date=card.last_verified_at,
        facets=facets,
    )


def _people(queryset: object) -> list[Person]:
    people: list[Person] = list(
        people_with_card_data(queryset).prefetch_related("functions__organisation__kind")
    )
    return people


def _person_entries(people: list[Person]) -> list[IndexEntry]:
    cards = person_cards(INDEX_VIEWER, people)
    return [person_entry(p, c) for p, c in zip(people, cards, strict=True)]


def _organisation_entries(organisations: list[Organisation]) -> list[IndexEntry]:
    cards = organisation_cards(INDEX_VIEWER, organisations)
    return [organisation_entry(o, c) for o, c in zip(organisations, cards, strict=True)]


def index_cards(*, person_ids: Iterable[int] = (), organisation_ids: Iterable[int] = ()) -> None:
    """Bring the index in line with these cards: existing ones (re)indexed, deleted ones
    removed. Idempotent."""
    backend = get_backend()
    wanted_people = set(person_ids)
    wanted_orgs = set(organisation_ids)
    entries: list[IndexEntry] = []
    gone: set[str] = set()
    if wanted_people:
        people = _people(Person.objects.filter(pk__in=wanted_people))
        entries += _person_entries(people)
        gone |= {person_key(pk) for pk in wanted_people - {p.pk for p in people}}
    if wanted_orgs:
        organisations = list(
            organisations_with_card_data(Organisation.objects.filter(pk__in=wanted_orgs))
        )
        entries += _organisation_entries(organisations)
        gone |= {organisation_key(pk) for pk in wanted_orgs - {o.pk for o in organisations}}
    if gone:
        backend.delete(gone)
    if entries:
        backend.index(entries)


def iter_all_entries() -> Iterator[IndexEntry]:
    """Every directory entry, for a full rebuild of the index."""
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        yield from _person_entries(
            _people(Person.objects.filter(pk__in=ids[start : start + BATCH]))
        )
    ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = Organisation.objects.filter(pk__in=ids[start : start + BATCH])
        yield from _organisation_entries(list(organisations_with_card_data(chunk)))
