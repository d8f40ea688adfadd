"""The one place that decides what a viewer sees of a directory card.

Every output (pages, print view, vCard, CardDAV address books, search, portal payloads) gets
its cards from ``person_cards`` / ``organisation_cards``: the returned cards hold only the
fields the viewer may see, so a template cannot show a hidden field by mistake.

Audiences, from the widest to the narrowest:

- ``public``: anyone, once the editorial workflow has approved it for the portal;
- ``territory``: every signed-in user;
- ``spaces``: members of a space the person belongs to (for an organisation: of one of the
  spaces of its network), the viewer's space being readable by them (MFA rule included);
- ``private``: the person themself (an organisation's card managers) and directory editors.

Names, functions, kinds, communes of organisations and themes are not contact details: every
signed-in viewer sees them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from directory.models import (
    Audience,
    ContactKind,
    ContactPoint,
    Function,
    Organisation,
    Person,
)

EDITOR_PERMISSION = "directory.edit_directory"


@dataclass(frozen=True)
class Viewer:
    """Who is looking, reduced to what visibility needs."""

    user_id: int | None = None
    is_signed_in: bool = False
    is_editor: bool = False
    space_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, user: Any) -> Viewer:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return cls()
        from extranet.selectors import readable_memberships

        return cls(
            user_id=user.pk,
            is_signed_in=True,
            is_editor=user.has_perm(EDITOR_PERMISSION),
            space_ids=frozenset(m.space_id for m in readable_memberships(user)),
        )

    @classmethod
    def public(cls) -> Viewer:
        """The portal's reader: public fields only."""
        return cls()

    @classmethod
    def members_of(cls, space_id: int) -> Viewer:
        """Any member of one space, and nothing more: what a space's address book holds, so
        the book is the same for every reader."""
        return cls(is_signed_in=True, space_ids=frozenset({space_id}))


def is_directory_editor(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(EDITOR_PERMISSION))


def allowed_audiences(
    viewer: Viewer, *, card_space_ids: Iterable[int], is_owner: bool
) -> frozenset[str]:
    """The audiences of a card's fields that ``viewer`` may see."""
    if not viewer.is_signed_in:
        return frozenset({Audience.PUBLIC})
    allowed = {Audience.PUBLIC, Audience.TERRITORY}
    if viewer.is_editor or is_owner:
        return frozenset(Audience.values)
    if viewer.space_ids.intersection(card_space_ids):
        allowed.add(Audience.SPACES)
    return frozenset(allowed)


@dataclass(frozen=True)
class VisibleContact:
    kind: str
    label: str
    value: str
    audience: str

    @property
    def kind_label(self) -> str:
        return str(ContactKind(self.kind).label)

    @property
    def href(self) -> str:
        if self.kind == ContactKind.EMAIL:
            return f"mailto:{self.value}"
        if self.kind in (ContactKind.PHONE, ContactKind.MOBILE):
            return "tel:" + "".join(c for c in self.value if c.isdigit() or c == "+")
        return self.value


@dataclass(frozen=True)
class FunctionLine:
    title: str
    organisation_id: int
    organisation_name: str


@dataclass(frozen=True)
class PersonCard:
    pk: int
    first_name: str
    last_name: str
    functions: tuple[FunctionLine, ...]
    themes: tuple[str, ...]
    commune: str
    languages: tuple[str, ...]
    bio: str
    has_photo: bool
    contacts: tuple[VisibleContact, ...]
    last_verified_at: dt.datetime
    is_stale: bool
    is_own: bool
    can_edit: bool
    has_account: bool
    portal_intent: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def contacts_of(self, *kinds: str) -> tuple[VisibleContact, ...]:
        return tuple(c for c in self.contacts if c.kind in kinds)

    @property
    def phones(self) -> tuple[VisibleContact, ...]:
        return self.contacts_of(ContactKind.PHONE, ContactKind.MOBILE)

    @property
    def emails(self) -> tuple[VisibleContact, ...]:
        return self.contacts_of(ContactKind.EMAIL)

    @property
    def websites(self) -> tuple[VisibleContact, ...]:
        return self.contacts_of(ContactKind.WEBSITE)


@dataclass(frozen=True)
class OrganisationCard:
    pk: int
    name: str
    kind_code: str
    kind_label: str
    commune: str
    parent_id: int | None
    parent_name: str
    themes: tuple[str, ...]
    postal_code: str
    address: str
    latitude: float | None
    longitude: float | None
    website: str
    opening_hours: str
    description: str
    has_logo: bool
    contacts: tuple[VisibleContact, ...]
    last_verified_at: dt.datetime
    is_stale: bool
    can_edit: bool
    portal_intent: str

    @property
    def phones(self) -> tuple[VisibleContact, ...]:
        return tuple(c for c in self.contacts if c.kind in (ContactKind.PHONE, ContactKind.MOBILE))

    @property
    def emails(self) -> tuple[VisibleContact, ...]:
        return tuple(c for c in self.contacts if c.kind == ContactKind.EMAIL)

    @property
    def websites(self) -> tuple[VisibleContact, ...]:
        return tuple(c for c in self.contacts if c.kind == ContactKind.WEBSITE)


def stale_before(now: dt.datetime | None = None) -> dt.datetime:
    """Cards last verified before this moment are stale."""
    return (now or timezone.now()) - dt.timedelta(days=settings.DIRECTORY_STALE_AFTER_DAYS)


