"""`manage.py dav_storage import/export`: a Radicale folder into the database and back, item
texts byte for byte, properties as they were, symbolic links as link rows."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import radicale.storage
from django.core.management import CommandError, call_command
from radicale import item as radicale_item

from calendars.dav.app import radicale_configuration
from calendars.dav.dbstorage.transfer import CollectionSum, Report, database_report
from calendars.models import DavCollection, DavItem
from calendars.provisioning import calendar_props, make_link

HOME = "alice@brioux.test"
SPACE_CAL = "spaces/elus/agenda"
BOOK = "addressbooks/elus"
PUBLISHED = "published/formation-catalogue"


def event(n: int) -> str:
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:event-{n}\r\nDTSTAMP:20261101T090000Z\r\n"
        f"DTSTART:2027{month:02d}{day:02d}T090000Z\r\nDTEND:2027{month:02d}{day:02d}T100000Z\r\n"
        f"SUMMARY:Réunion n° {n}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def card(n: int) -> str:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:person-{n}\r\nFN:Élise {n}\r\n"
        f"N:{n};Élise;;;\r\nEND:VCARD\r\n"
    )


def items(path: str, texts: list[str]) -> list[radicale_item.Item]:
    return [
        radicale_item.Item(collection_path=path, vobject_item=radicale_item.read_components(t)[0])
        for t in texts
    ]


def make_folder(folder: Path, events: int) -> None:
    """A folder written by Radicale's own file storage: a home with a personal calendar and
    links, a space calendar with ``events`` events, an address book, a published calendar."""
    storage = radicale.storage.load(radicale_configuration(storage="file", folder=str(folder)))
    with storage.acquire_lock("w"):
        storage.create_collection(f"/{HOME}/")
        storage.create_collection(
            f"/{HOME}/personnel/",
            items=items(f"{HOME}/personnel", [event(n) for n in range(3)]),
            props=calendar_props("Personnel", "#1d4ed8"),
        )
        storage.create_collection(
            f"/{SPACE_CAL}/",
            items=items(SPACE_CAL, [event(n) for n in range(events)]),
            props=calendar_props("Agenda · Élus", "#0b5e4a", "Les réunions"),
        )
        storage.create_collection(
            f"/{BOOK}/",
            items=items(BOOK, [card(n) for n in range(4)]),
            props={"tag": "VADDRESSBOOK", "D:displayname": "Annuaire · Élus"},
        )
        storage.create_collection(
            f"/{PUBLISHED}/",
            items=items(PUBLISHED, [event(n) for n in range(100, 103)]),
            props=calendar_props("Formations · catalogue", "#7c3aed"),
        )
        make_link(storage, HOME, "espace-elus--agenda", SPACE_CAL)
        make_link(storage, HOME, "annuaire-elus", BOOK)
        make_link(storage, HOME, "publie-formation-catalogue", PUBLISHED)


def files_report(folder: Path) -> Report:
    """The checksums computed from the files alone, independently of the command."""
    root = folder / "collection-root"
    report = Report()
    for directory in [root, *root.rglob("*")]:
        if not directory.is_dir() or ".Radicale" in directory.as_posix():
            continue
        relative = directory.relative_to(root).as_posix()
        if directory.is_symlink():
            report.links[relative] = directory.resolve().relative_to(root.resolve()).as_posix()
            continue
        if relative == ".":
            continue
        summed = report.collections.setdefault(relative, CollectionSum())
        for file in directory.iterdir():
            if file.is_file() and not file.name.startswith(".Radicale"):
                summed.items += 1
                summed.digests.append((file.name, hashlib.sha256(file.read_bytes()).hexdigest()))
    return report


def run(*args: str) -> str:
    out = StringIO()
    call_command("dav_storage", *args, stdout=out)
    return out.getvalue()


def check_round_trip(tmp_path: Path, events: int) -> None:
    source = tmp_path / "source"
    make_folder(source, events)
    expected = files_report(source)
    output = run("import", "--from", str(source))
    assert f"{expected.items} items; total sha256 {expected.total}" in output
    assert expected.items == events + 3 + 4 + 3

    # byte for byte, with the same ETags the file storage gave clients
    file_storage: Any = radicale.storage.load(
        radicale_configuration(storage="file", folder=str(source))
    )
    with file_storage.acquire_lock("r"):
        (stored,) = list(file_storage.discover(f"/{SPACE_CAL}/"))
        file_etags = {i.href: i.etag for i in stored.get_all()}
    rows = {r.href: r for r in DavItem.objects.filter(collection__path=SPACE_CAL)}
    assert {href: r.etag for href, r in rows.items()} == file_etags
    for href, row in rows.items():
        assert row.text.encode() == (source / "collection-root" / SPACE_CAL / href).read_bytes()
    # every property, and links as links
    for path in (f"{HOME}/personnel", SPACE_CAL, BOOK):
        props = json.loads((source / "collection-root" / path / ".Radicale.props").read_text())
        assert DavCollection.objects.get(path=path).props == props
    link = DavCollection.objects.get(path=f"{HOME}/espace-elus--agenda")
    assert link.link_target.path == SPACE_CAL and link.tag == "VCALENDAR"

    target = tmp_path / "exported"
    output = run("export", "--to", str(target))
    assert f"total sha256 {expected.total}" in output
    assert files_report(target).total == expected.total
    for file in (source / "collection-root").rglob("*"):
        if ".Radicale.cache" in file.as_posix() or not file.is_file() or file.is_symlink():
            continue
        twin = target / file.relative_to(source)
        if file.name == ".Radicale.props":
            assert json.loads(twin.read_text()) == json.loads(file.read_text())
        else:
            assert twin.read_bytes() == file.read_bytes()
    assert (target / "collection-root" / HOME / "annuaire-elus").is_symlink()
    assert (target / "collection-root" / HOME / "publie-formation-catalogue").is_symlink()


def test_import_and_export_keep_every_item_property_and_link(db, tmp_path):
    check_round_trip(tmp_path, events=120)


@pytest.mark.slow
def test_import_of_five_thousand_events_is_byte_for_byte(db, tmp_path):
    check_round_trip(tmp_path, events=5000)


def test_import_refuses_to_overwrite_unless_asked(db, tmp_path):
    make_folder(tmp_path / "source", 2)
    run("import", "--from", str(tmp_path / "source"))
    with pytest.raises(CommandError, match="already in the database"):
        run("import", "--from", str(tmp_path / "source"))
    run("import", "--from", str(tmp_path / "source"), "--replace")
    assert DavItem.objects.filter(collection__path=SPACE_CAL).count() == 2
    assert database_report().total == files_report(tmp_path / "source").total


def test_export_refuses_a_folder_that_is_not_empty(db, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        run("export", "--to", str(tmp_path / "busy"))
