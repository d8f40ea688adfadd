"""Live forums in two browsers: one member posts, the other sees it without reloading.

pytest-django's ``live_server`` speaks WSGI only, so these tests run Daphne — the server of
production — on the real ASGI application, in a thread of the test process. Sharing the process
means sharing the test database (SQLite in memory or PostgreSQL, whatever the session uses) and
the channel layer's configuration (in-memory, or Redis when REDIS_URL is set).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from extranet.roles import Role
from extranet.services.memberships import add_member
from forums.services.categories import create_category
from forums.services.posting import create_topic, post_reply
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, assert_accessible
from tests.browser.test_journey import _log_in
from tests.conftest import make_user
from tests.forums.conftest import membership_of
from tests.support.sockets import live_layer  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.usefixtures("live_layer")]

HOST = "127.0.0.1"


@pytest.fixture(scope="session")
def asgi_server(chromium_executable: str) -> Iterator[str]:
    """Daphne serving ``extranet.asgi.application`` (and static files) on a free port.

    Twisted's reactor cannot be restarted in a process, hence one server for the session (and
    none at all when the browser tests are skipped).
    """
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server  # installs Twisted's asyncio reactor first
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from twisted.internet import reactor

    from extranet.asgi import application

    server = Server(
        application=ASGIStaticFilesHandler(application),
        endpoints=build_endpoint_description_strings(host=HOST, port=0),
        signal_handlers=False,
        verbosity=0,
    )
    thread = threading.Thread(target=server.run, name="daphne", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.listening_addresses:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("Daphne did not start", pytrace=False)
        time.sleep(0.05)
    yield f"http://{HOST}:{server.listening_addresses[0][1]}"
    reactor.callFromThread(reactor.stop)
    thread.join(timeout=10)


@pytest.fixture
def colleague(space):
    user = make_user("paul@elus.test", "Paul Collègue")
    add_member(space=space, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def second_page(browser) -> Iterator[object]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def _topic(space, author, replies: int = 0):
    admin = make_user("admin@elus.test", "Claire Admin")
    add_member(space=space, user=admin, role=Role.ADMIN)
    category = create_category(membership=membership_of(admin, space), name="Conseils")
    topic = create_topic(
        membership=membership_of(author, space),
        category=category,
        title="Budget de l'école",
        body="Qui a le tableau des effectifs ?",
    )
    for n in range(replies):
        post_reply(membership=membership_of(author, space), topic=topic, body=f"Réponse {n + 1}.")
    return topic


def _open_live(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#forums-live[data-live-state=subscribed]", state="attached")
    # Survives only as long as the document: proves nothing was reloaded.
    page.evaluate("() => { window.sameDocument = true; }")


def _reply(page, base: str, topic, body: str) -> None:
    page.goto(f"{base}/s/elus/forums/topics/{topic.pk}/")
    page.fill("#reply-body", body)
    with page.expect_navigation():
        page.get_by_role("button", name="Publier la réponse").click()


def test_new_reply_appears_for_the_other_member_without_reload(
    transactional_db, asgi_server, page, second_page, space, member, colleague
):
    topic = _topic(space, member)
    _log_in(page, asgi_server, member.email)
    _log_in(second_page, asgi_server, colleague.email)
    topic_url = f"{asgi_server}/s/elus/forums/topics/{topic.pk}/"
    _open_live(second_page, topic_url)

    _reply(page, asgi_server, topic, "Le tableau est **en pièce jointe**.")

    arrived = second_page.locator("#message-2")
    arrived.wait_for()
    assert "Le tableau est en pièce jointe." in arrived.inner_text()
    assert arrived.locator("strong").inner_text() == "en pièce jointe"  # rendered by the server
    assert second_page.evaluate("() => window.sameDocument") is True
    expect(second_page.locator("#forums-live-status")).to_contain_text(
        "Nouveau message affiché : Message n° 2"
    )
    assert_accessible(second_page)


def test_reader_scrolled_up_gets_a_notice_then_the_posts(
    transactional_db, asgi_server, page, second_page, space, member, colleague
):
    topic = _topic(space, member, replies=12)
    _log_in(page, asgi_server, member.email)
    _log_in(second_page, asgi_server, colleague.email)
    _open_live(second_page, f"{asgi_server}/s/elus/forums/topics/{topic.pk}/")
    second_page.evaluate("() => window.scrollTo(0, 0)")

    _reply(page, asgi_server, topic, "Une nouvelle réponse, en bas du sujet.")

    notice = second_page.get_by_role("button", name="1 nouveau message — afficher")
    notice.wait_for()
    assert second_page.locator("#message-14").count() == 0
    assert_accessible(second_page)
    notice.click()
    arrived = second_page.locator("#message-14")
    arrived.wait_for()
    assert second_page.evaluate("() => document.activeElement.id") == "message-14"
    assert second_page.evaluate("() => window.sameDocument") is True
    assert not second_page.locator(".live-notice").is_visible()


def test_unread_badge_of_the_forum_index_follows_new_posts(
    transactional_db, asgi_server, page, second_page, space, member, colleague
):
    topic = _topic(space, member)
    _log_in(page, asgi_server, member.email)
    _log_in(second_page, asgi_server, colleague.email)
    # The colleague has read the topic: no unread post on the index.
    second_page.goto(f"{asgi_server}/s/elus/forums/topics/{topic.pk}/")
    _open_live(second_page, f"{asgi_server}/s/elus/forums/")
    badge = second_page.locator(f"#forum-category-{topic.category_id} [data-live-unread]")
    expect(badge).to_have_text("—")

    _reply(page, asgi_server, topic, "Première réponse.")
    expect(badge).to_have_text("1 non lu")
    _reply(page, asgi_server, topic, "Seconde réponse.")
    expect(badge).to_have_text("2 non lus")
    assert second_page.evaluate("() => window.sameDocument") is True
    expect(second_page.locator("#forums-live-status")).to_contain_text("Conseils : 2 non lus")
    assert_accessible(second_page)


def test_pages_work_when_websockets_are_blocked(transactional_db, asgi_server, page, space, member):
    topic = _topic(space, member)
    page.route_web_socket(re.compile(r".*/ws/.*"), lambda ws: ws.close())
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _log_in(page, asgi_server, member.email)

    _reply(page, asgi_server, topic, "Sans WebSocket, la réponse part quand même.")

    assert page.locator("#message-2").count() == 1
    assert page.locator("#forums-live").get_attribute("data-live-state") != "subscribed"
    assert not page.locator(".live-notice").is_visible()
    assert errors == []
