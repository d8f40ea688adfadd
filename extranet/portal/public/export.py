"""Static export of the public slice (``manage.py export_portal --out DIR``).

The exporter runs the very views that serve ``/portal/`` (so it can show nothing they would not),
with an export base URL in ``request.META``: pages then render without filter forms, pagination
or language switch, lists hold every item, and absolute URLs (feeds, JSON-LD, sitemap) point at
the exported files. Links inside HTML pages are rewritten relative to each file, so the export
works from a static host or straight from the file system.

Re-exporting is idempotent: unchanged files are not rewritten, and the files of the previous
export that are no longer part of the public slice (unpublished items) are removed. Only files
listed in the previous export's manifest are ever removed.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponseBase
from django.templatetags.static import PrefixNode
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from extranet.portal.public import queries
from extranet.portal.public.links import EXPORT_BASE, export_path, portal_root
from extranet.portal.public.sections import collection_names, sections
from extranet.portal.public.views import export_months

MANIFEST = ".portal-export.json"
_LINK = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"]*)"')


class ExportError(Exception):
    """A page of the public slice did not render (a bug: the export stops, nothing removed)."""


@dataclass
class ExportSummary:
    out: Path
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    broken_links: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.written + self.unchanged

    def text(self) -> str:
        kinds = ", ".join(f"{count} {name}" for name, count in sorted(self.by_kind.items()))
        lines = [
            f"Portal exported to {self.out}: {self.total} files ({kinds}).",
            f"{self.written} written, {self.unchanged} unchanged, {self.removed} removed.",
        ]
        if self.broken_links:
            lines.append(f"{len(self.broken_links)} links to pages outside the export:")
            lines.extend(f"  {link}" for link in self.broken_links[:20])
        return "\n".join(lines)


def planned_paths() -> Iterator[str]:
    """Every /portal/ URL that the export writes as a file."""
    yield portal_root()
    for name in ("portal:data", "portal:embed", "portal:embed_agenda", "portal:sitemap"):
        yield reverse(name)
    yield reverse("portal:openapi")
    yield reverse("portal:atom_all")
    for name in collection_names():
        yield reverse("portal:api_list", kwargs={"name": name})
    for section in sections():
        yield reverse("portal:section", args=[section.slug])
        yield reverse("portal:atom", args=[section.slug])
        if section.is_dated:
            yield reverse("portal:ics", args=[section.slug])
            yield reverse("portal:month_current", args=[section.slug])
            for month in export_months(section):
                yield reverse("portal:month", args=[section.slug, month.year, month.month])
        for slug, _name, _count in queries.communes(section):
            yield reverse("portal:commune", args=[section.slug, slug])
    snapshots = queries.public_snapshots().prefetch_related("files").order_by("kind", "public_id")
    for item in queries.public_items(snapshots):
        yield item.url
        yield reverse("portal:api_item", kwargs={"public_id": item.snapshot.public_id})
        yield from item.file_urls.values()


def _kind_of(path: str) -> str:
    name = export_path(path)
    if name.endswith(".html"):
        return "html"
    if "/files/" in name:
        return "files"
    return name.rsplit(".", 1)[-1]


def _body(response: HttpResponseBase) -> bytes:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        # Close the streamed file, but not through ``response.close()``: that sends
        # ``request_finished``, whose receiver closes the database connection (and, inside a
        # transaction on PostgreSQL, the transaction with it) although no request ended here.
        closers = getattr(response, "_resource_closers", [])
        for closer in closers:
            closer()
        closers.clear()
        return content
    return bytes(response.content)  # type: ignore[attr-defined]


class _Renderer:
    def __init__(self, base_url: str) -> None:
        self.factory = RequestFactory()
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def get(self, path: str) -> bytes:
        request = self.factory.get(path)
        request.META[EXPORT_BASE] = self.base_url
        request.user = AnonymousUser()
        match = resolve(path)
        request.resolver_match = match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code != 200:
            raise ExportError(f"{path}: HTTP {response.status_code}")
        return _body(response)


def _static_bytes(name: str) -> bytes | None:
    try:
        with staticfiles_storage.open(name) as handle:
            return bytes(handle.read())
    except (OSError, ValueError):
        found = finders.find(name)
        if isinstance(found, list):
            found = found[0] if found else None
        return Path(found).read_bytes() if found else None


def _relative(target: str, current: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(current) or ".")


def rewrite_links(
    html: str,
    current: str,
    known: set[str],
    statics: dict[str, bytes],
    broken: list[str],
) -> str:
    """Links of an exported page, relative to its file ``current``; static files collected."""
    root, static_prefix = portal_root(), PrefixNode.handle_simple("STATIC_URL")

    def replace(match: re.Match[str]) -> str:
        url = match.group("url").replace("&amp;", "&")
        path, _, fragment = url.partition("#")
        if path.startswith(root):
            if "?" in path:
                broken.append(f"{current} -> {url}")
            target = export_path(path.split("?", 1)[0])
            if target not in known:
                broken.append(f"{current} -> {url}")
            new = _relative(target, current) + (f"#{fragment}" if fragment else "")
            return f'{match.group("attr")}="{new}"'
        if path.startswith(static_prefix):
            name = path[len(static_prefix) :]
            content = _static_bytes(name)
            if content is None:
                broken.append(f"{current} -> {url}")
                return match.group(0)
            statics["static/" + name] = content
            return f'{match.group("attr")}="{_relative("static/" + name, current)}"'
        return match.group(0)

    return _LINK.sub(replace, html)


def _write(out: Path, name: str, content: bytes) -> bool:
    """Write ``content`` unless the file already holds it; True when written."""
    target = out / name
    if target.is_file() and target.read_bytes() == content:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp-export")
    temporary.write_bytes(content)
    os.replace(temporary, target)
    return True


def _previous_files(out: Path) -> set[str]:
    try:
        data: Any = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    files = data.get("files", []) if isinstance(data, dict) else []
    return {str(name) for name in files if isinstance(name, str)}


def _remove(out: Path, names: set[str]) -> int:
    removed = 0
    root = out.resolve()
    for name in sorted(names):
        target = (out / name).resolve()
        if root not in target.parents or not target.is_file():
            continue  # never outside the export directory
        target.unlink()
        removed += 1
        parent = target.parent
        while parent != root and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed


def export_portal(out: Path, *, base_url: str | None = None, language: str = "") -> ExportSummary:
    """Write the whole public slice into ``out``; see the module's docstring."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    base = base_url or out.resolve().as_uri() + "/"
    summary = ExportSummary(out=out)
    with translation.override(language or settings.LANGUAGE_CODE):
        renderer = _Renderer(base)
        paths = list(dict.fromkeys(planned_paths()))
        names = {path: export_path(path) for path in paths}
        known = set(names.values())
        files: dict[str, bytes] = {}
        statics: dict[str, bytes] = {}
        for path in paths:
            content = renderer.get(path)
            name = names[path]
            if name.endswith(".html"):
                html = rewrite_links(
                    content.decode("utf-8"), name, known, statics, summary.broken_links
                )
                content = html.encode("utf-8")
            files[name] = content
            summary.by_kind[_kind_of(path)] += 1
        for name, content in statics.items():
            files[name] = content
            summary.by_kind["static"] += 1
    previous = _previous_files(out)
    for name, content in sorted(files.items()):
        if _write(out, name, content):
            summary.written += 1
        else:
            summary.unchanged += 1
    summary.removed = _remove(out, previous - set(files))
    manifest = json.dumps({"files": sorted(files)}, indent=1).encode()
    _write(out, MANIFEST, manifest)
    return summary
