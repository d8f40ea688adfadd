"""Reading the directory: lists with filters and search, cards, the home page's ways in.

Cards always come from ``directory.visibility`` for the viewer; every function here runs a
number of queries that does not grow with the number of cards shown.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from directory import indexing
from directory.models import Audience, Function, Organisation, OrganisationKind, Person, Theme
from directory.visibility import (
    PersonCard,
    Viewer,
    organisation_cards,
    organisations_with_card_data,
    people_with_card_data,
    person_cards,
)
from extranet.search import TERRITORY_SPACE_ID, SearchQuery, get_backend

PER_PAGE = 25
MAX_TEXT = 200
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Initials that file under a letter of the index ("Émile" under E).
LETTER_VARIANTS = {
    "A": "AÀÂÄ",
    "C": "CÇ",
    "E": "EÉÈÊË",
    "I": "IÎÏ",
    "O": "OÔÖ",
    "U": "UÙÛÜ",
    "Y": "YŸ",
}
# A person's commune is a filter only where every signed-in user may see it: filtering on a
# hidden commune would reveal it.
OPEN_AUDIENCES = (Audience.PUBLIC, Audience.TERRITORY)


@dataclass(frozen=True)
class Filters:
    """What the lists are narrowed to (from the query string; unknown values are ignored)."""

    text: str = ""
    kind: str = ""
    commune: str = ""
    theme: str = ""
    letter: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> Filters:
        letter = params.get("lettre", "").strip()[:1].upper()
        return cls(
            text=" ".join(params.get("q", "").split())[:MAX_TEXT],
            kind=params.get("type", "").strip()[:40],
            commune=" ".join(params.get("commune", "").split())[:120],
            theme=params.get("theme", "").strip()[:90],
            letter=letter if letter.isalpha() else "",
        )

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.kind or self.commune or self.theme or self.letter)

    def facets(self) -> dict[str, str]:
        facets = {}
        if self.kind:
            facets[indexing.kind_facet(self.kind)] = "1"
        if self.theme:
            facets[indexing.theme_facet(self.theme)] = "1"
        if self.commune:
            facets[indexing.COMMUNE_FACET] = indexing.commune_facet(self.commune)
        return facets


@dataclass(frozen=True)
class CardPage:
    """One page of cards, whether it came from the search engine or the database."""

    cards: Sequence[Any]
    number: int
    total: int
    per_page: int = PER_PAGE
    from_search: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0


def folded(text: str) -> str:
    """``text`` without accents, lower case: for sorting and for the letter index."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).lower()


def _starts_with_letter(field: str, letter: str) -> Q:
    query = Q()
    for variant in LETTER_VARIANTS.get(letter, letter):
        query |= Q(**{f"{field}__startswith": variant}) | Q(
            **{f"{field}__startswith": variant.lower()}
        )
    return query


@dataclass(frozen=True)
class Letter:
    letter: str
    has_cards: bool


def letter_index(model: type[Person] | type[Organisation]) -> list[Letter]:
    """The A–Z index of a list, telling which letters have cards (one query)."""
    field = "last_name" if model is Person else "name"
    initials = model.objects.order_by().values_list(Substr(field, 1, 1), flat=True).distinct()
    present = {folded(initial)[:1].upper() for initial in initials if initial}
    return [Letter(letter, letter in present) for letter in LETTERS]


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


# --- Lists -------------------------------------------------------------------------------------


def _people_filtered(filters: Filters) -> QuerySet[Person]:
    people = Person.objects.all()
    if filters.kind:
        people = people.filter(
            pk__in=Function.objects.filter(organisation__kind__code=filters.kind).values(
                "person_id"
            )
        )
    if filters.theme:
        people = people.filter(
            pk__in=Person.themes.through.objects.filter(theme__slug=filters.theme).values(
                "person_id"
            )
        )
    if filters.commune:
        people = people.filter(commune__iexact=filters.commune).filter(
            Q(audiences__commune__in=OPEN_AUDIENCES) | ~Q(audiences__has_key="commune")
        )
    if filters.letter:
        people = people.filter(_starts_with_letter("last_name", filters.letter))
    return people


def _organisations_filtered(filters: Filters) -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if filters.kind:
        organisations = organisations.filter(kind__code=filters.kind)
    if filters.theme:
        organisations = organisations.filter(
            pk__in=Organisation.themes.through.objects.filter(theme__slug=filters.theme).values(
                "organisation_id"
            )
        )
    if filters.commune:
        organisations = organisations.filter(commune__iexact=filters.commune)
    if filters.letter:
        organisations = organisations.filter(_starts_with_letter("name", filters.letter))
    return organisations


