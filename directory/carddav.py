"""Each space's read-only address book (CardDAV): the cards of its members, as any member of
that space may see them.

The book is built with ``Viewer.members_of(space)``: it holds the fields whose audience includes
the space's members (public, territory, spaces), never a private field nor what only the
person's other spaces may see, so it is the same for every reader and can be stored once
(``calendars.services.address_books``). Radicale serves it at ``/dav/`` through the link in
each member's home, with the calendars' app passwords and rights (MFA rule included).

Everything here runs after commit (tasks ``directory.tasks.refresh_space_address_book`` and
``refresh_cards``): Radicale's storage is not transactional.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation

from directory.models import Person
from directory.vcard import person_key, person_vcard
from directory.visibility import Viewer, people_with_card_data, person_cards
from extranet.models import Membership, Space

logger = logging.getLogger(__name__)


def space_address_book_cards(space: Space) -> dict[str, str]:
    """The book's content: card key → vCard text, for every member of ``space`` (a member
    without a card gets the one their account gives, first)."""
    _ensure_member_cards(space)
    people = list(
        people_with_card_data(
            Person.objects.filter(user__memberships__space=space).order_by("pk").distinct()
        )
    )
    # One language for every reader: the book is stored once.
    with translation.override(settings.LANGUAGE_CODE):
        return {
            person_key(card.pk): person_vcard(card)
            for card in person_cards(Viewer.members_of(space.pk), people)
        }


def refresh_space_address_book(space_id: int) -> None:
    """Make the space's stored address book match its members' current cards (a no-op for a
    deleted space: the calendars side removes its book with it)."""
    from calendars.services.address_books import replace_space_address_book

    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        return
    result = replace_space_address_book(space, space_address_book_cards(space))
    if result.has_changes:
        logger.info(
            "address book of %s: %d added, %d changed, %d removed",
            space.slug,
            result.added,
            result.changed,
            result.removed,
        )


def spaces_of_people(person_ids: Iterable[int]) -> list[int]:
    """Ids of the spaces whose books hold these people (through their accounts)."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    return sorted(
        set(
            Membership.objects.filter(user__directory_card__pk__in=ids).values_list(
                "space_id", flat=True
            )
        )
    )


def refresh_address_books_for_people(person_ids: Iterable[int]) -> None:
    """Refresh every space book holding one of these people: once per space, whatever the
    number of people. People already deleted are handled by ``carddav_receivers``, which knows
    their account when they go."""
    for space_id in spaces_of_people(person_ids):
        refresh_space_address_book(space_id)


def schedule_space_refresh(space_ids: Iterable[int]) -> None:
    """Refresh these spaces' books after the current transaction commits, once per space
    however many changes the transaction made (a bulk invitation adds many members)."""
    connection = transaction.get_connection()
    pending: set[int] | None = getattr(connection, "_directory_pending_books", None)
    if pending is None:
        pending = set()
        connection._directory_pending_books = pending
    for space_id in set(space_ids):
        pending.add(space_id)
        # One callback per change, but only the first to run after a commit enqueues. A
        # rolled-back change leaves its id in the set with no callback: harmless, the next
        # change of that space registers one again.
        transaction.on_commit(partial(_enqueue_pending, pending, space_id))


def _enqueue_pending(pending: set[int], space_id: int) -> None:
    if space_id not in pending:
        return
    pending.discard(space_id)
    from directory.tasks import refresh_space_address_book as task

    task.enqueue(space_id=space_id)


def _ensure_member_cards(space: Space) -> None:
    """Members without a directory card (accounts older than the directory) get the card their
    first membership would have given them: name, and the account e-mail for their spaces."""
    from directory.services.cards import ensure_person_for_user

    users = list(
        get_user_model().objects.filter(memberships__space=space, directory_card__isnull=True)
    )
    if users:
        # One transaction: the new cards' own follow-ups (index, books) run once it commits.
        with transaction.atomic():
            for user in users:
                ensure_person_for_user(user=user)
