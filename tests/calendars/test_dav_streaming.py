"""Streamed ETag listings (calendars/dav/streaming.py): for the same collection and request, the
streamed multistatus says exactly what Radicale's own answer says, in memory that does not grow
with the collection, and every other request is still Radicale's.

Each request goes through ``dav_wsgi`` (Maillage's auth and rights plugins) in this thread;
Radicale's own answer is obtained by turning the streaming off (``DAV_STREAMING = False``).
"""

from __future__ import annotations

import base64
import gzip
import io
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
import radicale.item
from lxml import etree

from calendars.dav import app as dav_app
from calendars.dav.app import dav_wsgi, load_storage, reset_application
from calendars.dav.paths import address_book_link_name, link_name, space_collection
from calendars.models import DavCollection, DavItem, SpaceCalendar
from calendars.provisioning import ensure_home, ensure_space_calendar
from calendars.services.address_books import ensure_space_address_book, replace_space_address_book
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links
from extranet.models import Membership
from extranet.services.memberships import remove_member

NS = {"d": "DAV:"}
ODD_HREFS = ["réunion du 3 mars.ics", "100% sûr.ics", "a b+c&d'e.ics", "plain.ics"]
PROPFIND_ETAGS = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>"""
# What calendar clients ask besides ETags (Thunderbird, DAVx5, caldav, vdirsyncer), plus a
# property of nobody's namespace: answered 200 or 404 property by property.
PROPFIND_MANY = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"
 xmlns:cs="http://calendarserver.org/ns/" xmlns:i="http://apple.com/ns/ical/" xmlns:x="urn:x">
<d:prop><d:resourcetype/><d:getcontenttype/><d:getetag/><d:getlastmodified/><d:displayname/>
<d:sync-token/><cs:getctag/><i:calendar-color/><d:current-user-privilege-set/><d:owner/>
<d:supported-report-set/><c:supported-calendar-component-set/><d:current-user-principal/>
<x:unknown/></d:prop></d:propfind>"""
PROPFIND_LENGTHS = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:getcontentlength/></d:prop></d:propfind>"""


def sync_body(token: str = "", props: str = "<d:getetag/>") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:" '
        f'xmlns:c="urn:ietf:params:xml:ns:caldav"><d:sync-token>{token}</d:sync-token>'
        f"<d:sync-level>1</d:sync-level><d:prop>{props}</d:prop></d:sync-collection>"
    ).encode()


def event(uid: str, day: int = 3) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T090000Z\r\n"
        f"DTSTART:202612{day:02d}T180000Z\r\nDTEND:202612{day:02d}T200000Z\r\n"
        f"SUMMARY:Réunion {uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def vcard(uid: str, name: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nEND:VCARD\r\n"


@dataclass
class Answer:
    status: str
    headers: dict[str, str]
    body: bytes

    @property
    def streamed(self) -> bool:
        return "Content-Length" not in self.headers

    def meaning(self) -> tuple[str, frozenset[Any]]:
        """(sync token, {(href, response status, {(propstat status, property, value)})})."""
        root = etree.fromstring(self.body)  # noqa: S320 - our own server's answer
        responses = set()
        for response in root.findall("d:response", NS):
            props = set()
            for propstat in response.findall("d:propstat", NS):
                status = propstat.findtext("d:status", namespaces=NS)
                for prop in propstat.find("d:prop", NS):
                    value = (prop.text or "") + "".join(
                        etree.tostring(child, method="c14n", exclusive=True).decode()
                        for child in prop
                    )
                    props.add((status, prop.tag, value))
            responses.add(
                (
                    response.findtext("d:href", namespaces=NS),
                    response.findtext("d:status", namespaces=NS),
                    frozenset(props),
                )
            )
        assert len(responses) == len(root.findall("d:response", NS))  # no href twice
        return root.findtext("d:sync-token", default="", namespaces=NS), frozenset(responses)


def assert_same(answer: Answer, reference: Answer) -> None:
    """Same sync token, same responses (what only one of them says is shown on failure)."""
    token, responses = answer.meaning()
    reference_token, reference_responses = reference.meaning()
    assert token == reference_token
    only_here, only_there = responses - reference_responses, reference_responses - responses
    assert (sorted(only_here), sorted(only_there)) == ([], [])


def dav(method: str, path: str, auth: tuple[str, str], body: bytes = b"", **headers: str) -> Answer:
    """A request through Maillage's Radicale in this thread, its answer read to the end."""
    status, header_list, chunks = send(method, path, auth, body, **headers)
    return Answer(status, dict(header_list), b"".join(chunks))


