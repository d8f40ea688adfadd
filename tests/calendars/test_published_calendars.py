"""Published calendars: read-only calendars written by Maillage for an app, stored once under
/published/ and linked into chosen people's homes; the app's callback decides who reads them.

The service runs on both Radicale storages (database and files); so do the DAV tests.
"""

from __future__ import annotations

from typing import Any

import pytest
import radicale.storage
from django.core.exceptions import PermissionDenied

from calendars import storage_reader
from calendars.dav.app import radicale_configuration
from calendars.dav.paths import published_link_name
from calendars.policy import PUBLISHED_READ, dav_rights
from calendars.services import published_calendars
from calendars.services.app_passwords import create_app_password
from calendars.services.feeds import create_feed, feed_for_secret
from calendars.services.published_calendars import (
    InvalidEvent,
    ItemsSyncResult,
    delete_published_calendar,
    replace_published_calendar,
    sync_published_links,
)
from tests.calendars.test_dav_protocol import NS, REPORT_ALL_EVENTS, Dav

STORAGES = ["database", "file"]
NAME = "Essais · calendrier publié"
SECRET_MARKERS = (b"Atelier confidentiel", NAME.encode(), b"uid-atelier")


def event(uid: str, summary: str, day: int = 3) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T090000Z\r\n"
        f"DTSTART:202612{day:02d}T090000Z\r\nDTEND:202612{day:02d}T120000Z\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


EVENTS = {
    "atelier-1": event("uid-atelier-1", "Atelier confidentiel", 3),
    "atelier-2": event("uid-atelier-2", "Atelier tableur", 4),
}


@pytest.fixture(params=STORAGES)
def storage(request, settings, db) -> str:
    settings.RADICALE_STORAGE = request.param
    return str(request.param)


@pytest.fixture
def readers(monkeypatch) -> set[str]:
    """The test app: keys "essai-…", readable by the e-mails in the returned set."""
    allowed: set[str] = set()
    monkeypatch.setitem(
        published_calendars._readers, "essai-", lambda user, key: user.email in allowed
    )
    return allowed


def publish(events: dict[str, str] | None = None, key: str = "essai-atelier") -> ItemsSyncResult:
    return replace_published_calendar(
        key, name=NAME, color="#7c3aed", description="Lecture seule", events=events or EVENTS
    )


def stored(key: str = "essai-atelier") -> dict[str, Any]:
    storage = radicale.storage.load(radicale_configuration())
    with storage.acquire_lock("r"):
        found: list[Any] = list(storage.discover(f"/published/{key}/"))
        if not found:
            return {}
        collection = found[0]
        items = list(collection.get_all())
        return {
            "etags": {item.href: item.etag for item in items},
            "texts": {item.href: item.serialize() for item in items},
            "token": collection.sync()[0],
            "meta": dict(collection.get_meta()),
        }


# --- The service ------------------------------------------------------------------------------


def test_replace_adds_changes_removes_and_keeps_unchanged_events(storage, readers):
    assert publish() == ItemsSyncResult(added=2)
    first = stored()
    assert set(first["texts"]) == {"atelier-1.ics", "atelier-2.ics"}
    assert first["meta"]["D:displayname"] == NAME
    assert first["meta"]["ICAL:calendar-color"] == "#7c3aed"
    assert first["meta"]["C:calendar-description"] == "Lecture seule"

    assert publish(dict(EVENTS)) == ItemsSyncResult(unchanged=2)
    assert stored()["etags"] == first["etags"]
    assert stored()["token"] == first["token"]

    result = publish(
        {
            "atelier-1": event("uid-atelier-1", "Atelier confidentiel (salle 2)", 3),
            "atelier-3": event("uid-atelier-3", "Atelier messagerie", 5),
        }
    )
    assert result == ItemsSyncResult(added=1, changed=1, removed=1)
    after = stored()
    assert set(after["texts"]) == {"atelier-1.ics", "atelier-3.ics"}
    assert "SUMMARY:Atelier confidentiel (salle 2)" in after["texts"]["atelier-1.ics"]
    assert after["token"] != first["token"]


