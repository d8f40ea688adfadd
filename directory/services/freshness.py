"""Keeping cards fresh: reminding the owners of stale cards, and the editors' list of them.

A card is stale when it was last verified before ``visibility.stale_before()`` (older than
``DIRECTORY_STALE_AFTER_DAYS``). Its owners (the person's account; an organisation's card
managers) are reminded at most once per staleness period: ``stale_reminded_at`` records the
reminder, and a reminder older than the period (or than the last verification, which makes the
card fresh again) no longer counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation, Person
from directory.visibility import stale_before
from extranet.models.notifications import EmailMode
from extranet.notifications import Topic, notify, register_topic

TOPIC = "directory.stale_card"
register_topic(
    Topic(
        name=TOPIC,
        label=_("Ma fiche de l'annuaire (ou celle d'une organisation que je gère) est à vérifier"),
        message=_(
            "La fiche « %(object)s » de l'annuaire n'a pas été vérifiée depuis longtemps : "
            "relisez-la et confirmez qu'elle est à jour."
        ),
        default_email=EmailMode.IMMEDIATE,
    )
)

BATCH = 200


def _due(queryset: QuerySet[Any], limit: dt.datetime) -> QuerySet[Any]:
    return queryset.filter(last_verified_at__lt=limit).filter(
        Q(stale_reminded_at__isnull=True) | Q(stale_reminded_at__lt=limit)
    )


def remind_stale_cards(now: dt.datetime | None = None) -> int:
    """Notify the owners of every stale card not reminded during this staleness period; returns
    how many cards were reminded. Cards nobody owns are left to the editors' list. Meant to
    run daily (management command ``remind_stale_cards``, task ``directory.tasks``)."""
    now = now or timezone.now()
    limit = stale_before(now)
    reminded = 0
    people = (
        _due(Person.objects.all(), limit)
        .filter(user__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("last_verified_at", "pk")
    )
    # Reminded cards drop out of these querysets: take the first batch until none is left.
    while batch := list(people[:BATCH]):
        reminded += _remind(batch, {p.pk: [p.user] for p in batch}, now)
    active_managers = Organisation.managers.through.objects.filter(
        organisation_id=OuterRef("pk"), user__is_active=True
    )
    organisations = (
        _due(Organisation.objects.all(), limit)
        .filter(Exists(active_managers))
        .order_by("last_verified_at", "pk")
    )
    while batch := list(organisations[:BATCH]):
        managers: dict[int, list[Any]] = defaultdict(list)
        through = Organisation.managers.through
        for link in through.objects.filter(
            organisation_id__in=[o.pk for o in batch], user__is_active=True
        ).select_related("user"):
            managers[link.organisation_id].append(link.user)
        reminded += _remind(batch, managers, now)
    return reminded


@transaction.atomic
def _remind(cards: list[Any], owners: dict[int, list[Any]], now: dt.datetime) -> int:
    done: list[int] = []
    for card in cards:
        if notify(
            recipients=owners.get(card.pk, []),
            topic=TOPIC,
            object_label=str(card),
            url=card.get_absolute_url(),
        ):
            done.append(card.pk)
    model = type(cards[0])
    # The whole batch is marked, so a batch never comes back: its cards all have an active
    # owner, hence a notification.
    model.objects.filter(pk__in=[c.pk for c in cards]).update(stale_reminded_at=now)
    return len(done)


# --- The editors' list ---------------------------------------------------------------------------


class StaleFilter:
    ALL = "all"
    UNOWNED = "unowned"  # nobody will be reminded: no account, no card manager
    PEOPLE = "people"
    ORGANISATIONS = "organisations"


@dataclass(frozen=True)
class StaleCard:
    kind: str  # "person" or "organisation"
    pk: int
    name: str
    last_verified_at: dt.datetime
    verified_by: str
    reminded_at: dt.datetime | None
    has_owner: bool
    url: str

    @property
    def is_person(self) -> bool:
        return self.kind == "person"


def stale_cards(*, show: str = StaleFilter.ALL, now: dt.datetime | None = None) -> QuerySet[Any]:
    """Stale people and organisations together, oldest verification first, as rows of
    ``kind, pk, name, last_verified_at, last_verified_by_id, stale_reminded_at, has_owner``:
    one query whatever the page (``stale_card_page`` turns a slice into ``StaleCard``)."""
    limit = stale_before(now)
    through = Organisation.managers.through
    managers = through.objects.filter(organisation_id=OuterRef("pk"), user__is_active=True)
    people = (
        Person.objects.filter(last_verified_at__lt=limit)
        .annotate(
            card_kind=Value("person", output_field=CharField()),
            card_name=Concat(F("first_name"), Value(" "), F("last_name"), output_field=CharField()),
            has_owner=ExpressionWrapper(
                Q(user__isnull=False, user__is_active=True), output_field=BooleanField()
            ),
        )
        .values_list(
            "card_kind",
            "pk",
            "card_name",
            "last_verified_at",
            "last_verified_by_id",
            "stale_reminded_at",
            "has_owner",
        )
    )
    organisations = (
        Organisation.objects.filter(last_verified_at__lt=limit)
        .annotate(
            card_kind=Value("organisation", output_field=CharField()),
            card_name=F("name"),
            has_owner=Exists(managers),
        )
        .values_list(
            "card_kind",
            "pk",
            "card_name",
            "last_verified_at",
            "last_verified_by_id",
            "stale_reminded_at",
            "has_owner",
        )
    )
    if show == StaleFilter.UNOWNED:
        people = people.filter(Q(user__isnull=True) | Q(user__is_active=False))
        organisations = organisations.exclude(Exists(managers))
    if show == StaleFilter.PEOPLE:
        return people.order_by("last_verified_at", "pk")
    if show == StaleFilter.ORGANISATIONS:
        return organisations.order_by("last_verified_at", "pk")
    # The parts lose their default ordering: SQLite refuses ORDER BY inside a UNION.
    return (
        people.order_by()
        .union(organisations.order_by(), all=True)
        .order_by("last_verified_at", "card_kind", "pk")
    )


def stale_card_page(rows: list[tuple[Any, ...]]) -> list[StaleCard]:
    """The rows of one page, with who last verified each card (one query)."""
    user_ids = {row[4] for row in rows if row[4]}
    names = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
    cards = []
    for kind, pk, name, verified_at, verified_by, reminded_at, has_owner in rows:
        cards.append(
            StaleCard(
                kind=kind,
                pk=pk,
                name=name,
                last_verified_at=verified_at,
                verified_by=names.get(verified_by, ""),
                reminded_at=reminded_at,
                has_owner=bool(has_owner),
                url=reverse(f"directory:{kind}", kwargs={"pk": pk}),
            )
        )
    return cards
