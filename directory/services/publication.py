"""Proposing a card for the public portal: the card's wish and the portal's proposal, together.

Choosing the full card or its reduced version records the wish and submits (or refreshes) a
proposal of that content to the general administrator; choosing "not on the portal" withdraws a
proposal awaiting review. A card already public stays so until the general administrator
unpublishes it: taking something off the portal is their action.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from directory import publishing
from directory.models import Organisation, Person, PortalIntent
from directory.services.cards import set_portal_intent
from extranet.models import PublicationRequest
from extranet.portal.services import submit_publication, withdraw_publication


@transaction.atomic
def propose_card_for_portal(
    *, actor: Any, card: Person | Organisation, intent: str
) -> PublicationRequest | None:
    """Record ``intent`` and act on it: submit the chosen version (FULL or REDUCED) for review,
    or withdraw the pending proposal (NONE). Returns the proposal submitted or withdrawn, if
    any. Raises PermissionDenied for those who may not edit the card, and the portal's
    ``PublicationError`` when the proposal cannot be made (nothing is recorded then)."""
    set_portal_intent(actor=actor, card=card, intent=intent)
    kind = publishing.kind_name(card)
    key = publishing.source_key(card)
    if intent != PortalIntent.NONE:
        return submit_publication(user=actor, kind=kind, source_key=key)
    pending = PublicationRequest.objects.for_source(kind, key).pending().first()
    if pending is None:
        return None
    return withdraw_publication(user=actor, request=pending)
