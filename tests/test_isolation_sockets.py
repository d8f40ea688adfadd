"""Isolation on WebSockets: a member of space B cannot follow anything of space A live.

Apps declare their socket subscriptions on their tenant resources (``TenantSubscription`` in
``extranet.tenancy``); this test walks them. For each one, a member of another space asks to
follow an object of space A and is refused; a member of A asks the same on the same path and is
accepted (so the refusal is not a broken route); then something happens to the object, the
member hears of it, and the outsider hears nothing.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from extranet.tenancy import tenant_resources
from tests.support.aio import run_coroutine
from tests.support.sockets import (  # noqa: F401  (live_layer is a fixture)
    ask,
    close_all,
    connected,
    live_layer,
    quiet,
    session_for,
)

pytestmark = pytest.mark.usefixtures("live_layer")


def _cases():
    for resource in tenant_resources():
        for index, subscription in enumerate(resource.subscriptions):
            yield pytest.param(resource, subscription, id=f"{resource.model._meta.label}:{index}")


CASES = list(_cases())


def test_some_app_registers_socket_subscriptions():
    assert CASES, "no socket subscription registered: the walker below tests nothing"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("resource", "subscription"), CASES)
def test_member_of_another_space_cannot_follow_live(
    resource, subscription, space, space_admin, other_space, outsider
):
    sample = resource.sample(space, space_admin)
    message = subscription.message(sample)
    outsider_key, member_key = session_for(outsider), session_for(space_admin)

    async def scenario():
        intruder = await connected(outsider_key, subscription.path)
        member = await connected(member_key, subscription.path)
        try:
            refused = await ask(intruder, message)
            accepted = await ask(member, message)
            await database_sync_to_async(subscription.stir)(sample, space_admin)
            heard = await member.receive_json_from(timeout=5)
            return refused, accepted, heard, await quiet(intruder, timeout=0.5)
        finally:
            await close_all(intruder, member)

    refused, accepted, heard, intruder_quiet = run_coroutine(scenario())
    assert "error" in refused, refused
    assert "error" not in accepted, accepted
    assert heard, "the member heard nothing: the scenario proves nothing"
    assert intruder_quiet, "the outsider heard of another space's object"
