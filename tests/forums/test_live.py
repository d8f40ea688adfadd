"""Live forums: the socket at /ws/forums/ (real ASGI application, configured channel layer —
in-memory by default, Redis when REDIS_URL is set), and the fragments a page fetches on an event.

Socket tests drive coroutines through ``run_coroutine`` and do their database work through
``database_sync_to_async``, so services publish on the loop the consumers listen on.
"""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.sessions.models import Session

from extranet.roles import Role
from extranet.services.memberships import add_member, remove_member
from forums import live
from forums.models import ReadState
from forums.services.moderation import hide_post, hide_topic
from tests.conftest import make_user
from tests.forums.conftest import membership_of, open_topic, reply, url
from tests.support.aio import run_coroutine
from tests.support.sockets import (  # noqa: F401  (live_layer is a fixture)
    ask,
    close_all,
    connected,
    live_layer,
    quiet,
    session_for,
    socket,
)

pytestmark = pytest.mark.usefixtures("live_layer")
sockets = pytest.mark.django_db(transaction=True)

in_thread = database_sync_to_async


def topic_of(topic):
    return {"subscribe": "topic", "id": topic.pk}


SPACE = {"subscribe": "space", "slug": "elus"}


# --- hearing of new posts ---------------------------------------------------------------------


@sockets
def test_reader_of_a_topic_hears_a_reply_posted_by_another_member(
    client, space, member, reader, topic
):
    client.force_login(reader)
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    path = re.search(r'data-socket="([^"]+)"', page).group(1)
    key = session_for(reader)

    async def scenario():
        ws = await connected(key, path)
        try:
            answers = [await ask(ws, topic_of(topic)), await ask(ws, SPACE)]
            post = await in_thread(reply)(member, space, topic, "Voici le tableau.")
            events = [await ws.receive_json_from(timeout=5), await ws.receive_json_from(timeout=5)]
            return answers, post, events, await quiet(ws)
        finally:
            await close_all(ws)

    answers, post, events, then_quiet = run_coroutine(scenario())

    assert answers == [
        {"subscribed": "topic", "id": topic.pk},
        {"subscribed": "space", "slug": "elus"},
    ]
    by_scope = {event["scope"]: event for event in events}
    assert by_scope["topic"] == {
        "scope": "topic",
        "kind": "post.created",
        "topic": topic.pk,
        "post": post.pk,
        "number": 2,
    }
    assert by_scope["space"] == {
        "scope": "space",
        "kind": "post.created",
        "category": topic.category_id,
        "topic": topic.pk,
    }
    # Ids only: the text of the post never travels on the socket.
    assert "Voici" not in repr(events)
    assert then_quiet


@sockets
def test_a_rolled_back_post_is_never_announced(space, member, reader, topic):
    key = session_for(reader)

    def failed_reply():
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            reply(member, space, topic, "Brouillon")
            raise RuntimeError("rollback")

    async def scenario():
        ws = await connected(key)
        try:
            await ask(ws, topic_of(topic))
            await in_thread(failed_reply)()
            return await quiet(ws, timeout=0.5)
        finally:
            await close_all(ws)

    assert run_coroutine(scenario())


@sockets
def test_hiding_a_post_tells_its_readers_to_fetch_it_again(space, editor, member, reader, topic):
    post = reply(member, space, topic)
    key = session_for(reader)

    async def scenario():
        ws = await connected(key)
        try:
            await ask(ws, topic_of(topic))
            await ask(ws, SPACE)
            moderating = await in_thread(membership_of)(editor, space)
            await in_thread(hide_post)(membership=moderating, post=post, reason="Hors sujet")
            event = await ws.receive_json_from(timeout=5)
            return event, await quiet(ws)
        finally:
            await close_all(ws)

    event, then_quiet = run_coroutine(scenario())
    assert event == {
        "scope": "topic",
        "kind": "post.changed",
        "topic": topic.pk,
        "post": post.pk,
        "number": post.number,
    }
    assert then_quiet, "an edit or a hidden post does not change unread counts: no space event"


@sockets
@pytest.mark.slow
def test_a_socket_idle_longer_than_the_layer_wait_still_hears(space, member, reader, topic):
    """channels_redis waits for messages 5 s at a time: a reader who hears nothing for longer
    must still be subscribed (redis-py's default read timeout once closed such sockets)."""
    if "redis" not in get_channel_layer().__class__.__module__:
        pytest.skip("the Redis layer only (REDIS_URL)")
    key = session_for(reader)

    async def scenario():
        ws = await connected(key)
        try:
            await ask(ws, topic_of(topic))
            await asyncio.sleep(6)
            await in_thread(reply)(member, space, topic)
            return await ws.receive_json_from(timeout=5)
        finally:
            await close_all(ws)

    assert run_coroutine(scenario())["kind"] == "post.created"


