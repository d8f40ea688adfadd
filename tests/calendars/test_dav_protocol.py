"""CalDAV at the protocol level: raw HTTP and the caldav library against a live Radicale.

Every request goes through Maillage's WSGI wrapper, auth and rights plugins (``dav_server``), so
these tests pin down what a phone or Thunderbird actually gets, status code by status code.
"""

from __future__ import annotations

import base64
import http.client
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

import caldav
import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.cache.backends import locmem
from lxml import etree

from calendars.dav import auth as dav_auth
from calendars.dav.app import asgi_application, load_storage
from calendars.dav.paths import address_book_link_name, link_name
from calendars.models import SpaceCalendar
from calendars.provisioning import remove_links, sync_links
from calendars.services.app_passwords import create_app_password, revoke_app_password
from calendars.services.space_calendars import sync_user_links
from extranet.models import AuditEvent, Membership
from extranet.roles import Role
from extranet.services.memberships import add_member, remove_member
from tests.conftest import make_user
from tests.support.aio import run_coroutine

pytestmark = pytest.mark.slow

SPACE_CALENDAR_NAME = "Agenda · Élus et agents du Pays"
SECRET_MARKERS = (b"agents du Pays", "Élus et agents".encode(), b"Conseil confidentiel")
NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav"}

PROPFIND_PRINCIPAL = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>"""
PROPFIND_HOME_SET = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><c:calendar-home-set/></d:prop></d:propfind>"""
PROPFIND_LIST = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop>
<d:resourcetype/><d:displayname/><d:getetag/><d:sync-token/>
</d:prop></d:propfind>"""
REPORT_ALL_EVENTS = b"""<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter>
</c:calendar-query>"""


def mkcalendar_body(name: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:set><d:prop><d:displayname>{name}</d:displayname></d:prop></d:set></c:mkcalendar>""".encode()


def event_ics(uid: str, summary: str, day: int = 3) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T090000Z\r\n"
        f"DTSTART:202612{day:02d}T180000Z\r\nDTEND:202612{day:02d}T200000Z\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def hrefs(self) -> dict[str, etree._Element]:
        """The multistatus responses by (unquoted, slash-terminated for collections) href."""
        root = etree.fromstring(self.body)  # noqa: S320 - our own test server's answer
        return {
            unquote(r.findtext("d:href", namespaces=NS)): r
            for r in root.findall("d:response", namespaces=NS)
        }

    def leaks(self) -> bool:
        return any(marker in self.body for marker in SECRET_MARKERS)