def _contacts(
    contacts: Iterable[ContactPoint], allowed: frozenset[str]
) -> tuple[VisibleContact, ...]:
    return tuple(
        VisibleContact(kind=c.kind, label=c.label, value=c.value, audience=c.audience)
        for c in contacts
        if c.audience in allowed
    )


def _spaces_of_users(user_ids: set[int]) -> dict[int, set[int]]:
    from extranet.models import Membership

    spaces: dict[int, set[int]] = defaultdict(set)
    if user_ids:
        for user_id, space_id in Membership.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "space_id"
        ):
            spaces[user_id].add(space_id)
    return spaces


def people_with_card_data(queryset: Any) -> Any:
    """``queryset`` with what ``person_cards`` reads, in a constant number of queries."""
    return queryset.prefetch_related(
        Prefetch(
            "functions",
            queryset=Function.objects.select_related("organisation").order_by("position", "pk"),
        ),
        "themes",
        "contacts",
    )


def organisations_with_card_data(queryset: Any) -> Any:
    return queryset.select_related("kind", "parent").prefetch_related(
        "themes", "contacts", "spaces", "managers"
    )


def person_cards(viewer: Viewer, people: Sequence[Person]) -> list[PersonCard]:
    """Cards of ``people`` as ``viewer`` may see them. Expects ``people_with_card_data``
    prefetches (one query more for the people's spaces, whatever their number)."""
    spaces = _spaces_of_users({p.user_id for p in people if p.user_id})
    limit = stale_before()
    cards = []
    for person in people:
        is_own = viewer.user_id is not None and person.user_id == viewer.user_id
        allowed = allowed_audiences(
            viewer, card_space_ids=spaces.get(person.user_id or 0, ()), is_owner=is_own
        )

        def show(
            field: str,
            value: Any,
            empty: Any = "",
            _allowed: frozenset[str] = allowed,
            _person: Person = person,
        ) -> Any:
            return value if _person.audience_of(field) in _allowed else empty

        cards.append(
            PersonCard(
                pk=person.pk,
                first_name=person.first_name,
                last_name=person.last_name,
                functions=tuple(
                    FunctionLine(f.title, f.organisation_id, f.organisation.name)
                    for f in person.functions.all()
                ),
                themes=tuple(t.name for t in person.themes.all()),
                commune=show("commune", person.commune),
                languages=tuple(
                    lang.strip()
                    for lang in show("languages", person.languages).split(",")
                    if lang.strip()
                ),
                bio=show("bio", person.bio),
                has_photo=bool(show("photo", bool(person.photo), False)),
                contacts=_contacts(person.contacts.all(), allowed),
                last_verified_at=person.last_verified_at,
                is_stale=person.last_verified_at < limit,
                is_own=is_own,
                can_edit=is_own or viewer.is_editor,
                has_account=person.user_id is not None,
                portal_intent=person.portal_intent,
            )
        )
    return cards


def organisation_cards(
    viewer: Viewer, organisations: Sequence[Organisation]
) -> list[OrganisationCard]:
    """Cards of ``organisations`` as ``viewer`` may see them (``organisations_with_card_data``
    prefetches expected)."""
    limit = stale_before()
    cards = []
    for org in organisations:
        is_manager = viewer.user_id is not None and any(
            m.pk == viewer.user_id for m in org.managers.all()
        )
        allowed = allowed_audiences(
            viewer, card_space_ids={s.pk for s in org.spaces.all()}, is_owner=is_manager
        )

        def show(
            field: str,
            value: Any,
            empty: Any = "",
            _allowed: frozenset[str] = allowed,
            _org: Organisation = org,
        ) -> Any:
            return value if _org.audience_of(field) in _allowed else empty

        show_coordinates = bool(
            org.latitude is not None
            and org.longitude is not None
            and show("coordinates", True, False)
        )
        cards.append(
            OrganisationCard(
                pk=org.pk,
                name=org.name,
                kind_code=org.kind.code,
                kind_label=org.kind.label,
                commune=org.commune,
                parent_id=org.parent_id,
                parent_name=org.parent.name if org.parent else "",
                themes=tuple(t.name for t in org.themes.all()),
                postal_code=show("address", org.postal_code),
                address=show("address", org.address),
                latitude=float(org.latitude)
                if show_coordinates and org.latitude is not None
                else None,
                longitude=float(org.longitude)
                if show_coordinates and org.longitude is not None
                else None,
                website=show("website", org.website),
                opening_hours=show("opening_hours", org.opening_hours),
                description=show("description", org.description),
                has_logo=bool(show("logo", bool(org.logo), False)),
                contacts=_contacts(org.contacts.all(), allowed),
                last_verified_at=org.last_verified_at,
                is_stale=org.last_verified_at < limit,
                can_edit=is_manager or viewer.is_editor,
                portal_intent=org.portal_intent,
            )
        )
    return cards


def person_card(viewer: Viewer, person: Person) -> PersonCard:
    (card,) = person_cards(viewer, list(people_with_card_data(Person.objects.filter(pk=person.pk))))
    return card


def organisation_card(viewer: Viewer, organisation: Organisation) -> OrganisationCard:
    (card,) = organisation_cards(
        viewer,
        list(organisations_with_card_data(Organisation.objects.filter(pk=organisation.pk))),
    )
    return card