# --- who may subscribe ------------------------------------------------------------------------


@sockets
def test_outsider_is_refused_and_hears_nothing(space, member, outsider, topic):
    intruder_key, member_key = session_for(outsider), session_for(member)

    async def scenario():
        intruder, witness = await connected(intruder_key), await connected(member_key)
        try:
            refusals = [
                await ask(intruder, topic_of(topic)),
                await ask(intruder, SPACE),
                await ask(intruder, {"subscribe": "topic", "id": topic.pk + 1000}),
                await ask(intruder, {"subscribe": "space", "slug": "nulle-part"}),
            ]
            await ask(witness, topic_of(topic))
            await in_thread(reply)(member, space, topic)
            heard = await witness.receive_json_from(timeout=5)
            return refusals, heard, await quiet(intruder)
        finally:
            await close_all(intruder, witness)

    refusals, heard, intruder_quiet = run_coroutine(scenario())
    # The same answer for another space's topic and a topic that does not exist.
    assert refusals == [
        {"error": "refused", "subscribe": "topic", "id": topic.pk},
        {"error": "refused", "subscribe": "space", "slug": "elus"},
        {"error": "refused", "subscribe": "topic", "id": topic.pk + 1000},
        {"error": "refused", "subscribe": "space", "slug": "nulle-part"},
    ]
    assert heard["kind"] == "post.created"
    assert intruder_quiet


@sockets
def test_member_removed_after_connecting_is_refused_at_next_subscribe(
    space, space_admin, member, topic
):
    key = session_for(member)

    async def scenario():
        ws = await connected(key)
        try:
            before = await ask(ws, SPACE)
            admin = await in_thread(membership_of)(space_admin, space)
            target = await in_thread(membership_of)(member, space)
            await in_thread(remove_member)(membership=admin, target=target)
            return before, await ask(ws, topic_of(topic)), await ask(ws, SPACE)
        finally:
            await close_all(ws)

    before, topic_answer, space_answer = run_coroutine(scenario())
    assert before == {"subscribed": "space", "slug": "elus"}
    assert topic_answer == {"error": "refused", "subscribe": "topic", "id": topic.pk}
    assert space_answer == {"error": "refused", "subscribe": "space", "slug": "elus"}


@sockets
def test_member_of_an_mfa_space_needs_a_second_factor_on_the_socket_too(health_space):
    nurse = make_user("infirmiere@sante.test", "Inès Infirmière")
    add_member(space=health_space, user=nurse, role=Role.MEMBER)
    key = session_for(nurse)
    wanted = {"subscribe": "space", "slug": "sante"}

    async def scenario():
        ws = await connected(key)
        try:
            without = await ask(ws, wanted)
            await in_thread(TOTP.activate)(nurse, generate_totp_secret())
            # Same socket: nothing was cached at connect or at the first refusal.
            return without, await ask(ws, wanted)
        finally:
            await close_all(ws)

    without, with_totp = run_coroutine(scenario())
    assert without == {"error": "refused", "subscribe": "space", "slug": "sante"}
    assert with_totp == {"subscribed": "space", "slug": "sante"}


@sockets
def test_anonymous_socket_is_closed(space, topic):
    async def scenario():
        ws = socket(None)
        try:
            return await ws.connect(timeout=5)
        finally:
            await close_all(ws)

    accepted, _code = run_coroutine(scenario())
    assert not accepted


@sockets
def test_socket_from_another_site_is_closed(member):
    key = session_for(member)

    async def scenario():
        ws = socket(key, origin=b"https://evil.example")
        try:
            return await ws.connect(timeout=5)
        finally:
            await close_all(ws)

    accepted, _code = run_coroutine(scenario())
    assert not accepted


@sockets
def test_logged_out_session_is_refused_at_next_subscribe(space, member, topic):
    key = session_for(member)

    async def scenario():
        ws = await connected(key)
        try:
            before = await ask(ws, SPACE)
            await in_thread(Session.objects.filter(session_key=key).delete)()
            return before, await ask(ws, topic_of(topic))
        finally:
            await close_all(ws)

    before, after = run_coroutine(scenario())
    assert before == {"subscribed": "space", "slug": "elus"}
    assert after == {"error": "refused", "subscribe": "topic", "id": topic.pk}