@pytest.mark.parametrize(
    "events",
    [
        {"../evade": event("uid-x", "Évadé")},
        {"atelier 9": event("uid-x", "Espace")},
        {"atelier-9": "ceci n'est pas un agenda"},
        {"atelier-9": event("uid-a", "Un") + event("uid-b", "Deux")},
        {"atelier-9": "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:X\r\nEND:VCARD\r\n"},
        {"atelier-9": event("uid-atelier-1", "Même UID que atelier-1")},
        {"atelier-9": event("uid-9", "Sans UID").replace("UID:uid-9\r\n", "")},
        {"atelier-9": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//FR\r\nEND:VCALENDAR\r\n"},
    ],
    ids=["traversal", "space", "text", "two", "vcard", "same-uid", "no-uid", "empty"],
)
def test_an_invalid_event_is_refused_and_nothing_written(storage, readers, events):
    with pytest.raises(InvalidEvent):
        publish({**EVENTS, **events}, key="essai-vide")
    assert stored("essai-vide") == {}  # not even an empty calendar

    publish()
    before = stored()
    with pytest.raises(InvalidEvent):
        publish({**EVENTS, **events})
    assert stored() == before


def test_events_are_stored_as_given_and_found_by_text_next_time(storage, readers):
    publish()
    assert stored()["texts"]["atelier-1.ics"] == EVENTS["atelier-1"]
    # an event Radicale has to repair is stored repaired, and still counts as unchanged later
    lf_only = {"atelier-1": EVENTS["atelier-1"].replace("\r\n", "\n")}
    result = publish(lf_only)
    assert (result.added, result.removed) == (0, 1)
    text = stored()["texts"]["atelier-1.ics"]
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert publish(lf_only) == ItemsSyncResult(unchanged=1)


def test_unregistered_keys_are_refused(storage, readers):
    with pytest.raises(ValueError, match="registered"):
        publish(key="inconnu-atelier")
    with pytest.raises(ValueError, match="registered"):
        publish(key="essai-../x")


def test_links_follow_the_readers_chosen_by_the_app(storage, readers, member, reader):
    publish()
    publish(key="essai-autre")
    sync_published_links(member.email, ["essai-atelier", "essai-autre"], prefix="essai-")
    names = {c["collection"]: c["name"] for c in storage_reader.home_calendars(member.email)}
    assert names[published_link_name("essai-atelier")] == NAME

    sync_published_links(member.email, ["essai-autre"], prefix="essai-")
    names = {c["collection"] for c in storage_reader.home_calendars(member.email)}
    assert published_link_name("essai-atelier") not in names
    assert published_link_name("essai-autre") in names

    delete_published_calendar("essai-autre")
    names = {c["collection"] for c in storage_reader.home_calendars(member.email)}
    assert not any(name.startswith("publie-") for name in names)
    assert stored("essai-autre") == {}
    delete_published_calendar("essai-autre")  # already gone: no error


def test_rights_come_from_the_apps_callback_only(storage, readers, member, reader):
    publish()
    link = f"{member.email}/{published_link_name('essai-atelier')}"
    assert dav_rights(member, link) == ""  # a link path alone grants nothing
    readers.add(member.email)
    assert dav_rights(member, link) == PUBLISHED_READ == "rdlo"
    # someone else: nothing, in their own home or in the reader's
    assert dav_rights(reader, f"{reader.email}/{published_link_name('essai-atelier')}") == ""
    assert dav_rights(reader, link) == ""
    # the storage tree is never reachable, not even by a reader
    assert dav_rights(member, "published/essai-atelier") == ""
    assert dav_rights(member, "published") == ""
    # a key no app declares, and no user at all
    assert dav_rights(member, f"{member.email}/publie-inconnu-x") == ""
    assert dav_rights(None, link) == ""


def test_a_feed_url_works_while_the_app_says_yes(storage, readers, member, reader):
    publish()
    sync_published_links(member.email, ["essai-atelier"], prefix="essai-")
    collection = published_link_name("essai-atelier")
    with pytest.raises(PermissionDenied):
        create_feed(user=member, collection=collection, label=NAME)
    readers.add(member.email)
    _feed, secret = create_feed(user=member, collection=collection, label=NAME)
    assert feed_for_secret(secret) is not None
    readers.discard(member.email)
    assert feed_for_secret(secret) is None


# --- Over CalDAV, both storages ---------------------------------------------------------------

PROPPATCH = """<?xml version="1.0" encoding="utf-8"?>
<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Renommé</d:displayname>
</d:prop></d:set></d:propertyupdate>""".encode()


def _auth(user: Any) -> tuple[str, str]:
    _app_password, secret = create_app_password(user=user, name="Téléphone")
    return (user.email, secret)


def _leaks(body: bytes) -> bool:
    return any(marker in body for marker in SECRET_MARKERS)


@pytest.mark.slow
@pytest.mark.parametrize("dav_server", STORAGES, indirect=True)
def test_over_dav_the_reader_reads_and_nobody_writes_or_peeks(dav_server, readers, member, reader):
    dav = Dav(dav_server)
    publish()
    readers.add(member.email)
    sync_published_links(member.email, ["essai-atelier"], prefix="essai-")
    sync_published_links(reader.email, ["essai-atelier"], prefix="essai-")  # planted link
    auth, other = _auth(member), _auth(reader)
    link = f"/dav/{member.email}/{published_link_name('essai-atelier')}/"

    listing = dav.propfind(f"/dav/{member.email}/", auth)
    assert listing.hrefs()[link].findtext(".//d:displayname", namespaces=NS) == NAME
    query = dav("REPORT", link, auth=auth, body=REPORT_ALL_EVENTS, headers={"Depth": "1"})
    assert query.status == 207
    assert set(query.hrefs()) == {link + "atelier-1.ics", link + "atelier-2.ics"}
    assert b"Atelier confidentiel" in dav("GET", link + "atelier-1.ics", auth=auth).body

    before = stored()
    ics = event("uid-intrus", "Intrus").encode()
    for method, path, body in [
        ("PUT", link + "intrus.ics", ics),
        ("PUT", link + "atelier-1.ics", ics),
        ("PUT", link, ics),
        ("DELETE", link + "atelier-1.ics", b""),
        ("DELETE", link, b""),
        ("PROPPATCH", link, PROPPATCH),
    ]:
        assert dav(method, path, auth=auth, body=body).status == 403, (method, path)
    assert stored() == before

    # another person: nothing through their planted link, the reader's link or the storage tree
    for collection in (
        f"/dav/{reader.email}/{published_link_name('essai-atelier')}/",
        link,
        "/dav/published/essai-atelier/",
    ):
        for method, body, depth in [
            ("PROPFIND", b"", "0"),
            ("PROPFIND", b"", "1"),
            ("REPORT", REPORT_ALL_EVENTS, "1"),
            ("GET", b"", None),
        ]:
            reply = dav(
                method,
                collection if method != "GET" else collection + "atelier-1.ics",
                auth=other,
                body=body,
                headers={"Depth": depth} if depth else {},
            )
            assert reply.status in (403, 404), (method, collection, reply.status)
            assert not _leaks(reply.body), (method, collection)
    # not even the reader reaches the storage tree directly
    reply = dav.propfind("/dav/published/essai-atelier/", auth)
    assert reply.status in (403, 404)
    assert not _leaks(reply.body)
    listing = dav.propfind(f"/dav/{reader.email}/", other)
    assert listing.status == 207
    assert not _leaks(listing.body)
    assert not any("publie-" in href for href in listing.hrefs())