def send(
    method: str, path: str, auth: tuple[str, str], body: bytes = b"", **headers: str
) -> tuple[str, list[tuple[str, str]], Any]:
    """(status, headers, body chunks) of a request, the chunks left for the caller to read."""
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "/dav",
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/xml; charset=utf-8",
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    started: list[tuple[str, list[tuple[str, str]]]] = []
    chunks = dav_wsgi(environ, lambda status, hdrs, *exc: started.append((status, hdrs)))
    return started[0][0], started[0][1], chunks


@pytest.fixture
def radicale_answer(settings) -> Iterator[Any]:
    """Radicale's own answer to the same request (streaming off for that request only)."""

    def ask(*args: Any, **kwargs: Any) -> Answer:
        settings.DAV_STREAMING = False
        reset_application()
        try:
            return dav(*args, **kwargs)
        finally:
            settings.DAV_STREAMING = True
            reset_application()

    settings.DAV_STREAMING = True
    reset_application()
    yield ask
    reset_application()


def put(path: str, href: str, text: str) -> None:
    storage = load_storage()
    with storage.acquire_lock("w"):
        item = radicale.item.Item(collection_path=path, text=text)
        item.prepare()
        (collection,) = list(storage.discover(f"/{path}/"))
        collection.upload(href, item)


def delete(path: str, href: str) -> None:
    storage = load_storage()
    with storage.acquire_lock("w"):
        (collection,) = list(storage.discover(f"/{path}/"))
        collection.delete(href)


@pytest.fixture
def homes(transactional_db, settings, space, member) -> dict[str, Any]:
    """The member's credentials and the paths of a space calendar link (holding items with odd
    hrefs), an empty personal calendar and an address-book link, in the member's home."""
    # transactional_db: dav_wsgi closes connections around each request, as in production.
    settings.RADICALE_STORAGE = "database"
    agenda = SpaceCalendar.objects.get(space=space, is_default=True)
    ensure_space_calendar(space.slug, agenda.slug, agenda.name, agenda.color)  # done on commit
    ensure_space_address_book(space)
    replace_space_address_book(
        space,
        {"person-1": vcard("person-1", "Marie Membre"), "person-2": vcard("e2", "Éric Éditeur")},
    )
    sync_user_links(member)
    ensure_home(member.email)
    target = space_collection(space.slug, agenda.slug)
    for number, href in enumerate(ODD_HREFS):
        put(target, href, event(f"odd-{number}", day=3 + number))
    _password, secret = create_app_password(user=member, name="Téléphone")
    home = f"/{member.email}"
    return {
        "auth": (member.email, secret),
        "target": target,
        "link": f"{home}/{link_name(space.slug, agenda.slug)}/",
        "personal": f"{home}/personnel/",
        "book": f"{home}/{address_book_link_name(space.slug)}/",
    }


@pytest.mark.parametrize("collection", ["link", "personal", "book"])
@pytest.mark.parametrize("body", [PROPFIND_ETAGS, PROPFIND_MANY], ids=["etags", "many"])
def test_a_depth_1_propfind_streams_what_radicale_answers(homes, radicale_answer, collection, body):
    path, auth = homes[collection], homes["auth"]
    streamed = dav("PROPFIND", path, auth, body, depth="1")
    reference = radicale_answer("PROPFIND", path, auth, body, depth="1")
    assert streamed.status == reference.status == "207 Multi-Status"
    assert streamed.streamed and not reference.streamed
    assert_same(streamed, reference)
    assert streamed.headers["Content-Type"] == reference.headers["Content-Type"]
    hrefs = {href for href, _status, _props in streamed.meaning()[1]}
    expected = {"link": len(ODD_HREFS), "personal": 0, "book": 2}[collection]
    assert len(hrefs) == expected + 1  # the collection and each item
    if collection == "link":
        assert "/dav" + quote(path) + "100%25%20s%C3%BBr.ics" in hrefs


