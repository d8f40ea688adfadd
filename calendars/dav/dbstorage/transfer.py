"""Moving DAV data between a Radicale file-storage folder and the database storage.

Item texts are copied byte for byte (so ETags, which hash the text, stay the same and clients
do not download everything again); collection properties are copied as they are; symbolic
links to space collections become link rows and back. Sync tokens cannot be carried over: a
client holding an old token is answered "invalid token" once and syncs again from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from radicale import item as radicale_item
from radicale import pathutils

from calendars.dav.dbstorage.collection import item_bounds
from calendars.models import DavCollection, DavItem

ROOT = "collection-root"
PROPS = ".Radicale.props"
ENCODING = "utf-8"


class TransferError(Exception):
    """The folder or the database is not in a state the transfer can work from."""


@dataclass
class CollectionSum:
    items: int = 0
    digests: list[tuple[str, str]] = field(default_factory=list)  # (href, sha256 of the text)

    def add(self, href: str, text: str) -> None:
        self.items += 1
        self.digests.append((href, hashlib.sha256(text.encode(ENCODING)).hexdigest()))

    @property
    def checksum(self) -> str:
        digest = hashlib.sha256()
        for href, text_digest in sorted(self.digests):
            digest.update(f"{href}\0{text_digest}\n".encode())
        return digest.hexdigest()


@dataclass
class Report:
    """Counts and checksums: sha256 of each item text, per collection (over its hrefs and
    item digests) and in total (over the collections' paths and checksums)."""

    collections: dict[str, CollectionSum] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # link path -> target path
    dropped_links: list[str] = field(default_factory=list)  # pointing outside the folder

    @property
    def items(self) -> int:
        return sum(c.items for c in self.collections.values())

    @property
    def total(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(self.collections):
            digest.update(f"{path}\0{self.collections[path].checksum}\n".encode())
        for path in sorted(self.links):
            digest.update(f"{path}\0->{self.links[path]}\n".encode())
        return digest.hexdigest()

    def lines(self) -> Iterator[str]:
        for path in sorted(self.collections):
            summed = self.collections[path]
            yield f"{summed.checksum}  {summed.items:>7}  {path}"
        for path in sorted(self.links):
            yield f"{'link':>64}  {'':>7}  {path} -> {self.links[path]}"
        for path in self.dropped_links:
            yield f"{'dropped link (target outside the folder)':>64}  {'':>7}  {path}"
        yield (
            f"{len(self.collections)} collections, {len(self.links)} links, "
            f"{self.items} items; total sha256 {self.total}"
        )


# --- reading ------------------------------------------------------------------------------------


@dataclass
class _Folder:
    path: str
    props: dict[str, str]
    items: list[tuple[str, str]]  # (href, text)


def _walk(root: Path) -> tuple[list[_Folder], dict[str, str]]:
    folders: list[_Folder] = []
    links: dict[str, str] = {}
    for directory, subdirectories, files in os.walk(root):
        here = Path(directory)
        relative = here.relative_to(root).as_posix()
        relative = "" if relative == "." else relative
        for name in list(subdirectories):
            child = here / name
            if not pathutils.is_safe_filesystem_path_component(name):
                subdirectories.remove(name)  # .Radicale.cache, .Radicale.tmp-…
            elif child.is_symlink():
                subdirectories.remove(name)
                target = child.resolve()
                if target.is_dir() and target.is_relative_to(root.resolve()):
                    links[_join(relative, name)] = target.relative_to(root.resolve()).as_posix()
        if not relative:
            continue  # the root is not a collection row
        props: dict[str, str] = {}
        if (here / PROPS).is_file():
            props = json.loads((here / PROPS).read_text(encoding=ENCODING))
        items = []
        for name in sorted(files):
            file = here / name
            if pathutils.is_safe_filesystem_path_component(name) and not file.is_symlink():
                with open(file, encoding=ENCODING, newline="") as handle:
                    items.append((name, handle.read()))
        folders.append(_Folder(relative, props, items))
    return folders, links


def _join(parent: str, name: str) -> str:
    return f"{parent}/{name}" if parent else name


def _row(collection: DavCollection, href: str, text: str) -> DavItem:
    # Parsed only for what REPORTs filter on; the text is kept exactly as it was in the file.
    components = radicale_item.read_components(text)
    radicale_item.check_and_sanitize_items(components, _max_occurrences(), tag=collection.tag)
    (component,) = components
    item = radicale_item.Item(collection_path=collection.path, vobject_item=component)
    start, end, is_long = item_bounds(item)
    return DavItem(
        collection=collection,
        href=href,
        uid=item.uid,
        component=item.component_name,
        name=item.name,
        text=text,
        etag=radicale_item.get_etag(text),
        start=start,
        end=end,
        is_long=is_long,
    )


def _max_occurrences() -> int:
    from calendars.dav.app import radicale_configuration

    return int(radicale_configuration().get("server", "max_vevent_rrule_occurrence"))


def _owner(path: str) -> str:
    from calendars.dav.dbstorage.storage import _owner as owner

    return owner(path)


def import_folder(folder: Path, *, replace: bool = False) -> Report:
    """Copy a Radicale file-storage folder into the database (one transaction); returns the
    report of what the database now holds for those collections, checked against the files."""
    root = Path(folder) / ROOT
    if not root.is_dir():
        raise TransferError(f"{root} is not a Radicale file-storage folder (no {ROOT}/)")
    folders, found_links = _walk(root)
    imported = {f.path for f in folders}
    links = {path: target for path, target in found_links.items() if target in imported}
    expected = Report(dropped_links=sorted(found_links.keys() - links.keys()))
    for found in folders:
        summed = expected.collections.setdefault(found.path, CollectionSum())
        for href, text in found.items:
            summed.add(href, text)
    expected.links = dict(links)
    paths = [f.path for f in folders] + list(links)
    with transaction.atomic():
        taken = DavCollection.objects.filter(path__in=paths)
        if taken.exists():
            if not replace:
                sample = ", ".join(sorted(taken.values_list("path", flat=True))[:5])
                raise TransferError(f"Collections already in the database: {sample}…")
            _delete_subtrees(taken.values_list("path", flat=True))
        rows: dict[str, DavCollection] = {}
        for found in sorted(folders, key=lambda f: f.path.count("/")):
            rows[found.path] = DavCollection.objects.create(
                path=found.path,
                parent=found.path.rpartition("/")[0],
                owner=_owner(found.path),
                tag=found.props.get("tag", ""),
                props=found.props,
            )
            batch = [_row(rows[found.path], href, text) for href, text in found.items]
            DavItem.objects.bulk_create(batch, batch_size=500)
        for path, target in sorted(links.items()):
            DavCollection.objects.create(
                path=path,
                parent=path.rpartition("/")[0],
                owner=_owner(path),
                tag=rows[target].tag,
                link_target=rows[target],
            )
        stored = database_report(paths)
        if stored.total != expected.total:
            raise TransferError(
                f"Checksums differ after import (files {expected.total}, "
                f"database {stored.total}): nothing was imported"
            )
    stored.dropped_links = expected.dropped_links
    return stored


def _delete_subtrees(paths: Iterable[str]) -> None:
    condition = Q()
    for path in paths:
        condition |= Q(path=path) | Q(path__startswith=f"{path}/")
    DavCollection.objects.filter(condition).delete()


def database_report(paths: Iterable[str] | None = None) -> Report:
    """Counts and checksums of the database storage (or of the collections at ``paths``)."""
    collections = DavCollection.objects.all()
    if paths is not None:
        collections = collections.filter(path__in=list(paths))
    report = Report()
    pks: dict[int, str] = {}
    for pk, path, target in collections.values_list("pk", "path", "link_target__path"):
        if target is not None:
            report.links[path] = target
        else:
            report.collections[path] = CollectionSum()
            pks[pk] = path
    items = DavItem.objects.filter(collection_id__in=list(pks)).values_list(
        "collection_id", "href", "text"
    )
    for collection_id, href, text in items.iterator(chunk_size=1000):
        report.collections[pks[collection_id]].add(href, text)
    return report


# --- writing ------------------------------------------------------------------------------------


def export_folder(folder: Path) -> Report:
    """Write the database storage as a Radicale file-storage folder (which must not exist yet
    or be empty); returns the report, checked against the files written."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise TransferError(f"{folder} is not empty")
    root = folder / ROOT
    root.mkdir(parents=True)
    report = database_report()
    written = Report(links={})
    for row in DavCollection.objects.filter(link_target__isnull=True).order_by("path"):
        directory = root / row.path
        directory.mkdir(parents=True, exist_ok=True)
        if row.props:
            with open(directory / PROPS, "w", encoding=ENCODING) as handle:
                json.dump(row.props, handle, sort_keys=True)  # as Radicale writes it
        summed = written.collections.setdefault(row.path, CollectionSum())
        for href, text in DavItem.objects.filter(collection=row).values_list("href", "text"):
            with open(directory / href, "w", encoding=ENCODING, newline="") as handle:
                handle.write(text)
            with open(directory / href, encoding=ENCODING, newline="") as handle:
                summed.add(href, handle.read())
    links = DavCollection.objects.filter(link_target__isnull=False).values_list(
        "path", "link_target__path"
    )
    for path, target in links.order_by("path"):
        link, target_dir = root / path, root / target
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(os.path.relpath(target_dir, link.parent), link)
        written.links[path] = target
    if written.total != report.total:
        raise TransferError(
            f"Checksums differ after export (database {report.total}, files {written.total})"
        )
    return report
