"""The real ASGI entry point (``extranet.asgi.application``): Radicale mounted at /dav beside
Django, as Daphne serves it."""

from __future__ import annotations

import base64
from urllib.parse import unquote

import pytest
from asgiref.testing import ApplicationCommunicator
from lxml import etree

from calendars.dav.app import reset_application
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links
from tests.conftest import make_user
from tests.support.aio import run_coroutine

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NS = {"d": "DAV:"}
PROPFIND_PRINCIPAL = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/><d:displayname/></d:prop>
</d:propfind>"""
FORWARDED = [
    (b"x-forwarded-for", b"203.0.113.7"),
    (b"x-forwarded-proto", b"https"),
    (b"x-forwarded-host", b"maillage.example.org"),
]


def asgi(
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request through ``extranet.asgi.application``, the way Daphne would send it."""
    from extranet.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *(headers or [])]
        + ([(b"content-length", str(len(body)).encode())] if body else []),
        "client": ("127.0.0.1", 51000),
        "server": ("testserver", 80),
    }

    async def run() -> tuple[int, dict[str, str], bytes]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": body, "more_body": False})
        start = await communicator.receive_output(timeout=60)
        assert start["type"] == "http.response.start", start
        payload = b""
        while True:
            message = await communicator.receive_output(timeout=60)
            payload += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.send_input({"type": "http.disconnect"})
        await communicator.wait(timeout=5)
        response_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return start["status"], response_headers, payload

    return run_coroutine(run())


def basic(email: str, secret: str) -> tuple[bytes, bytes]:
    return (b"authorization", b"Basic " + base64.b64encode(f"{email}:{secret}".encode()))


def hrefs(body: bytes) -> list[str]:
    root = etree.fromstring(body)  # noqa: S320 - our own server's answer
    return [unquote(h.text or "") for h in root.iter("{DAV:}href")]


@pytest.fixture(autouse=True)
def _radicale_storage(settings, tmp_path):
    settings.RADICALE_STORAGE_DIR = tmp_path / "radicale"
    reset_application()
    yield
    reset_application()


@pytest.fixture
def davina():
    """A principal whose name starts with "dav": a second strip of the /dav prefix shows."""
    user = make_user("davina@elus.test", "Davina Dupont")
    sync_user_links(user)
    _app_password, secret = create_app_password(user=user, name="Téléphone")
    return user, secret


def test_dav_mount_answers_401_from_radicale():
    status, headers, _body = asgi("PROPFIND", "/dav/", [(b"depth", b"0")], PROPFIND_PRINCIPAL)
    assert status == 401
    assert headers["www-authenticate"] == 'Basic realm="Maillage"'


@pytest.mark.parametrize("service", ["caldav", "carddav"])
def test_well_known_caldav_redirects_to_the_mount(service):
    status, headers, _body = asgi("GET", f"/.well-known/{service}")
    assert status == 301
    assert headers["location"] == "/dav/"


def test_django_pages_are_still_served_beside_the_mount():
    status, headers, body = asgi("GET", "/accounts/login/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert b"<form" in body
    # a path that merely starts with the same letters is Django's, not Radicale's
    status, _headers, _body = asgi("GET", "/davantage/")
    assert status == 404


def test_authenticated_propfind_keeps_the_dav_prefix_in_hrefs(davina):
    user, secret = davina
    status, _headers, body = asgi(
        "PROPFIND", "/dav/", [(b"depth", b"0"), basic(user.email, secret)], PROPFIND_PRINCIPAL
    )
    assert status == 207
    found = hrefs(body)
    assert found == ["/dav/", "/dav/davina@elus.test/"]


@pytest.mark.parametrize("forwarded", [FORWARDED[:1], FORWARDED], ids=["for", "for-proto-host"])
def test_forwarded_headers_do_not_strip_the_prefix_twice(davina, forwarded):
    user, secret = davina
    status, _headers, _body = asgi("PROPFIND", "/dav/", [(b"depth", b"0"), *forwarded])
    assert status == 401

    status, _headers, body = asgi(
        "PROPFIND",
        "/dav/davina@elus.test/",
        [(b"depth", b"1"), basic(user.email, secret), *forwarded],
        PROPFIND_PRINCIPAL,
    )
    assert status == 207, body
    assert set(hrefs(body)) == {"/dav/davina@elus.test/", "/dav/davina@elus.test/personnel/"}