def test_a_reader_gets_radicales_read_only_privileges_streamed(homes, radicale_answer, reader):
    _password, secret = create_app_password(user=reader, name="Tablette")
    sync_user_links(reader)
    path = homes["link"].replace(homes["auth"][0], reader.email)
    auth = (reader.email, secret)
    streamed = dav("PROPFIND", path, auth, PROPFIND_MANY, depth="1")
    reference = radicale_answer("PROPFIND", path, auth, PROPFIND_MANY, depth="1")
    assert streamed.streamed and streamed.status == "207 Multi-Status"
    assert_same(streamed, reference)
    assert b"write-content" not in streamed.body and b"getetag>" in streamed.body


def test_a_gzipped_stream_says_the_same(homes, radicale_answer):
    path, auth = homes["link"], homes["auth"]
    streamed = dav("PROPFIND", path, auth, PROPFIND_MANY, depth="1", accept_encoding="gzip")
    reference = radicale_answer("PROPFIND", path, auth, PROPFIND_MANY, depth="1")
    assert streamed.headers["Content-Encoding"] == "gzip"
    unzipped = Answer(streamed.status, streamed.headers, gzip.decompress(streamed.body))
    assert_same(unzipped, reference)


@pytest.mark.parametrize(
    ("body", "depth"),
    [(PROPFIND_LENGTHS, "1"), (PROPFIND_ETAGS, "0"), (b"", "1")],
    ids=["content-length", "depth-0", "allprop"],
)
def test_requests_needing_item_texts_are_radicales(homes, radicale_answer, body, depth):
    path, auth = homes["link"], homes["auth"]
    answer = dav("PROPFIND", path, auth, body, depth=depth)
    reference = radicale_answer("PROPFIND", path, auth, body, depth=depth)
    assert not answer.streamed
    assert_same(answer, reference)


def test_who_may_not_read_gets_what_radicale_answers(
    homes, radicale_answer, space, member, outsider
):
    _password, secret = create_app_password(user=outsider, name="Portable")
    outsider_auth = (outsider.email, secret)
    for path in (homes["link"], homes["book"], homes["personal"]):
        answer = dav("PROPFIND", path, outsider_auth, PROPFIND_ETAGS, depth="1")
        reference = radicale_answer("PROPFIND", path, outsider_auth, PROPFIND_ETAGS, depth="1")
        assert answer.status == reference.status
        assert answer.status[:3] in ("403", "404")
        assert b"getetag" not in answer.body and b".ics" not in answer.body
    leaving = Membership.objects.get(space=space, user=member)
    remove_member(membership=leaving, target=leaving)
    path, auth = homes["link"], homes["auth"]
    answer = dav("PROPFIND", path, auth, PROPFIND_ETAGS, depth="1")
    reference = radicale_answer("PROPFIND", path, auth, PROPFIND_ETAGS, depth="1")
    assert answer.status == reference.status and answer.status[:3] in ("403", "404")
    assert b".ics" not in answer.body