class Dav:
    """Raw HTTP against the test server (Content-Length always sent, as real clients do)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self.url = url

    def __call__(
        self,
        method: str,
        path: str,
        *,
        auth: tuple[str, str] | None = None,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        all_headers = {"Content-Length": str(len(body))}
        if body.startswith(b"<?xml"):
            all_headers["Content-Type"] = "application/xml; charset=utf-8"
        elif body.startswith(b"BEGIN:VCALENDAR"):
            all_headers["Content-Type"] = "text/calendar; charset=utf-8"
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            all_headers["Authorization"] = f"Basic {token}"
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            connection.close()

    def propfind(
        self, path: str, auth: tuple[str, str] | None, depth: str = "1", body: bytes = b""
    ) -> Reply:
        return self(
            "PROPFIND", path, auth=auth, body=body or PROPFIND_LIST, headers={"Depth": depth}
        )


def home(user: object) -> str:
    return f"/dav/{user.email}/"


def space_link(user: object, space_slug: str = "elus", calendar_slug: str = "agenda") -> str:
    return f"/dav/{user.email}/{link_name(space_slug, calendar_slug)}/"


def credentials(user: object, name: str = "Téléphone") -> tuple[str, str]:
    _app_password, secret = create_app_password(user=user, name=name)
    sync_user_links(user)
    return (user.email, secret)


def membership(user: object, space: object) -> Membership:
    return Membership.objects.get(user=user, space=space)


def items(reply: Reply, collection: str) -> dict[str, str]:
    """href → ETag of the items listed in a Depth 1 PROPFIND of ``collection``."""
    return {
        href: response.findtext(".//d:getetag", namespaces=NS)
        for href, response in reply.hrefs().items()
        if href.rstrip("/") != collection.rstrip("/")
    }


def sync_token(dav: Dav, collection: str, auth: tuple[str, str]) -> str:
    reply = dav.propfind(collection, auth, depth="0")
    assert reply.status == 207
    (response,) = reply.hrefs().values()
    token = response.findtext(".//d:sync-token", namespaces=NS)
    assert token
    return token


@pytest.fixture
def dav(dav_server) -> Dav:
    return Dav(dav_server)


# --- Authentication ---------------------------------------------------------------------------


def test_unauthenticated_propfind_is_a_fast_401_with_the_maillage_realm(dav, space, member):
    started = time.monotonic()
    reply = dav("PROPFIND", "/dav/", body=PROPFIND_PRINCIPAL, headers={"Depth": "0"})
    elapsed = time.monotonic() - started
    assert reply.status == 401
    assert reply.headers["www-authenticate"] == 'Basic realm="Maillage"'
    assert elapsed < 0.5, f"the anonymous probe every client sends took {elapsed:.2f} s"
    # the same for someone's home: nothing is public
    assert dav.propfind(home(member), auth=None).status == 401


def test_revoked_app_password_is_refused_at_the_next_request(dav, space, member):
    app_password, secret = create_app_password(user=member, name="Ancien téléphone")
    auth = (member.email, secret)
    assert dav.propfind(home(member), auth, depth="0").status == 207
    revoke_app_password(user=member, app_password=app_password)
    assert dav.propfind(home(member), auth, depth="0").status == 401


def test_ten_wrong_passwords_lock_the_login_for_five_minutes(
    dav, space, member, monkeypatch, settings
):
    # The window is checked by moving the clock of the local-memory cache (CI also runs with
    # Redis, whose expiry cannot be time-travelled): use it for this test.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    auth = credentials(member)
    for _ in range(dav_auth.MAX_FAILURES):
        assert dav.propfind(home(member), (member.email, "pas-le-bon"), depth="0").status == 401
    # the right app password no longer opens the door
    assert dav.propfind(home(member), auth, depth="0").status == 401
    lockouts = AuditEvent.objects.filter(action="calendars.dav_login_failed")
    assert lockouts.exists()
    assert lockouts.filter(details__throttled=True, target_label=member.email).exists()
    # another login from the same address is not locked by this one
    other = make_user("autre@elus.test", "Anne Autre")
    add_member(space=space, user=other, role=Role.MEMBER)
    assert dav.propfind(home(other), credentials(other), depth="0").status == 207

    real_time = time.time

    class Later:
        def __init__(self, seconds: float) -> None:
            self.seconds = seconds

        def time(self) -> float:
            return real_time() + self.seconds

    monkeypatch.setattr(locmem, "time", Later(dav_auth.FAILURE_WINDOW_S - 20))
    assert dav.propfind(home(member), auth, depth="0").status == 401
    monkeypatch.setattr(locmem, "time", Later(dav_auth.FAILURE_WINDOW_S + 1))
    assert dav.propfind(home(member), auth, depth="0").status == 207


# --- Discovery ----------------------------------------------------------------------------------


def test_discovery_from_the_server_root_finds_personal_and_space_calendars(dav, space, member):
    auth = credentials(member)
    assert dav("PROPFIND", "/dav/", body=PROPFIND_PRINCIPAL, headers={"Depth": "0"}).status == 401

    root = dav.propfind("/dav/", auth, depth="0", body=PROPFIND_PRINCIPAL)
    assert root.status == 207
    (response,) = root.hrefs().values()
    principal = unquote(
        response.findtext(".//d:current-user-principal/d:href", namespaces=NS) or ""
    )
    assert principal == home(member)

    found = dav.propfind(principal, auth, depth="0", body=PROPFIND_HOME_SET)
    assert found.status == 207
    (response,) = found.hrefs().values()
    calendar_home = unquote(response.findtext(".//c:calendar-home-set/d:href", namespaces=NS))
    assert calendar_home == home(member)

    listing = dav.propfind(calendar_home, auth, depth="1")
    assert listing.status == 207
    calendars = {
        href: response.findtext(".//d:displayname", namespaces=NS)
        for href, response in listing.hrefs().items()
        if response.find(".//d:resourcetype/c:calendar", namespaces=NS) is not None
    }
    assert calendars == {
        f"{calendar_home}personnel/": "Personnel",
        space_link(member): SPACE_CALENDAR_NAME,
    }
    # every href keeps the /dav prefix (the mount), none points into the storage tree
    assert all(href.startswith("/dav/") for href in listing.hrefs())
    assert not any("/spaces/" in href for href in listing.hrefs())


def test_caldav_client_given_only_the_server_url_lists_both_calendars(dav_server, space, member):
    email, secret = credentials(member)
    client = caldav.DAVClient(url=dav_server, username=email, password=secret)
    names = {c.get_display_name() for c in client.principal().calendars()}
    assert names == {"Personnel", SPACE_CALENDAR_NAME}


# --- Writing into the space calendar ----------------------------------------------------------


def test_reader_put_is_403_and_member_put_is_201(dav, space, member, reader):
    member_auth, reader_auth = credentials(member), credentials(reader)
    collection = space_link(member)
    assert (
        dav("PUT", space_link(reader) + "intrus.ics", auth=reader_auth, body=event_ics("i", "X"))
    ).status == 403
    reply = dav("PUT", collection + "conseil.ics", auth=member_auth, body=event_ics("c", "Conseil"))
    assert reply.status == 201
    assert reply.headers.get("etag")
    # the reader reads what the member wrote, through their own link
    listed = dav.propfind(space_link(reader), reader_auth)
    assert listed.status == 207
    assert list(items(listed, space_link(reader))) == [space_link(reader) + "conseil.ics"]
    got = dav("GET", space_link(reader) + "conseil.ics", auth=reader_auth)
    assert got.status == 200
    assert b"SUMMARY:Conseil" in got.body


def test_malformed_icalendar_is_rejected_and_the_collection_unchanged(dav, space, member):
    auth = credentials(member)
    collection = space_link(member)
    assert dav("PUT", collection + "ok.ics", auth=auth, body=event_ics("ok", "Bon")).status == 201
    before_items = items(dav.propfind(collection, auth), collection)
    before_token = sync_token(dav, collection, auth)

    for bad in (
        b"BEGIN:VCALENDAR\r\nceci n'est pas de l'iCalendar\r\n",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Sans UID ni fin\r\n",
        b"\x00\xff\xfe binary",
    ):
        reply = dav("PUT", collection + "casse.ics", auth=auth, body=bad)
        assert reply.status in (400, 415), reply.status

    assert items(dav.propfind(collection, auth), collection) == before_items
    assert sync_token(dav, collection, auth) == before_token


def test_stale_etag_is_412_and_the_stored_event_unchanged(dav, space, member, editor):
    member_auth, editor_auth = credentials(member), credentials(editor)
    href_member = space_link(member) + "reunion.ics"
    href_editor = space_link(editor) + "reunion.ics"
    first = dav("PUT", href_member, auth=member_auth, body=event_ics("reunion", "Version 1"))
    assert first.status == 201
    stale = first.headers["etag"]

    # the editor updates it through their own link, with the right ETag
    second = dav(
        "PUT",
        href_editor,
        auth=editor_auth,
        body=event_ics("reunion", "Version 2"),
        headers={"If-Match": stale},
    )
    assert second.status in (201, 204)
    assert second.headers["etag"] != stale

    # the member, still holding the old ETag, is told so
    conflict = dav(
        "PUT",
        href_member,
        auth=member_auth,
        body=event_ics("reunion", "Version 1 bis"),
        headers={"If-Match": stale},
    )
    assert conflict.status == 412
    stored = dav("GET", href_member, auth=member_auth)
    assert b"SUMMARY:Version 2" in stored.body
    assert stored.headers["etag"] == second.headers["etag"]


def test_chunked_put_through_the_asgi_mount_is_buffered(dav_server, space, member):
    """Daphne hands a chunked body to ASGI without a length; the wrapper must buffer it."""
    email, secret = credentials(member)
    token = base64.b64encode(f"{email}:{secret}".encode()).decode()
    path = space_link(member) + "morceaux.ics"
    body = event_ics("morceaux", "Envoyé par morceaux")
    chunks = [body[i : i + 40] for i in range(0, len(body), 40)]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "/dav",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Basic {token}".encode()),
            (b"content-type", b"text/calendar; charset=utf-8"),
            (b"transfer-encoding", b"chunked"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def send() -> tuple[int, bytes]:
        communicator = ApplicationCommunicator(asgi_application, scope)
        for index, chunk in enumerate(chunks):
            await communicator.send_input(
                {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
            )
        start = await communicator.receive_output(timeout=60)
        payload = b""
        while True:
            message = await communicator.receive_output(timeout=60)
            payload += message.get("body", b"")
            if not message.get("more_body"):
                break
        return start["status"], payload

    status, _payload = run_coroutine(send())
    assert status == 201
    client = caldav.DAVClient(url=dav_server, username=email, password=secret)
    calendar = client.calendar(url=dav_server.rstrip("/") + space_link(member)[len("/dav") :])
    event = calendar.get_event_by_uid("morceaux")
    assert event.icalendar_component["summary"] == "Envoyé par morceaux"


# --- Isolation ----------------------------------------------------------------------------------


def test_outsider_learns_nothing_about_the_space_calendar(dav, space, member, outsider):
    member_auth = credentials(member)
    assert (
        dav(
            "PUT",
            space_link(member) + "secret.ics",
            auth=member_auth,
            body=event_ics("secret", "Conseil confidentiel"),
        ).status
        == 201
    )
    auth = credentials(outsider)
    for path in (
        space_link(member),  # the member's link, in the member's home
        space_link(member) + "secret.ics",
        "/dav/spaces/elus/agenda/",  # where it is stored
        "/dav/spaces/elus/",
        "/dav/spaces/",
        space_link(outsider),  # a link name in their own home for a space they are not in
        home(member),
    ):
        for depth in ("0", "1"):
            reply = dav.propfind(path, auth, depth=depth)
            assert reply.status in (403, 404), (path, reply.status)
            assert not reply.leaks(), path
        reply = dav("GET", path, auth=auth)
        assert reply.status in (403, 404), (path, reply.status)
        assert not reply.leaks(), path
    own_home = dav.propfind(home(outsider), auth)
    assert own_home.status == 207
    assert not own_home.leaks()
    assert not any("elus" in href for href in own_home.hrefs())


def test_removed_member_loses_access_at_the_next_request(dav, space, member, space_admin):
    auth = credentials(member)
    assert dav.propfind(space_link(member), auth).status == 207
    remove_member(membership=membership(space_admin, space), target=membership(member, space))
    reply = dav.propfind(space_link(member), auth)
    assert reply.status in (403, 404)
    assert not reply.leaks()
    listing = dav.propfind(home(member), auth)
    assert listing.status == 207
    assert not listing.leaks()

    # rights decide, not links: a stale link left in the home grants nothing
    sync_links(member.email, [("elus", "agenda")])
    for method, body in (("PROPFIND", PROPFIND_LIST), ("REPORT", REPORT_ALL_EVENTS)):
        reply = dav(method, space_link(member), auth=auth, body=body, headers={"Depth": "1"})
        assert reply.status in (403, 404), (method, reply.status)
        assert not reply.leaks()
    put = dav("PUT", space_link(member) + "x.ics", auth=auth, body=event_ics("x", "Après départ"))
    assert put.status in (403, 404)
    assert not dav.propfind(home(member), auth).leaks()


def test_mfa_required_space_needs_a_second_factor_even_over_dav(dav, health_space):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    nurse = make_user("infirmiere@sante.test", "Inès Infirmière")
    add_member(space=health_space, user=nurse, role=Role.MEMBER)
    auth = credentials(nurse)
    calendar_name = SpaceCalendar.objects.get(space=health_space, is_default=True).name
    link = space_link(nurse, "sante", "agenda")

    for method, body in (("PROPFIND", PROPFIND_LIST), ("REPORT", REPORT_ALL_EVENTS)):
        reply = dav(method, link, auth=auth, body=body, headers={"Depth": "1"})
        assert reply.status in (403, 404), (method, reply.status)
    assert dav("PUT", link + "rdv.ics", auth=auth, body=event_ics("rdv", "RDV")).status in (
        403,
        404,
    )
    listing = dav.propfind(home(nurse), auth)
    assert calendar_name.encode() not in listing.body
    assert link not in listing.hrefs()

    TOTP.activate(nurse, generate_totp_secret())
    assert dav.propfind(link, auth).status == 207
    assert dav("PUT", link + "rdv.ics", auth=auth, body=event_ics("rdv", "RDV")).status == 201
    assert link in dav.propfind(home(nurse), auth).hrefs()


def test_archived_space_calendar_is_readable_not_writable(dav, space, member):
    auth = credentials(member)
    collection = space_link(member)
    assert (
        dav("PUT", collection + "avant.ics", auth=auth, body=event_ics("a", "Avant")).status == 201
    )
    space.is_archived = True
    space.save(update_fields=["is_archived"])

    assert dav.propfind(collection, auth).status == 207
    assert dav("GET", collection + "avant.ics", auth=auth).status == 200
    assert (
        dav("PUT", collection + "apres.ics", auth=auth, body=event_ics("b", "Après")).status == 403
    )
    assert (
        dav("PUT", collection + "avant.ics", auth=auth, body=event_ics("a", "Modifié")).status
        == 403
    )
    assert dav("DELETE", collection + "avant.ics", auth=auth).status == 403
    assert b"SUMMARY:Avant" in dav("GET", collection + "avant.ics", auth=auth).body


# --- Collections --------------------------------------------------------------------------------


def test_space_calendar_link_cannot_be_deleted_or_replaced_even_by_an_admin(
    dav, space, space_admin, member
):
    auth = credentials(space_admin)
    collection = space_link(space_admin)
    assert (
        dav("PUT", collection + "garde.ics", auth=auth, body=event_ics("g", "Garde")).status == 201
    )

    assert dav("DELETE", collection, auth=auth).status == 403
    # nor replaced wholesale by a PUT of a calendar on the collection (an "overwrite")
    replaced = dav("PUT", collection, auth=auth, body=event_ics("r", "Remplacement"))
    assert replaced.status == 403
    # nor renamed (properties are the space's)
    proppatch = """<?xml version="1.0" encoding="utf-8"?>
