"""Space address books: the storage service, CardDAV at the protocol level, and vdirsyncer.

The directory app hands ready-made vCards to ``replace_space_address_book``; members read them
(never write them) through the ``annuaire-<slug>`` link in their own home.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import radicale.storage

from calendars.dav.app import radicale_configuration
from calendars.dav.paths import address_book_link_name
from calendars.services.address_books import (
    AddressBookSyncResult,
    InvalidCard,
    delete_space_address_book,
    ensure_space_address_book,
    replace_space_address_book,
)
from calendars.services.app_passwords import create_app_password
from calendars.services.personal_calendars import create_personal_calendar
from calendars.services.space_calendars import sync_user_links
from extranet.models import Membership
from extranet.roles import Role
from extranet.services.memberships import add_member, remove_member
from extranet.services.spaces import create_space, update_space_settings
from tests.calendars.test_dav_protocol import NS, Dav, Reply
from tests.conftest import make_user
from tests.support.vdirsyncer import run, write_config

CR = "urn:ietf:params:xml:ns:carddav"
BOOK_NAME = "Annuaire · Élus et agents du Pays"


def vcard(uid: str, name: str, phone: str = "+33 5 55 00 00 01") -> str:
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        f"UID:{uid}\r\nFN:{name}\r\nN:{name};;;;\r\nTEL;TYPE=WORK:{phone}\r\nEND:VCARD\r\n"
    )


CARDS = {
    "person-1": vcard("person-1", "Marie Membre", "+33 5 55 00 00 01"),
    "person-2": vcard("person-2", "Éric Éditeur", "+33 5 55 00 00 02"),
}


def stored(slug: str = "elus") -> dict[str, Any]:
    """What Radicale holds for the space's address book: item ETags and texts, sync token, meta."""
    storage = radicale.storage.load(radicale_configuration())
    with storage.acquire_lock("r"):
        found: list[Any] = list(storage.discover(f"/addressbooks/{slug}/"))
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


def test_replace_adds_changes_and_removes_cards(space):
    assert replace_space_address_book(space, CARDS) == AddressBookSyncResult(added=2)
    assert set(stored()["etags"]) == {"person-1.vcf", "person-2.vcf"}

    result = replace_space_address_book(
        space,
        {
            "person-1": vcard("person-1", "Marie Membre", "+33 6 00 00 00 09"),  # new number
            "person-3": vcard("person-3", "Luc Lecteur"),
        },
    )

    assert result == AddressBookSyncResult(added=1, changed=1, removed=1, unchanged=0)
    texts = stored()["texts"]
    assert set(texts) == {"person-1.vcf", "person-3.vcf"}
    assert "TEL;TYPE=WORK:+33 6 00 00 00 09" in texts["person-1.vcf"]
    assert "FN:Luc Lecteur" in texts["person-3.vcf"]


def test_replacing_with_the_same_cards_keeps_etags_and_sync_token(space):
    replace_space_address_book(space, CARDS)
    before = stored()

    result = replace_space_address_book(space, dict(CARDS))

    assert result == AddressBookSyncResult(unchanged=2)
    assert not result.has_changes
    after = stored()
    assert after["etags"] == before["etags"]
    assert after["token"] == before["token"]

    # one changed card: a new token, a new ETag for that card only
    changed = {**CARDS, "person-2": vcard("person-2", "Éric Éditeur", "+33 6 11 11 11 11")}
    assert replace_space_address_book(space, changed) == AddressBookSyncResult(
        changed=1, unchanged=1
    )
    later = stored()
    assert later["token"] != before["token"]
    assert later["etags"]["person-1.vcf"] == before["etags"]["person-1.vcf"]
    assert later["etags"]["person-2.vcf"] != before["etags"]["person-2.vcf"]