@pytest.mark.parametrize("collection", ["link", "book"])
def test_a_sync_collection_streams_what_radicale_answers_deletions_included(
    homes, radicale_answer, space, collection
):
    path, auth = homes[collection], homes["auth"]
    props = "<d:getetag/><d:getcontenttype/><d:displayname/>"
    first = dav("REPORT", path, auth, sync_body(props=props))
    assert first.streamed
    assert_same(first, radicale_answer("REPORT", path, auth, sync_body(props=props)))
    token = first.meaning()[0]
    assert token
    if collection == "link":
        put(homes["target"], "plain.ics", event("odd-3", day=20))  # changed
        put(homes["target"], "nouveau né.ics", event("new"))  # added
        delete(homes["target"], "100% sûr.ics")  # deleted
    else:
        replace_space_address_book(space, {"person-1": vcard("person-1", "Marie M.")})
    later = dav("REPORT", path, auth, sync_body(token, props))
    reference = radicale_answer("REPORT", path, auth, sync_body(token, props))
    assert later.streamed
    assert_same(later, reference)
    new_token, responses = later.meaning()
    assert new_token != token
    gone = {href for href, status, _props in responses if status == "HTTP/1.1 404 Not Found"}
    assert len(gone) == 1 and len(responses) == (3 if collection == "link" else 2)


def test_a_sync_with_an_unknown_token_is_radicales_valid_sync_token_error(homes, radicale_answer):
    path, auth = homes["link"], homes["auth"]
    body = sync_body("http://radicale.org/ns/sync/maillage-999-1")
    answer = dav("REPORT", path, auth, body)
    reference = radicale_answer("REPORT", path, auth, body)
    assert answer.status == reference.status == "403 Forbidden"
    assert answer.body == reference.body and b"valid-sync-token" in answer.body


def test_a_sync_asking_calendar_data_is_radicales(homes, radicale_answer):
    path, auth = homes["link"], homes["auth"]
    body = sync_body(props="<d:getetag/><c:calendar-data/>")
    answer = dav("REPORT", path, auth, body)
    assert not answer.streamed
    assert_same(answer, radicale_answer("REPORT", path, auth, body))


# --- memory ----------------------------------------------------------------------------------


def _fill(path: str, count: int) -> None:
    """``count`` stored events (rows as the storage writes them in bulk)."""
    collection = DavCollection.objects.get(path=path)
    DavItem.objects.filter(collection=collection).delete()
    rows = []
    for n in range(count):
        text = event(f"bulk-{n}", day=1 + n % 28)
        rows.append(
            DavItem(
                collection=collection,
                href=f"bulk-{n}.ics",
                uid=f"bulk-{n}",
                component="VEVENT",
                name="VCALENDAR",
                text=text,
                etag=radicale.item.get_etag(text),
                start=1796000000 + n,
                end=1796003600 + n,
                is_long=False,
            )
        )
    DavItem.objects.bulk_create(rows, batch_size=1000)


def _peak(path: str, auth: tuple[str, str]) -> tuple[int, int]:
    """(peak bytes allocated while answering, the answer read as a client reads it, a chunk at a
    time; responses in it)."""
    responses = 0
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        status, _headers, chunks = send("PROPFIND", path, auth, PROPFIND_ETAGS, depth="1")
        for chunk in chunks:
            responses += chunk.count(b"<response>")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == "207 Multi-Status"
    return peak, responses


@pytest.mark.slow
def test_memory_of_a_streamed_etag_listing_does_not_grow_with_the_calendar(
    homes, radicale_answer, settings, monkeypatch
):
    # One request at a time here: the answer may be streamed even from the test suite's
    # in-memory SQLite database (which otherwise reads it within the request).
    monkeypatch.setattr(dav_app, "_reads_block_writers", lambda: False)
    path, auth = homes["personal"], homes["auth"]
    stored = path.strip("/")
    peaks = {}
    for count in (2_000, 20_000):
        _fill(stored, count)
        peak, responses = _peak(path, auth)
        assert responses == count + 1
        settings.DAV_STREAMING = False
        reset_application()
        old_peak, _ = _peak(path, auth)
        settings.DAV_STREAMING = True
        reset_application()
        peaks[count] = (peak, old_peak)
    (small, old_small), (large, old_large) = peaks[2_000], peaks[20_000]
    figures = f"streamed {small:,} / {large:,} B, Radicale {old_small:,} / {old_large:,} B"
    assert large / small < 3, figures
    assert old_large / old_small > 5, figures  # Radicale's own answer holds every item
    assert large * 10 < old_large, figures
