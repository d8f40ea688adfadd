"""Radicale's storage in the database: what it keeps, sync from the change log, time-range
prefiltering, links, and concurrent writers (through the live server, SQLite and PostgreSQL)."""

from __future__ import annotations

import base64
import http.client
import io
import threading
import time
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import radicale.item
from django.db import connection, transaction
from radicale import storage as radicale_storage
from radicale import xmlutils
from radicale.app.report import test_filter as radicale_test_filter

from calendars.dav.app import dav_wsgi, load_storage
from calendars.dav.paths import link_name, space_collection
from calendars.models import DavChange, DavCollection, DavItem, SpaceCalendar
from calendars.provisioning import calendar_props, ensure_space_calendar
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links

CAL = "alice@test.example/cal"


def ics(uid: str, start: str, end: str, extra: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T090000Z\r\n"
        f"DTSTART:{start}\r\nDTEND:{end}\r\n{extra}SUMMARY:Évènement {uid}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def day_event(uid: str, day_of_year: int) -> str:
    month, day = 1 + (day_of_year // 28) % 12, 1 + day_of_year % 28
    return ics(uid, f"2027{month:02d}{day:02d}T090000Z", f"2027{month:02d}{day:02d}T100000Z")


def collection(path: str = CAL) -> Any:
    (found,) = list(load_storage().discover(f"/{path}/"))
    return found


def put(path: str, href: str, text: str) -> Any:
    storage = load_storage()
    with storage.acquire_lock("w"):
        item = radicale.item.Item(collection_path=path, text=text)
        item.prepare()
        return collection(path).upload(href, item)


@pytest.fixture
def calendar(db, settings) -> str:
    settings.RADICALE_STORAGE = "database"
    storage = load_storage()
    with storage.acquire_lock("w"):
        storage.create_collection(f"/{CAL}/", props=calendar_props("Agenda", "#123456"))
    return CAL


def test_items_are_kept_byte_for_byte_with_etag_and_time_bounds(calendar):
    text = ics("a-1", "20270310T090000Z", "20270310T100000Z")
    uploaded, replaced = put(calendar, "a-1.ics", text)
    assert replaced is None
    row = DavItem.objects.get(href="a-1.ics")
    assert row.text == text == uploaded.serialize()
    assert row.etag == radicale.item.get_etag(text) == uploaded.etag
    assert (row.uid, row.component, row.is_long) == ("a-1", "VEVENT", False)
    assert row.end - row.start == 3600
    weekly = ics("w-1", "20270101T090000Z", "20270101T100000Z", "RRULE:FREQ=WEEKLY\r\n")
    put(calendar, "w-1.ics", weekly)
    series = DavItem.objects.get(href="w-1.ics")
    assert series.is_long and series.end is None  # endless series: unbounded


def test_collection_properties_and_etag_follow_changes(calendar):
    found = collection()
    assert found.get_meta("D:displayname") == "Agenda" and found.tag == "VCALENDAR"
    before = found.etag
    put(calendar, "a.ics", day_event("a", 3))
    assert collection().etag != before


def test_sync_reports_what_changed_since_a_token_deletions_included(
    calendar, django_assert_max_num_queries
):
    for n in range(30):
        put(calendar, f"e{n}.ics", day_event(f"e{n}", n))
    token, hrefs = collection().sync()
    assert len(list(hrefs)) == 30
    put(calendar, "e3.ics", day_event("e3", 40))
    put(calendar, "new.ics", day_event("new", 41))
    storage = load_storage()
    with storage.acquire_lock("w"):
        collection().delete("e7.ics")
    found = collection()
    with django_assert_max_num_queries(1):  # the change log, not the 30 items
        new_token, changed = found.sync(token)
    assert sorted(changed) == ["e3.ics", "e7.ics", "new.ics"]
    assert found.sync(new_token) == (new_token, ())
    assert DavChange.objects.get(href="e7.ics").deleted


def test_listings_read_item_texts_only_when_asked_a_page_at_a_time(
    calendar, django_assert_num_queries
):
    texts = {f"e{n}.ics": day_event(f"e{n}", n) for n in range(40)}
    for href, text in texts.items():
        put(calendar, href, text)
    found = collection()
    with django_assert_num_queries(1):  # ETags, UIDs, dates: from the columns, no text
        listed = list(found.get_all())
        etags = {item.href: item.etag for item in listed}
        assert {item.uid for item in listed} == {f"e{n}" for n in range(40)}
        assert all(item.last_modified.endswith("GMT") for item in listed)
    assert etags == {href: radicale.item.get_etag(text) for href, text in texts.items()}
    with django_assert_num_queries(2):  # a multiget: the rows, then the page's texts at once
        fetched = dict(found.get_multi(sorted(texts)))
        assert {href: item.serialize() for href, item in fetched.items()} == texts
    assert fetched["e3.ics"].vobject_item.vevent.summary.value == "Évènement e3"


@pytest.mark.parametrize(
    "token",
    [
        "http://radicale.org/ns/sync/nonsense",
        "http://radicale.org/ns/sync/maillage-999999-1",  # another collection's
        "http://radicale.org/ns/sync/maillage-{pk}-99",  # from the future
        "urn:other:maillage-{pk}-0",
    ],
)
def test_a_token_this_collection_did_not_issue_is_refused(calendar, token):
    pk = DavCollection.objects.get(path=CAL).pk
    with pytest.raises(ValueError):
        collection().sync(token.format(pk=pk))


def test_a_pruned_token_is_refused(calendar):
    put(calendar, "a.ics", day_event("a", 1))
    token, _ = collection().sync()
    put(calendar, "b.ics", day_event("b", 2))
    DavCollection.objects.filter(path=CAL).update(sync_floor=2)
    with pytest.raises(ValueError):
        collection().sync(token)


def _month_filter(start: str, end: str) -> list[ET.Element]:
    return [
        ET.fromstring(  # noqa: S314 - our own literal
            '<C:filter xmlns:C="urn:ietf:params:xml:ns:caldav">'
            '<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            f'<C:time-range start="{start}" end="{end}"/>'
            "</C:comp-filter></C:comp-filter></C:filter>"
        )
    ]


def test_a_time_range_query_reads_only_candidates_and_matches_radicale(calendar):
    for n in range(300):
        put(calendar, f"d{n}.ics", day_event(f"d{n}", n))
    put(
        calendar,
        "weekly.ics",
        ics("weekly", "20260105T080000Z", "20260105T090000Z", "RRULE:FREQ=WEEKLY\r\n"),
    )
    put(calendar, "long.ics", ics("long", "20270301T000000Z", "20270501T000000Z"))
    put(calendar, "old.ics", ics("old", "20200301T000000Z", "20200302T000000Z"))
    filters = _month_filter("20270401T000000Z", "20270501T000000Z")
    found = collection()

    def exact(pairs: Any) -> set[str]:
        return {
            item.href
            for item, matched in pairs
            if matched or all(radicale_test_filter("VCALENDAR", item, f) for f in filters)
        }

    candidates = list(found.get_filtered(filters))
    reference = radicale_storage.BaseCollection.get_filtered(found, filters)
    assert exact(candidates) == exact(reference)
    assert {"weekly.ics", "long.ics"} <= exact(candidates)
    assert "old.ics" not in exact(candidates)
    # April's 28 one-day events plus the two long items, never the whole calendar.
    assert len(candidates) <= 28 + 2 + 7


def test_a_failed_write_leaves_nothing_behind(calendar):
    storage = load_storage()
    with pytest.raises(RuntimeError), storage.acquire_lock("w"):
        item = radicale.item.Item(collection_path=CAL, text=day_event("x", 1))
        collection().upload("x.ics", item)
        raise RuntimeError("the request failed after the upload")
    assert not DavItem.objects.filter(href="x.ics").exists()
    assert DavCollection.objects.get(path=CAL).revision == 0


def test_each_replacement_in_one_write_returns_the_version_it_replaced(calendar):
    put(calendar, "r.ics", day_event("r", 1))
    versions = [day_event("r", n) for n in (2, 3, 4)]
    storage = load_storage()
    with storage.acquire_lock("w"):
        # As Radicale's PUT does: the item first (If-Match), then its collection, then upload.
        (read,) = list(storage.discover(f"/{calendar}/r.ics"))
        assert read.serialize() == day_event("r", 1)
        found = collection()
        replaced = [found.upload("r.ics", _item(calendar, v))[1] for v in versions[:2]]
        found.delete("r.ics")
        _new, after_delete = found.upload("r.ics", _item(calendar, versions[2]))
    assert [r.serialize() for r in replaced] == [day_event("r", 1), versions[0]]
    assert after_delete is None
    assert DavItem.objects.get(href="r.ics").text == versions[2]
    assert collection().sync()[0].endswith("-5")  # one revision per write, none lost


def _item(path: str, text: str) -> radicale.item.Item:
    item = radicale.item.Item(collection_path=path, text=text)
    item.prepare()
    return item


def _dav_put(path: str, auth: tuple[str, str], body: bytes) -> str:
    """A PUT through Maillage's Radicale in this thread (so its queries can be counted)."""
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    environ = {
        "REQUEST_METHOD": "PUT",
        "SCRIPT_NAME": "/dav",
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "text/calendar; charset=utf-8",
        "HTTP_AUTHORIZATION": f"Basic {token}",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
    }
    statuses: list[str] = []
    dav_wsgi(environ, lambda status, headers, *exc: statuses.append(status))
    return statuses[0]


def test_a_member_puts_an_event_into_the_space_calendar_in_a_few_queries(
    transactional_db, settings, space, member, django_assert_max_num_queries
):
    # transactional_db: dav_wsgi closes a connection left inside a transaction, as it must.
    settings.RADICALE_STORAGE = "database"
    agenda = SpaceCalendar.objects.get(space=space, is_default=True)
    ensure_space_calendar(space.slug, agenda.slug, agenda.name, agenda.color)  # done on commit
    _app_password, secret = create_app_password(user=member, name="Téléphone")
    sync_user_links(member)
    path = f"/{member.email}/{link_name('elus', 'agenda')}/"
    auth = (member.email, secret)
    assert _dav_put(f"{path}first.ics", auth, day_event("first", 1).encode()).startswith("201")
    # Authentication, rights from the membership, the collection's lock, the If-Match read,
    # the UID check, the revision, the item and its change-log row: no query twice.
    with django_assert_max_num_queries(12):
        status = _dav_put(f"{path}second.ics", auth, day_event("second", 2).encode())
    assert status.startswith("201")
    target = DavCollection.objects.get(path=space_collection("elus", "agenda"))
    assert set(DavItem.objects.filter(collection=target).values_list("href", flat=True)) == {
        "first.ics",
        "second.ics",
    }
    assert set(DavChange.objects.filter(collection=target).values_list("revision", flat=True)) == {
        target.revision - 1,
        target.revision,
    }


def test_links_show_the_target_items_and_properties_in_the_home(db, settings, space, member):
    settings.RADICALE_STORAGE = "database"
    agenda = SpaceCalendar.objects.get(space=space, is_default=True)
    ensure_space_calendar(space.slug, agenda.slug, agenda.name, agenda.color)  # done on commit
    sync_user_links(member)
    target = space_collection("elus", "agenda")
    put(target, "c.ics", day_event("c", 5))
    home = list(load_storage().discover(f"/{member.email}/", depth="1"))
    by_path = {c.path: c for c in home if isinstance(c, radicale_storage.BaseCollection)}
    link = by_path[f"{member.email}/{link_name('elus', 'agenda')}"]
    assert link.get_meta("D:displayname") == "Agenda · Élus et agents du Pays"
    assert [i.href for i in link.get_all()] == ["c.ics"]
    assert link.sync()[0] == collection(target).sync()[0]
    link_row = DavCollection.objects.get(path=link.path)
    assert link_row.link_target.path == target


# --- through the live server: concurrent writers ---------------------------------------------


def _request(
    url: str, method: str, path: str, auth: tuple[str, str], body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    all_headers = {"Authorization": f"Basic {token}", "Content-Length": str(len(body))}
    if body.startswith(b"BEGIN:"):
        all_headers["Content-Type"] = "text/calendar; charset=utf-8"
    elif body:
        all_headers["Content-Type"] = "application/xml; charset=utf-8"
    all_headers.update(headers)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def _sync_report(token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
        f"<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
        "<D:prop><D:getetag/></D:prop></D:sync-collection>"
    ).encode()


def _sync(url: str, path: str, auth: tuple[str, str], token: str = "") -> tuple[str, set[str]]:
    status, _headers, body = _request(url, "REPORT", path, auth, _sync_report(token))
    assert status == 207, body
    root = ET.fromstring(body)  # noqa: S314 - our own test server's answer
    hrefs = {unquote(r.findtext(xmlutils.make_clark("D:href")) or "") for r in root}
    hrefs.discard("")
    return root.findtext(xmlutils.make_clark("D:sync-token")) or "", hrefs


@pytest.fixture
def writer(dav_server, space, member) -> tuple[str, str, tuple[str, str]]:
    """(server URL, path of the space calendar in the member's home, credentials)."""
    _app_password, secret = create_app_password(user=member, name="Téléphone")
    sync_user_links(member)
    path = f"/dav/{member.email}/{link_name('elus', 'agenda')}/"
    return dav_server, path, (member.email, secret)


def _together(calls: list[Any]) -> list[Any]:
    """Run ``calls`` in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.slow
def test_two_writers_with_the_same_etag_one_wins_the_other_gets_412(writer):
    url, path, auth = writer
    status, headers, _ = _request(
        url, "PUT", path + "bureau.ics", auth, day_event("bureau", 1).encode()
    )
    assert status == 201
    etag = headers["ETag"]
    for round_ in range(5):
        texts = [day_event("bureau", 10 * round_ + k).encode() for k in (2, 3)]
        results = _together(
            [
                lambda t=t, etag=etag: _request(
                    url, "PUT", path + "bureau.ics", auth, t, **{"If-Match": etag}
                )
                for t in texts
            ]
        )
        statuses = sorted(status for status, _h, _b in results)
        assert statuses == [204, 412], statuses
        (winner,) = [(h, t) for (s, h, _b), t in zip(results, texts, strict=True) if s == 204]
        status, headers, body = _request(url, "GET", path + "bureau.ics", auth)
        # no lost update: what is stored is the winner's (Radicale re-serializes, so compare
        # the ETag it answered and the winner's start)
        start_line = next(ln for ln in winner[1].split(b"\r\n") if ln.startswith(b"DTSTART"))
        assert headers["ETag"] == winner[0]["ETag"] and start_line in body
        etag = headers["ETag"]


@pytest.mark.slow
def test_concurrent_creators_all_land_and_sync_tokens_stay_consistent(writer):
    url, path, auth = writer
    first_token, first = _sync(url, path, auth)
    assert first == set()

    def create(worker: int) -> list[int]:
        return [
            _request(
                url,
                "PUT",
                f"{path}w{worker}-{n}.ics",
                auth,
                day_event(f"w{worker}-{n}", worker * 10 + n).encode(),
                **{"If-None-Match": "*"},
            )[0]
            for n in range(6)
        ]

    midway: list[str] = []

    def sync_midway() -> list[int]:
        time.sleep(0.05)
        midway.append(_sync(url, path, auth)[0])
        return []

    results = _together([lambda w=w: create(w) for w in range(6)] + [sync_midway])
    assert all(status == 201 for statuses in results for status in statuses)
    expected = {f"{path}w{w}-{n}.ics" for w in range(6) for n in range(6)}
    token, changed = _sync(url, path, auth, first_token)
    assert changed == expected
    assert DavItem.objects.filter(collection__path=space_collection("elus", "agenda")).count() == 36
    # from a token taken while writers were running: the rest, and nothing is ever missed
    _later, rest = _sync(url, path, auth, midway[0])
    _again, since_first = _sync(url, path, auth, first_token)
    assert rest <= expected and since_first == expected
    assert _sync(url, path, auth, token) == (token, set())


@pytest.mark.slow
def test_an_unknown_sync_token_is_403_valid_sync_token(writer):
    url, path, auth = writer
    status, _headers, body = _request(
        url, "REPORT", path, auth, _sync_report("http://radicale.org/ns/sync/maillage-1-999")
    )
    assert status == 403 and b"valid-sync-token" in body


@pytest.mark.slow
def test_on_postgresql_a_writer_waits_for_the_collection_lock(writer):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite has one writer at a time)")
    url, path, auth = writer
    holding, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        try:
            with transaction.atomic():
                DavCollection.objects.select_for_update().get(
                    path=space_collection("elus", "agenda")
                )
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert holding.wait(timeout=10)
    result: list[int] = []
    put_thread = threading.Thread(
        target=lambda: result.append(
            _request(url, "PUT", path + "l.ics", auth, day_event("l", 1).encode())[0]
        )
    )
    put_thread.start()
    put_thread.join(timeout=1.0)
    assert result == []  # blocked behind the lock: no write slips past another writer
    release.set()
    put_thread.join(timeout=30)
    holder.join(timeout=30)
    assert result == [201]