@pytest.mark.parametrize(
    "cards",
    [
        {"../person-9": vcard("person-9", "Évadé")},
        {"person 9": vcard("person-9", "Espace")},
        {"person-9": "ceci n'est pas une vCard"},
        {"person-9": vcard("a", "Un") + vcard("b", "Deux")},
        {
            "person-9": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
            "DTSTART:20261203T180000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        },
        {"person-8": vcard("meme-uid", "Huit"), "person-9": vcard("meme-uid", "Neuf")},
    ],
    ids=["traversal", "space", "not-vcard", "two-cards", "icalendar", "duplicate-uid"],
)
def test_an_invalid_card_is_refused_and_the_book_unchanged(space, cards):
    replace_space_address_book(space, CARDS)
    before = stored()
    with pytest.raises(InvalidCard):
        replace_space_address_book(space, {**CARDS, **cards})
    assert stored()["texts"] == before["texts"]


def test_a_card_without_uid_gets_its_key_as_uid(space):
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sans Identifiant\r\nN:Identifiant;;;;\r\nEND:VCARD\r\n"
    replace_space_address_book(space, {"person-5": text})
    assert "UID:person-5" in stored()["texts"]["person-5.vcf"]


def test_vcard_4_is_stored(space):
    text = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:person-4\r\nFN:Quatre\r\nEND:VCARD\r\n"
    assert replace_space_address_book(space, {"person-4": text}).added == 1
    assert "VERSION:4.0" in stored()["texts"]["person-4.vcf"]


def test_a_new_space_gets_an_empty_address_book(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        create_space(name="Réseau culture", slug="culture", kind="culture")
    book = stored("culture")
    assert book["etags"] == {}
    assert book["meta"]["tag"] == "VADDRESSBOOK"
    assert book["meta"]["D:displayname"] == "Annuaire · Réseau culture"
    assert "Réseau culture" in book["meta"]["CR:addressbook-description"]


def test_the_address_book_is_renamed_with_its_space_and_deleted_with_it(
    space, space_admin, django_capture_on_commit_callbacks
):
    ensure_space_address_book(space)
    replace_space_address_book(space, CARDS)
    with django_capture_on_commit_callbacks(execute=True):
        update_space_settings(
            membership=Membership.objects.get(user=space_admin, space=space), name="Élus du Pays"
        )
    book = stored()
    assert book["meta"]["D:displayname"] == "Annuaire · Élus du Pays"
    assert set(book["etags"]) == {"person-1.vcf", "person-2.vcf"}  # cards untouched

    with django_capture_on_commit_callbacks(execute=True):
        space.delete()
    assert stored() == {}
    delete_space_address_book(space)  # already gone: no error


# --- CardDAV at the protocol level ------------------------------------------------------------

PROPFIND_LIST = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:"><d:prop>
<d:resourcetype/><d:displayname/><d:getetag/><d:sync-token/>
</d:prop></d:propfind>"""
PROPFIND_HOME_SETS = b"""<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
<d:prop><d:current-user-principal/><cr:addressbook-home-set/></d:prop></d:propfind>"""
REPORT_QUERY = b"""<?xml version="1.0" encoding="utf-8"?>
<cr:addressbook-query xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
<d:prop><d:getetag/><cr:address-data/></d:prop></cr:addressbook-query>"""
REPORT_MULTIGET = """<?xml version="1.0" encoding="utf-8"?>
<cr:addressbook-multiget xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav">
<d:prop><d:getetag/><cr:address-data/></d:prop><d:href>{href}</d:href>
</cr:addressbook-multiget>"""
PROPPATCH = """<?xml version="1.0" encoding="utf-8"?>
<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:displayname>Renommé</d:displayname>
</d:prop></d:set></d:propertyupdate>""".encode()
MKCOL_ADDRESS_BOOK = b"""<?xml version="1.0" encoding="utf-8"?>
<d:mkcol xmlns:d="DAV:" xmlns:cr="urn:ietf:params:xml:ns:carddav"><d:set><d:prop>
<d:resourcetype><d:collection/><cr:addressbook/></d:resourcetype>
<d:displayname>Faux annuaire</d:displayname></d:prop></d:set></d:mkcol>"""
VCARD = {"Content-Type": "text/vcard; charset=utf-8"}
SECRET_MARKERS = (b"Marie Membre", "Éric Éditeur".encode(), b"+33 5 55", BOOK_NAME.encode())


@pytest.fixture
def dav(dav_server) -> Dav:
    return Dav(dav_server)


def credentials(user: Any) -> tuple[str, str]:
    _app_password, secret = create_app_password(user=user, name="Téléphone")
    sync_user_links(user)
    return (user.email, secret)


def book_link(user: Any, space_slug: str = "elus") -> str:
    return f"/dav/{user.email}/{address_book_link_name(space_slug)}/"


def propfind(dav: Dav, path: str, auth: tuple[str, str], depth: str = "1") -> Reply:
    return dav("PROPFIND", path, auth=auth, body=PROPFIND_LIST, headers={"Depth": depth})


def cards_in(reply: Reply) -> dict[str, str]:
    """href → vCard text of a REPORT answer."""
    return {
        href: response.findtext(f".//{{{CR}}}address-data") or ""
        for href, response in reply.hrefs().items()
    }


def leaks(reply: Reply) -> bool:
    return any(marker in reply.body for marker in SECRET_MARKERS)


slow = pytest.mark.slow


@slow
def test_member_discovers_the_address_book_in_the_home_clients_already_list(dav, space, member):
    replace_space_address_book(space, CARDS)
    auth = credentials(member)

    found = dav("PROPFIND", "/dav/", auth=auth, body=PROPFIND_HOME_SETS, headers={"Depth": "0"})
    (response,) = found.hrefs().values()
    principal = unquote(response.findtext(".//d:current-user-principal/d:href", namespaces=NS))
    found = dav("PROPFIND", principal, auth=auth, body=PROPFIND_HOME_SETS, headers={"Depth": "0"})
    (response,) = found.hrefs().values()
    home = unquote(response.findtext(f".//{{{CR}}}addressbook-home-set/{{DAV:}}href") or "")
    assert home == f"/dav/{member.email}/"

    listing = propfind(dav, home, auth)
    assert listing.status == 207
    books = {
        href: response.findtext(".//d:displayname", namespaces=NS)
        for href, response in listing.hrefs().items()
        if response.find(f".//d:resourcetype/{{{CR}}}addressbook", namespaces=NS) is not None
    }
    assert books == {book_link(member): BOOK_NAME}
    assert not any("/addressbooks/" in href for href in listing.hrefs())


@slow
def test_query_and_multiget_return_the_cards(dav, space, reader):
    replace_space_address_book(space, CARDS)
    auth = credentials(reader)
    link = book_link(reader)

    query = dav("REPORT", link, auth=auth, body=REPORT_QUERY, headers={"Depth": "1"})
    assert query.status == 207
    found = cards_in(query)
    assert set(found) == {link + "person-1.vcf", link + "person-2.vcf"}
    assert "TEL;TYPE=WORK:+33 5 55 00 00 02" in found[link + "person-2.vcf"]

    body = REPORT_MULTIGET.format(href=link + "person-1.vcf").encode()
    multiget = dav("REPORT", link, auth=auth, body=body, headers={"Depth": "1"})
    assert multiget.status == 207
    assert list(cards_in(multiget)) == [link + "person-1.vcf"]
    assert "FN:Marie Membre" in cards_in(multiget)[link + "person-1.vcf"]
    got = dav("GET", link + "person-1.vcf", auth=auth)
    assert got.status == 200
    assert b"FN:Marie Membre" in got.body


@slow
def test_even_an_admin_cannot_write_the_address_book(dav, space, space_admin, member):
    replace_space_address_book(space, CARDS)
    auth = credentials(space_admin)
    link = book_link(space_admin)
    before = stored()

    attempts = [
        ("PUT", link + "person-9.vcf", vcard("person-9", "Intrus").encode(), VCARD),
        ("PUT", link + "person-1.vcf", vcard("person-1", "Usurpé").encode(), VCARD),
        ("PUT", link, vcard("person-9", "Remplacement").encode(), VCARD),
        ("DELETE", link + "person-1.vcf", b"", {}),
        ("DELETE", link, b"", {}),
        ("PROPPATCH", link, PROPPATCH, {}),
        ("MKCOL", link + "dedans/", MKCOL_ADDRESS_BOOK, {}),
        ("MOVE", link + "person-1.vcf", b"", {"Destination": link + "person-7.vcf"}),
    ]
    for method, path, body, headers in attempts:
        reply = dav(method, path, auth=auth, body=body, headers=headers)
        assert reply.status == 403, (method, path, reply.status)

    assert stored() == before
    member_auth = credentials(member)
    (response,) = propfind(dav, book_link(member), member_auth, depth="0").hrefs().values()
    assert response.findtext(".//d:displayname", namespaces=NS) == BOOK_NAME


@slow
def test_a_member_cannot_fake_a_link_to_another_space(dav, space, other_space, member):
    auth = credentials(member)
    for name in (address_book_link_name("tourisme"), "annuaire-inexistant"):
        reply = dav("MKCOL", f"/dav/{member.email}/{name}/", auth=auth, body=MKCOL_ADDRESS_BOOK)
        assert reply.status == 403, (name, reply.status)
    # nor replace their own link with a private address book
    reply = dav("MKCOL", book_link(member), auth=auth, body=MKCOL_ADDRESS_BOOK)
    assert reply.status in (403, 405), reply.status


@slow
def test_a_personal_calendar_named_like_a_link_gets_another_collection_name(dav_server, member):
    created = create_personal_calendar(user=member, name="Annuaire-elus")
    assert created.name == "agenda-annuaire-elus"
    assert created.display_name == "Annuaire-elus"


@slow
def test_links_follow_memberships(dav, space, space_admin, member):
    replace_space_address_book(space, CARDS)
    auth = credentials(member)
    assert propfind(dav, book_link(member), auth).status == 207

    remove_member(
        membership=Membership.objects.get(user=space_admin, space=space),
        target=Membership.objects.get(user=member, space=space),
    )
    listing = propfind(dav, f"/dav/{member.email}/", auth)
    assert book_link(member) not in listing.hrefs()
    assert not leaks(listing)
    reply = propfind(dav, book_link(member), auth)
    assert reply.status in (403, 404)
    assert not leaks(reply)

    add_member(space=space, user=member, role=Role.READER)
    assert book_link(member) in propfind(dav, f"/dav/{member.email}/", auth).hrefs()


@slow
def test_mfa_required_space_shows_its_address_book_only_with_a_second_factor(dav, health_space):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    nurse = make_user("infirmiere@sante.test", "Inès Infirmière")
    add_member(space=health_space, user=nurse, role=Role.MEMBER)
    replace_space_address_book(health_space, {"person-1": vcard("person-1", "Marie Membre")})
    auth = credentials(nurse)
    link = book_link(nurse, "sante")

    for method, body in (("PROPFIND", PROPFIND_LIST), ("REPORT", REPORT_QUERY)):
        reply = dav(method, link, auth=auth, body=body, headers={"Depth": "1"})
        assert reply.status in (403, 404), (method, reply.status)
        assert not leaks(reply)
    assert link not in propfind(dav, f"/dav/{nurse.email}/", auth).hrefs()

    TOTP.activate(nurse, generate_totp_secret())
    assert link in propfind(dav, f"/dav/{nurse.email}/", auth).hrefs()
    query = dav("REPORT", link, auth=auth, body=REPORT_QUERY, headers={"Depth": "1"})
    assert list(cards_in(query)) == [link + "person-1.vcf"]


# --- vdirsyncer, a real CardDAV client ----------------------------------------------------------


@slow
def test_vdirsyncer_given_only_the_server_url_syncs_the_space_address_book(
    dav_server, tmp_path, space, member
):
    replace_space_address_book(space, CARDS)
    _app_password, secret = create_app_password(user=member, name="vdirsyncer")
    local = tmp_path / "contacts"
    local.mkdir()
    config = write_config(
        tmp_path,
        pair="annuaires",
        storage_type="carddav",
        url=dav_server,
        username=member.email,
        password=secret,
        local=local,
        fileext=".vcf",
    )

    run(config, "discover", "annuaires")
    run(config, "sync", "annuaires")

    assert [p.name for p in local.iterdir()] == [address_book_link_name("elus")]
    folder = local / address_book_link_name("elus")
    assert _cards(folder) == {"Marie Membre", "Éric Éditeur"}

    # a card removed from the book disappears at the next sync
    replace_space_address_book(space, {"person-1": CARDS["person-1"]})
    run(config, "sync", "annuaires")
    assert _cards(folder) == {"Marie Membre"}


def _cards(folder: Path) -> set[str]:
    names = set()
    for path in folder.glob("*.vcf"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("FN:"):
                names.add(line[3:])
    return names