def _name_words(text: str) -> list[str]:
    return [word for word in text.replace(",", " ").split() if word][:5]


def _search_ids(kind: str, filters: Filters, number: int, per_page: int) -> tuple[list[int], int]:
    results = get_backend().search(
        SearchQuery(
            text=filters.text,
            space_ids=[TERRITORY_SPACE_ID],
            kinds=[kind],
            facets=filters.facets(),
            page=number,
            per_page=per_page,
        )
    )
    ids = [pk for pk in (indexing.pk_of(hit.key) for hit in results.hits) if pk is not None]
    return ids, results.total


def _in_order(objects: Sequence[Any], ids: Sequence[int]) -> list[Any]:
    by_pk = {obj.pk: obj for obj in objects}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def people_page(
    viewer: Viewer, filters: Filters, number: int = 1, per_page: int = PER_PAGE
) -> CardPage:
    """People matching ``filters`` as ``viewer`` sees them. Text goes to the search engine
    (whole words, accents and case folded); when it finds nothing, names starting with the
    words typed are looked up instead ("Marc" finds Marchand)."""
    if filters.text:
        ids, total = _search_ids(indexing.PERSON_KIND, filters, number, per_page)
        if total:
            people = people_with_card_data(Person.objects.filter(pk__in=ids))
            return CardPage(
                person_cards(viewer, _in_order(list(people), ids)),
                number,
                total,
                per_page,
                from_search=True,
            )
        queryset = _people_filtered(filters)
        for word in _name_words(filters.text):
            queryset = queryset.filter(
                Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
            )
    else:
        queryset = _people_filtered(filters)
    return _orm_page(queryset.order_by("last_name", "first_name", "pk"), number, per_page, viewer)


def organisations_page(
    viewer: Viewer, filters: Filters, number: int = 1, per_page: int = PER_PAGE
) -> CardPage:
    """Organisations matching ``filters`` as ``viewer`` sees them (text as in ``people_page``,
    falling back to names containing the words)."""
    if filters.text:
        ids, total = _search_ids(indexing.ORGANISATION_KIND, filters, number, per_page)
        if total:
            organisations = organisations_with_card_data(Organisation.objects.filter(pk__in=ids))
            return CardPage(
                organisation_cards(viewer, _in_order(list(organisations), ids)),
                number,
                total,
                per_page,
                from_search=True,
            )
        queryset = _organisations_filtered(filters)
        for word in _name_words(filters.text):
            queryset = queryset.filter(name__icontains=word)
    else:
        queryset = _organisations_filtered(filters)
    return _orm_page(queryset.order_by("name", "pk"), number, per_page, viewer)


def _orm_page(queryset: QuerySet[Any], number: int, per_page: int, viewer: Viewer) -> CardPage:
    total = queryset.count()
    last = max(1, math.ceil(total / per_page))
    number = min(number, last)
    chunk = queryset[(number - 1) * per_page : number * per_page]
    if queryset.model is Person:
        cards: Sequence[Any] = person_cards(viewer, list(people_with_card_data(chunk)))
    else:
        cards = organisation_cards(viewer, list(organisations_with_card_data(chunk)))
    return CardPage(cards, number, total, per_page)


# --- Choices and the home page -----------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    count: int = 0


@dataclass(frozen=True)
class FilterChoices:
    kinds: list[Choice] = field(default_factory=list)
    communes: list[Choice] = field(default_factory=list)
    themes: list[ThemeChoice] = field(default_factory=list)


def kind_choices() -> list[Choice]:
    """Every kind of organisation, with how many organisations have it."""
    kinds = OrganisationKind.objects.annotate(n=Count("organisations")).order_by("position", "name")
    return [Choice(kind.code, kind.label, kind.n) for kind in kinds]


def commune_choices() -> list[Choice]:
    """Communes of the organisations, with how many organisations each has."""
    rows = (
        Organisation.objects.exclude(commune="")
        .values("commune")
        .annotate(n=Count("pk"))
        .order_by("commune")
    )
    choices = [Choice(row["commune"], row["commune"], row["n"]) for row in rows]
    return sorted(choices, key=lambda choice: folded(choice.label))