@sockets
def test_hidden_topic_is_for_moderators_and_hiding_it_drops_its_readers(
    space, editor, member, reader, topic
):
    reader_key, editor_key = session_for(reader), session_for(editor)

    async def scenario():
        watcher, moderator = await connected(reader_key), await connected(editor_key)
        try:
            await ask(watcher, topic_of(topic))
            await ask(moderator, topic_of(topic))
            editing = await in_thread(membership_of)(editor, space)
            await in_thread(hide_topic)(membership=editing, topic=topic, reason="Doublon")
            dropped = await watcher.receive_json_from(timeout=5)
            moderator_heard = await moderator.receive_json_from(timeout=5)
            # Moderators still reply in a hidden topic; the dropped reader hears nothing of it.
            await in_thread(reply)(editor, space, topic, "Note de modération.")
            moderator_reply = await moderator.receive_json_from(timeout=5)
            return (
                dropped,
                moderator_heard,
                moderator_reply,
                await quiet(watcher),
                await ask(watcher, topic_of(topic)),
                await ask(moderator, topic_of(topic)),
            )
        finally:
            await close_all(watcher, moderator)

    dropped, heard, moderator_reply, watcher_quiet, again, moderator_again = run_coroutine(
        scenario()
    )
    assert dropped == {"unsubscribed": "topic", "id": topic.pk}
    assert heard == {"scope": "topic", "kind": "topic.changed", "topic": topic.pk}
    assert moderator_reply["kind"] == "post.created"
    assert watcher_quiet
    assert again == {"error": "refused", "subscribe": "topic", "id": topic.pk}
    assert moderator_again == {"subscribed": "topic", "id": topic.pk}


@sockets
def test_malformed_requests_are_answered_and_a_flood_is_closed(member, topic):
    key = session_for(member)

    async def scenario():
        ws = await connected(key)
        try:
            answers = []
            for frame in (
                "pas du JSON",
                '{"subscribe": "topic", "id": "1"}',
                '{"subscribe": "topic", "id": true}',
                '{"subscribe": "topic", "id": 99999999999999999999999}',
                '{"subscribe": "space", "slug": ""}',
                '{"subscribe": "everything"}',
                "[1, 2]",
            ):
                await ws.send_to(text_data=frame)
                answers.append(await ws.receive_json_from(timeout=5))
            await ws.send_to(bytes_data=b"\x00\x01")  # ignored
            answers.append(await ask(ws, topic_of(topic)))
            for _ in range(60):
                await ws.send_json_to(topic_of(topic))
            while True:
                output = await ws.receive_output(timeout=5)
                if output["type"] == "websocket.close":
                    return answers, output.get("code")
        finally:
            await close_all(ws)

    answers, close_code = run_coroutine(scenario())
    assert answers[:7] == [{"error": "invalid"}] * 7
    assert answers[7] == {"subscribed": "topic", "id": topic.pk}
    assert close_code == 4429


# --- publishing -------------------------------------------------------------------------------


def test_edits_reach_the_topic_only_and_new_posts_the_space_too():
    created = live.ForumEvent(live.EventKind.POST_CREATED, 1, 2, 3, post_id=4, post_number=5)
    changed = live.ForumEvent(live.EventKind.POST_CHANGED, 1, 2, 3, post_id=4, post_number=5)
    moved = live.ForumEvent(live.EventKind.TOPIC_CHANGED, 1, 2, 3)

    def groups(event):
        return [group for group, _ in live.messages_for(event)]

    assert groups(created) == ["forums.topic.3", "forums.space.1"]
    assert groups(changed) == ["forums.topic.3"]
    assert groups(moved) == ["forums.topic.3", "forums.space.1"]


@pytest.mark.django_db
def test_a_broken_channel_layer_never_breaks_a_reply(
    monkeypatch, caplog, space, member, topic, run_on_commit
):
    class Down:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(live, "get_channel_layer", lambda: Down())
    with caplog.at_level(logging.WARNING, logger="forums.live"), run_on_commit():
        post = reply(member, space, topic, "Toujours publié.")
    assert post.pk and post.body == "Toujours publié."
    assert "not published" in caplog.text


# --- fragments the page fetches ---------------------------------------------------------------