<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Renommé</d:displayname>
</d:prop></d:set></d:propertyupdate>""".encode()
    assert dav("PROPPATCH", collection, auth=auth, body=proppatch).status == 403

    member_auth = credentials(member)
    listed = dav.propfind(space_link(member), member_auth)
    assert listed.status == 207
    assert list(items(listed, space_link(member))) == [space_link(member) + "garde.ics"]
    (response,) = dav.propfind(space_link(member), member_auth, depth="0").hrefs().values()
    assert response.findtext(".//d:displayname", namespaces=NS) == SPACE_CALENDAR_NAME


def test_personal_calendars_are_created_and_deleted_only_in_ones_own_home(
    dav, space, member, reader
):
    auth = credentials(member)
    credentials(reader)
    mine = home(member) + "projets/"
    assert dav("MKCALENDAR", mine, auth=auth, body=mkcalendar_body("Projets")).status == 201
    assert mine in dav.propfind(home(member), auth).hrefs()
    assert dav("PUT", mine + "p.ics", auth=auth, body=event_ics("p", "Projet")).status == 201
    assert dav("DELETE", mine, auth=auth).status in (200, 204)
    assert mine not in dav.propfind(home(member), auth).hrefs()

    # not in someone else's home
    theirs = home(reader) + "squat/"
    assert dav("MKCALENDAR", theirs, auth=auth, body=mkcalendar_body("Squat")).status == 403
    # not under a name that looks like a space link
    for name in (
        "espace-faux",
        "espace-elus--faux",
        "espace-tourisme--agenda",
        "annuaire-tourisme",
    ):
        reply = dav("MKCALENDAR", home(member) + name + "/", auth=auth, body=mkcalendar_body(name))
        assert reply.status == 403, (name, reply.status)
    # nor inside the space calendar or the storage tree
    for path in (space_link(member) + "dedans/", "/dav/spaces/elus/nouveau/"):
        reply = dav("MKCALENDAR", path, auth=auth, body=mkcalendar_body("x"))
        assert reply.status in (403, 404, 405, 409), (path, reply.status)
    assert dav.propfind(home(reader), credentials(reader)).hrefs().keys() == {
        home(reader),
        home(reader) + "personnel/",
        space_link(reader),
        home(reader) + address_book_link_name("elus") + "/",
    }


def test_caldav_event_round_trip_by_uid(dav_server, space, member):
    """The caldav library's own helpers (used by the web agenda) against the same server."""
    email, secret = credentials(member)
    client = caldav.DAVClient(url=dav_server, username=email, password=secret)
    calendar = {c.get_display_name(): c for c in client.principal().calendars()}[
        SPACE_CALENDAR_NAME
    ]
    start = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    calendar.add_event(
        dtstart=start, dtend=start + timedelta(hours=1), summary="Bureau", uid="bureau-1"
    )
    event = calendar.get_event_by_uid("bureau-1")
    assert event.icalendar_component["summary"] == "Bureau"


def test_a_collection_squatting_a_link_name_does_not_break_link_sync(
    dav, settings, space, member, space_admin
):
    """A calendar made under a link's name before the link exists (a new space calendar, say)
    must not make every later sync of that member's links crash."""
    auth = credentials(member)
    storage = load_storage()
    with storage.acquire_lock("w"):  # as if the link had not been made yet
        remove_links(storage, member.email, prefixes=[link_name("elus", "agenda")])
    dav("MKCALENDAR", space_link(member), auth=auth, body=mkcalendar_body("Squat"))
    sync_user_links(member)  # no FileExistsError
    remove_member(membership=membership(space_admin, space), target=membership(member, space))
    reply = dav.propfind(space_link(member), auth)
    assert reply.status in (403, 404)