@dataclass(frozen=True)
class ThemeChoice(Choice):
    people: int = 0
    organisations: int = 0


def theme_choices() -> list[ThemeChoice]:
    """Themes used by at least one card, with how many people and organisations have each."""
    people = dict(
        Person.themes.through.objects.values_list("theme_id").annotate(n=Count("pk")).order_by()
    )
    organisations = dict(
        Organisation.themes.through.objects.values_list("theme_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    themes = [
        ThemeChoice(
            theme.slug,
            theme.name,
            people.get(theme.pk, 0) + organisations.get(theme.pk, 0),
            people.get(theme.pk, 0),
            organisations.get(theme.pk, 0),
        )
        for theme in Theme.objects.filter(pk__in={*people, *organisations})
    ]
    return sorted(themes, key=lambda theme: folded(theme.label))


def filter_choices() -> FilterChoices:
    return FilterChoices(kinds=kind_choices(), communes=commune_choices(), themes=theme_choices())


@dataclass(frozen=True)
class Recent:
    name: str
    url: str
    verified_at: Any


def recently_verified(limit: int = 6) -> list[Recent]:
    """The cards most recently confirmed or edited (names only: every signed-in user sees
    them)."""
    people = Person.objects.order_by("-last_verified_at", "-pk").only(
        "pk", "first_name", "last_name", "last_verified_at"
    )[:limit]
    organisations = Organisation.objects.order_by("-last_verified_at", "-pk").only(
        "pk", "name", "last_verified_at"
    )[:limit]
    rows = [Recent(p.full_name, p.get_absolute_url(), p.last_verified_at) for p in people]
    rows += [Recent(o.name, o.get_absolute_url(), o.last_verified_at) for o in organisations]
    rows.sort(key=lambda row: row.verified_at, reverse=True)
    return rows[:limit]


def totals() -> dict[str, int]:
    return {"people": Person.objects.count(), "organisations": Organisation.objects.count()}


# --- One card ----------------------------------------------------------------------------------


def person_for(user: Any, pk: int) -> Person:
    """A person, for a user who may browse the directory (404 otherwise)."""
    person = Person.objects.visible_to(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def organisation_or_none(user: Any, pk: int) -> Organisation | None:
    """An organisation the user may see, or None (a choice in a form that vanished since)."""
    return Organisation.objects.visible_to(user).filter(pk=pk).first()


def organisation_for(user: Any, pk: int) -> Organisation:
    organisation = organisation_or_none(user, pk)
    if organisation is None:
        raise Http404
    return organisation


@dataclass(frozen=True)
class Member:
    """Someone working in an organisation, as the viewer sees them, with their titles there."""

    card: PersonCard
    titles: tuple[str, ...]


@dataclass(frozen=True)
class Child:
    pk: int
    name: str
    kind_label: str
    commune: str
    url: str


def organisation_people(viewer: Viewer, organisation: Organisation) -> list[Member]:
    """The people with a function in ``organisation``, in the order of their functions."""
    functions = list(
        Function.objects.filter(organisation=organisation).order_by(
            "person__last_name", "person__first_name", "position", "pk"
        )
    )
    ids = list(dict.fromkeys(f.person_id for f in functions))
    people = _in_order(list(people_with_card_data(Person.objects.filter(pk__in=ids))), ids)
    members = []
    for card in person_cards(viewer, people):
        titles = tuple(f.title for f in card.functions if f.organisation_id == organisation.pk)
        members.append(Member(card, titles))
    return members


def organisation_children(organisation: Organisation) -> list[Child]:
    return [
        Child(child.pk, child.name, child.kind.label, child.commune, child.get_absolute_url())
        for child in organisation.children.select_related("kind").order_by("name")
    ]


def organisation_options() -> list[tuple[int, str]]:
    """Every organisation as (id, "name (commune)"), for the function and parent pickers."""
    return [
        (pk, f"{name} ({commune})" if commune else name)
        for pk, name, commune in Organisation.objects.order_by("name", "pk").values_list(
            "pk", "name", "commune"
        )
    ]


def own_person(user: Any) -> Person | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user=user).first()


def stale_count() -> int:
    """How many cards are older than the freshness limit (for editors' home page)."""
    from directory.visibility import stale_before

    limit = stale_before()
    return (
        Person.objects.filter(last_verified_at__lt=limit).count()
        + Organisation.objects.filter(last_verified_at__lt=limit).count()
    )