@pytest.mark.django_db
def test_topic_fragment_renders_the_new_posts_and_moves_reading_on_request(
    client, space, member, reader, topic, django_assert_max_num_queries
):
    second = reply(member, space, topic, "Deuxième message.")
    third = reply(member, space, topic, "Troisième message.")
    client.force_login(reader)
    ReadState.objects.create(user=reader, topic=topic, last_read_number=1)

    peek = client.get(url("topic_fragment", pk=topic.pk), {"after": "1"})
    assert peek.status_code == 200
    html = peek.content.decode()
    assert 'id="message-2"' in html and 'id="message-3"' in html and 'id="message-1"' not in html
    assert "Nouveau" in html  # still unread for this reader
    assert peek["Cache-Control"].startswith("max-age=0")
    assert ReadState.objects.get(user=reader, topic=topic).last_read_number == 1

    with django_assert_max_num_queries(12):
        shown = client.get(url("topic_fragment", pk=topic.pk), {"after": "2", "read": "1"})
    assert 'id="message-3"' in shown.content.decode()
    assert 'id="message-2"' not in shown.content.decode()
    assert ReadState.objects.get(user=reader, topic=topic).last_read_number == third.number
    assert second.number == 2

    junk = client.get(url("topic_fragment", pk=topic.pk), {"after": "9" * 40})
    assert junk.status_code == 200 and 'id="message-1"' in junk.content.decode()


@pytest.mark.django_db
def test_post_fragment_is_rendered_for_the_person_asking(
    client, space, editor, member, topic, run_on_commit
):
    post = reply(member, space, topic, "Propos déplacés.")
    hide_post(membership=membership_of(editor, space), post=post, reason="Hors charte")

    client.force_login(member)
    as_member = client.get(url("post_fragment", pk=post.pk)).content.decode()
    assert "Hors charte" in as_member and "Propos déplacés" not in as_member

    client.force_login(editor)
    as_moderator = client.get(url("post_fragment", pk=post.pk)).content.decode()
    assert "Hors charte" in as_moderator and "Propos déplacés" in as_moderator


@pytest.mark.django_db
def test_fragments_of_a_hidden_topic_are_for_moderators(client, space, editor, member, topic):
    hide_topic(membership=membership_of(editor, space), topic=topic, reason="Doublon")
    first = topic.posts.get(number=1)
    client.force_login(member)
    assert client.get(url("topic_fragment", pk=topic.pk)).status_code == 404
    assert client.get(url("post_fragment", pk=first.pk)).status_code == 404
    # The topic page itself still shows the reason, with no live updates.
    page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert "Doublon" in page and "forums-live" not in page

    client.force_login(editor)
    assert client.get(url("topic_fragment", pk=topic.pk)).status_code == 200
    assert client.get(url("post_fragment", pk=first.pk)).status_code == 200


@pytest.mark.django_db
def test_pages_carry_the_live_hooks_and_script(client, space, member, category, topic):
    client.force_login(member)
    topic_page = client.get(url("topic", pk=topic.pk)).content.decode()
    assert f'data-topic="{topic.pk}"' in topic_page
    assert 'data-last-page="1"' in topic_page
    assert url("topic_fragment", pk=topic.pk) in topic_page
    assert "forums/js/live.js" in topic_page
    assert 'role="status"' in topic_page

    index = client.get(url("index")).content.decode()
    assert 'data-space="elus"' in index and f'id="forum-category-{category.pk}"' in index

    listing = client.get(url("category", pk=category.pk)).content.decode()
    assert f'data-category="{category.pk}"' in listing and f'id="forum-topic-{topic.pk}"' in listing


@pytest.mark.django_db
def test_second_page_of_a_long_topic_is_not_the_last(client, space, member, category):
    long_topic = open_topic(member, space, category, title="Long")
    for n in range(31):
        reply(member, space, long_topic, f"Message {n}")
    client.force_login(member)
    first_page = client.get(url("topic", pk=long_topic.pk)).content.decode()
    assert 'data-last-page="0"' in first_page
    last_page = client.get(url("topic", pk=long_topic.pk), {"page": 2}).content.decode()
    assert 'data-last-page="1"' in last_page


@sockets
def test_account_of_no_space_is_closed_at_the_handshake(db):
    loner = make_user("seul@nulle-part.test", "Sam Seul")
    key = session_for(loner)

    async def scenario():
        ws = socket(key)
        try:
            return await ws.connect(timeout=5)
        finally:
            await close_all(ws)

    accepted, _code = run_coroutine(scenario())
    assert not accepted


@sockets
def test_layer_refusing_a_subscription_closes_the_socket_for_a_later_retry(
    monkeypatch, space, member
):
    async def saturated(group, channel):
        raise ConnectionError("Too many connections")

    monkeypatch.setattr(get_channel_layer(), "group_add", saturated)
    key = session_for(member)

    async def scenario():
        ws = await connected(key)
        try:
            await ws.send_json_to(SPACE)
            return await ws.receive_output(timeout=5)
        finally:
            await close_all(ws)

    closing = run_coroutine(scenario())
    assert (closing["type"], closing["code"]) == ("websocket.close", 1013)
