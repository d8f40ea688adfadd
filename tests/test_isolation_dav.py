"""The DAV counterpart of test_isolation.py: nobody outside space A learns anything about any of
its calendars (CalDAV) or its address book (CardDAV), whatever the path, method or depth.

Every SpaceCalendar row of space A is walked, so a calendar added to a space is covered too.
"""

from __future__ import annotations

import base64
import http.client
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from calendars.dav.paths import ADDRESS_BOOKS_ROOT, address_book_link_name, link_name
from calendars.models import SpaceCalendar
from calendars.provisioning import sync_links
from calendars.services.address_books import replace_space_address_book
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import create_space_calendar, sync_user_links
from extranet.models import Membership
from tests.calendars.conftest import dav_server  # noqa: F401 - the live Radicale fixture
from tests.conftest import make_user

pytestmark = pytest.mark.slow

SECRET = "Huis clos du bureau"
REPORT_ALL_EVENTS = b"""<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"/></c:comp-filter></c:filter>
</c:calendar-query>"""
REPORT_MULTIGET = """<?xml version="1.0" encoding="utf-8"?>
<c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><d:getetag/><c:calendar-data/></d:prop><d:href>{href}</d:href>
</c:calendar-multiget>"""
REPORT_SYNC = b"""<?xml version="1.0" encoding="utf-8"?>
<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level>
<d:prop><d:getetag/></d:prop></d:sync-collection>"""
REPORT_ALL_CARDS = b"""<?xml version="1.0" encoding="utf-8"?>
<cr:addressbook-query xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
<d:prop><d:getetag/><cr:address-data/></d:prop></cr:addressbook-query>"""
REPORT_CARD_MULTIGET = """<?xml version="1.0" encoding="utf-8"?>
<cr:addressbook-multiget xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
<d:prop><d:getetag/><cr:address-data/></d:prop><d:href>{href}</d:href>
</cr:addressbook-multiget>"""
MKCOL_ADDRESS_BOOK = b"""<?xml version="1.0" encoding="utf-8"?>
<d:mkcol xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav"><d:set><d:prop>
<d:resourcetype><d:collection/><cr:addressbook/></d:resourcetype></d:prop></d:set></d:mkcol>"""
PROPFIND_ALL = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:allprop/></d:propfind>"""


def event_ics(uid: str, summary: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T090000Z\r\n"
        "DTSTART:20261203T180000Z\r\nDTEND:20261203T200000Z\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def vcard(uid: str, name: str) -> bytes:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\n"
        "TEL;TYPE=WORK:+33 5 55 12 34 56\r\nEND:VCARD\r\n"
    ).encode()


class Dav:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port

    def __call__(
        self,
        method: str,
        path: str,
        auth: tuple[str, str],
        body: bytes = b"",
        depth: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        all_headers = {"Content-Length": str(len(body)), "Authorization": f"Basic {token}"}
        if depth is not None:
            all_headers["Depth"] = depth
        if body:
            all_headers["Content-Type"] = (
                "text/vcard"
                if body.startswith(b"BEGIN:VCARD")
                else "text/calendar"
                if body.startswith(b"BEGIN:")
                else "application/xml"
            )
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def hrefs(body: bytes) -> set[str]:
    root = etree.fromstring(body)  # noqa: S320 - our own test server's answer
    return {unquote(h.text or "") for h in root.iter("{DAV:}href")}


def leaks(body: bytes, calendar: SpaceCalendar) -> bool:
    markers = [SECRET, calendar.name, calendar.space.name, f"uid-{calendar.slug}"]
    text = body.decode("utf-8", errors="replace")
    return any(marker in text for marker in markers)


def book_leaks(body: bytes, space: object) -> bool:
    text = body.decode("utf-8", errors="replace")
    return any(marker in text for marker in (SECRET, space.name, "uid-annuaire", "55 12 34 56"))


def _auth(user: object) -> tuple[str, str]:
    _app_password, secret = create_app_password(user=user, name="Intrus")
    sync_user_links(user)
    return (user.email, secret)


@pytest.fixture
def intruder(request, other_space, outsider, staff):
    if request.param == "admin_of_other_space":
        return outsider
    if request.param == "staff_without_membership":
        return staff
    return make_user("personne@nulle-part.test", "Paul Personne")


@pytest.mark.parametrize(
    "intruder",
    ["admin_of_other_space", "no_membership", "staff_without_membership"],
    indirect=True,
)
def test_no_one_outside_the_space_reaches_its_calendars_over_dav(
    dav_server,  # noqa: F811 - first, so that spaces are provisioned into its storage
    space,
    space_admin,
    intruder,
):
    dav = Dav(dav_server)
    create_space_calendar(
        space=space,
        name="Bureau restreint",
        color="#aa0000",
        membership=Membership.objects.get(user=space_admin, space=space),
    )
    calendars = list(SpaceCalendar.objects.filter(space=space).select_related("space"))
    assert len(calendars) >= 2
    owner = _auth(space_admin)
    auth = _auth(intruder)

    # the owner's view, to compare with afterwards
    seeded = {}
    for calendar in calendars:
        link = f"/dav/{space_admin.email}/{link_name(space.slug, calendar.slug)}/"
        status, _ = dav(
            "PUT", link + "secret.ics", owner, event_ics(f"uid-{calendar.slug}", SECRET)
        )
        assert status == 201
        seeded[calendar.slug] = dav("GET", link + "secret.ics", owner)

    for calendar in calendars:
        name = link_name(space.slug, calendar.slug)
        collections = [
            f"/dav/{space_admin.email}/{name}/",  # the link in the owner's home
            f"/dav/spaces/{space.slug}/{calendar.slug}/",  # where it is stored
            f"/dav/{intruder.email}/{name}/",  # the same link name in the intruder's own home
        ]
        for collection in collections:
            item = collection + "secret.ics"
            attempts = [
                ("PROPFIND", collection, PROPFIND_ALL, "0"),
                ("PROPFIND", collection, PROPFIND_ALL, "1"),
                ("PROPFIND", item, PROPFIND_ALL, "0"),
                ("REPORT", collection, REPORT_ALL_EVENTS, "1"),
                ("REPORT", collection, REPORT_MULTIGET.format(href=item).encode(), "1"),
                ("REPORT", collection, REPORT_SYNC, "1"),
                ("GET", item, b"", None),
                ("GET", collection, b"", None),
                ("PUT", item, event_ics(f"uid-{calendar.slug}", "Écrasé"), None),
                ("PUT", collection + "nouveau.ics", event_ics("intrus", "Intrus"), None),
                ("DELETE", item, b"", None),
                ("DELETE", collection, b"", None),
            ]
            for method, path, body, depth in attempts:
                status, payload = dav(method, path, auth, body, depth)
                assert status in (403, 404), f"{method} {path} → {status}"
                assert not leaks(payload, calendar), f"{method} {path} leaked"

        # the space calendar is exactly as the owner left it
        link = f"/dav/{space_admin.email}/{name}/"
        assert dav("GET", link + "secret.ics", owner) == seeded[calendar.slug]
        status, listing = dav("PROPFIND", link, owner, PROPFIND_ALL, "1")
        assert status == 207
        assert {h for h in hrefs(listing) if h.endswith(".ics")} == {link + "secret.ics"}

    # the space's address book, stored once and linked into members' homes, walked the same way
    replace_space_address_book(space, {"secret": vcard("uid-annuaire", SECRET).decode()})
    book = address_book_link_name(space.slug)
    owner_card = f"/dav/{space_admin.email}/{book}/secret.vcf"
    seeded_card = dav("GET", owner_card, owner)
    assert seeded_card[0] == 200
    sync_links(intruder.email, [], address_books=[space.slug])  # a planted link grants nothing
    for collection in (
        f"/dav/{space_admin.email}/{book}/",  # the link in the owner's home
        f"/dav/{ADDRESS_BOOKS_ROOT}/{space.slug}/",  # where it is stored
        f"/dav/{intruder.email}/{book}/",  # the same link name in the intruder's own home
    ):
        item = collection + "secret.vcf"
        attempts = [
            ("PROPFIND", collection, PROPFIND_ALL, "0"),
            ("PROPFIND", collection, PROPFIND_ALL, "1"),
            ("PROPFIND", item, PROPFIND_ALL, "0"),
            ("REPORT", collection, REPORT_ALL_CARDS, "1"),
            ("REPORT", collection, REPORT_CARD_MULTIGET.format(href=item).encode(), "1"),
            ("REPORT", collection, REPORT_SYNC, "1"),
            ("GET", item, b"", None),
            ("GET", collection, b"", None),
            ("PUT", item, vcard("uid-annuaire", "Écrasé"), None),
            ("PUT", collection + "nouveau.vcf", vcard("intrus", "Intrus"), None),
            ("DELETE", item, b"", None),
            ("DELETE", collection, b"", None),
            ("MKCOL", collection, MKCOL_ADDRESS_BOOK, None),
        ]
        for method, path, body, depth in attempts:
            status, payload = dav(method, path, auth, body, depth)
            assert status in (403, 404), f"{method} {path} → {status}"
            assert not book_leaks(payload, space), f"{method} {path} leaked"
    assert dav("GET", owner_card, owner) == seeded_card

    # their own home, and the root, never list any of it
    for path, depth in ((f"/dav/{intruder.email}/", "1"), ("/dav/", "1"), ("/dav/", "0")):
        status, payload = dav("PROPFIND", path, auth, PROPFIND_ALL, depth)
        assert status == 207, f"PROPFIND {path} → {status}"
        assert not any(leaks(payload, calendar) for calendar in calendars), path
        assert not book_leaks(payload, space), path
        assert not any(space.slug in href or space_admin.email in href for href in hrefs(payload))
