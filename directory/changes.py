"""After a card changes: what else must follow (search index, space address books).

Every service that writes a card, a function, a contact point or a person's account link calls
``cards_changed`` inside its transaction; the follow-up runs in a background task after commit,
so a failure there never loses the edit, and a rolled-back edit schedules nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def cards_changed(*, person_ids: Iterable[int] = (), organisation_ids: Iterable[int] = ()) -> None:
    people = sorted(set(person_ids))
    organisations = sorted(set(organisation_ids))
    if not people and not organisations:
        return

    def enqueue() -> None:
        from directory.tasks import refresh_cards

        refresh_cards.enqueue(person_ids=people, organisation_ids=organisations)

    transaction.on_commit(enqueue)
