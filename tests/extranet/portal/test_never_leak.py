"""Never leak: only the current approved snapshots reach any public output.

A seeded random population of items of every registered kind (plus a dated and an undated
test-only kind), each in one state of the workflow — draft (no request), submitted, rejected,
withdrawn, approved, approved-then-edited (a pending request with other content while the
approved version is current), approved-then-edit-rejected, superseded (v1 then v2 approved),
unpublished — goes through the real services. Every state's content carries a unique marker.
Then every public output is fetched: pages (home, sections with all their pages, month views,
communes, items), files, iCalendar, JSON API (every collection and page, every item), Atom,
sitemap, embed, OpenAPI, and the static export. Public markers must all appear; no other marker
may appear anywhere. A second round changes states and replays every request with the ETag of
the first round: a 304 is only allowed when the content really is unchanged.
"""

# ruff: noqa: F811  (fixtures imported from public_fixtures)

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from extranet.models import PublicationRequest, PublicFile, PublicSnapshot
from extranet.portal.public.export import export_portal
from extranet.portal.public.queries import NO_COMMUNE
from extranet.portal.public.sections import collection_names, section_of_kind, sections
from extranet.portal.registry import PublishableKind, publishable_kinds
from extranet.portal.services import approve_publication, public_id_for
from tests.extranet.portal.public_fixtures import (  # noqa: F401 — fixtures
    Workflow,
    contributor,
    general_admin,
    portal_kinds,
    portal_storage,
    workflow,
)

pytestmark = pytest.mark.django_db

STATES = (
    "draft",
    "submitted",
    "rejected",
    "withdrawn",
    "approved",
    "edited",
    "edit_rejected",
    "superseded",
    "unpublished",
)
COMMUNES = ("Lavaur", "Saint-Pierre", "Puylaurens", "Sorèze")
THEMES = ("Musique", "Randonnée", "Patrimoine")
MARKER = re.compile(r"Q[A-Z]{3}[0-9]{5}Z")


@dataclass
class Population:
    public: set[str] = field(default_factory=set)
    hidden: set[str] = field(default_factory=set)
    public_ids: set[tuple[str, str]] = field(default_factory=set)  # (section, public_id)
    communes: set[tuple[str, str]] = field(default_factory=set)  # (section, commune slug)
    months: set[tuple[str, int, int]] = field(default_factory=set)
    counter: int = 0

    def marker(self, state: str) -> str:
        self.counter += 1
        return f"Q{state[:3].upper()}{self.counter:05d}Z"


def _payload(
    kind: PublishableKind, marker: str, rng: random.Random, population: Population
) -> dict[str, Any]:
    now = timezone.now().replace(microsecond=0)
    start = now + timedelta(days=rng.randint(-60, 90), hours=rng.randint(0, 23))
    all_day = kind.field("all_day") is not None and rng.random() < 0.3
    end = start + timedelta(hours=rng.choice([1, 2, 30, 80]))
    commune = f"Commune {marker}" if rng.random() < 0.3 else rng.choice(COMMUNES)
    theme = f"Thème {marker}" if rng.random() < 0.3 else rng.choice(THEMES)
    data: dict[str, Any] = {}
    for public_field in kind.fields:
        name = public_field.name
        if name in ("start", "end"):
            moment = start if name == "start" else end
            if all_day:
                data[name] = timezone.localtime(moment).date().isoformat()
            else:
                data[name] = timezone.localtime(moment).isoformat()
        elif name == "all_day":
            data[name] = all_day
        elif name in ("pages", "file_size"):
            data[name] = rng.randint(1, 5000)
        elif name == "commune":
            data[name] = commune
        elif name == "theme":
            data[name] = theme
        elif name in ("url", "website"):
            data[name] = f"https://exemple.test/{marker}"
        elif name == "emails":
            data[name] = [f"{marker}@exemple.test"]
        elif name == "phones":
            data[name] = ["05 63 00 00 00"]
        elif name in ("functions", "themes"):
            data[name] = [f"{name} {marker}"]
        elif name == "description":
            data[name] = f"Texte **{marker}** <script>alert('{marker}')</script>"
        elif name == "language":
            data[name] = "fr"
        elif name == "sessions":
            # A course's sessions (kind "course"): dated parts at a place, one event each.
            parts = [
                {
                    "start": timezone.localtime(s).isoformat(),
                    "end": timezone.localtime(e).isoformat(),
                }
                for s, e in ((start, start + timedelta(hours=3)), (end, end + timedelta(hours=3)))
            ]
            data[name] = [
                {
                    "id": marker,
                    "start": parts[0]["start"],
                    "end": parts[-1]["end"],
                    "parts": parts,
                    "place": f"Lieu {marker}",
                    "address": "",
                    "commune": commune,
                    "online": False,
                }
            ]
        else:
            data[name] = f"{public_field.label} {marker}"
    # Registered kinds name their title "title" or "name".
    data.setdefault("title", f"Titre {marker}")
    if "name" in {f.name for f in kind.fields}:
        data["name"] = f"Nom {marker}"
    population.communes.add((_section(kind), slugify(commune) or NO_COMMUNE))
    if kind.bounds is not None:
        local = timezone.localtime(start)
        population.months.add((_section(kind), local.year, local.month))
    return data


def _section(kind: PublishableKind) -> str:
    section = section_of_kind(kind.name)
    assert section is not None
    return section.slug


def _files(kind: PublishableKind, marker: str) -> list[tuple[str, str, bytes]] | None:
    if kind.files is None:
        return None
    return [(f"doc-{marker}.pdf", "application/pdf", f"%PDF-1.4 {marker}".encode())]


def _populate(flow: Workflow, rng: random.Random, count: int) -> tuple[Population, list]:
    population = Population()
    kinds = [k for k in publishable_kinds() if section_of_kind(k.name) is not None]
    items = []
    for index in range(count):
        kind = rng.choice(kinds)
        state = STATES[index % len(STATES)]
        key = f"source-{index}"
        items.append((kind, key, state))
        _apply(flow, rng, population, kind, key, state)
    return population, items


def _apply(
    flow: Workflow,
    rng: random.Random,
    population: Population,
    kind: PublishableKind,
    key: str,
    state: str,
) -> None:
    def fresh(label: str) -> tuple[str, dict[str, Any], list | None]:
        marker = population.marker(label)
        return marker, _payload(kind, marker, rng, population), _files(kind, marker)

    marker, payload, files = fresh(state)
    if state == "draft":
        flow.sources.set(kind.name, key, payload, files)
        population.hidden.add(marker)
    elif state in ("submitted", "rejected", "withdrawn"):
        request = flow.submit(kind.name, key, payload, files)
        if state == "rejected":
            flow.reject(request)
        elif state == "withdrawn":
            flow.withdraw(request)
        population.hidden.add(marker)
        public_id = public_id_for(kind.name, key, kind.title_of(payload))
        population.public_ids.add((_section(kind), public_id))
    else:
        snapshot = flow.publish(kind.name, key, payload, files)
        population.public_ids.add((_section(kind), snapshot.public_id))
        if state == "unpublished":
            flow.unpublish(kind.name, key)
            population.hidden.add(marker)
        elif state == "superseded":
            population.hidden.add(marker)
            marker2, payload2, files2 = fresh("new")
            flow.publish(kind.name, key, payload2, files2)
            population.public.add(marker2)
        elif state in ("edited", "edit_rejected"):
            population.public.add(marker)
            marker2, payload2, files2 = fresh("pending")
            request = flow.submit(kind.name, key, payload2, files2)
            if state == "edit_rejected":
                flow.reject(request)
            population.hidden.add(marker2)
        else:
            population.public.add(marker)


def _urls(population: Population) -> list[str]:
    """Every public URL worth asking, including those of items that are not public."""
    urls = [
        reverse("portal:home"),
        reverse("portal:sitemap"),
        reverse("portal:data"),
        reverse("portal:embed"),
        reverse("portal:embed_agenda") + "?limit=30",
        reverse("portal:openapi"),
        reverse("portal:atom_all"),
    ]
    for section in sections():
        base = reverse("portal:section", args=[section.slug])
        urls += [base, base + "?from=2000-01-01&to=2100-12-31"]
        urls.append(reverse("portal:atom", args=[section.slug]))
        if section.is_dated:
            urls.append(reverse("portal:ics", args=[section.slug]))
            urls.append(reverse("portal:month_current", args=[section.slug]))
    for section_slug, year, month in sorted(population.months):
        urls.append(reverse("portal:month", args=[section_slug, year, month]))
    for section_slug, commune in sorted(population.communes):
        urls.append(reverse("portal:commune", args=[section_slug, commune]))
    for name in collection_names():
        urls.append(reverse("portal:api_list", kwargs={"name": name}) + "?per_page=200")
    for section_slug, public_id in sorted(population.public_ids):
        urls.append(reverse("portal:api_item", kwargs={"public_id": public_id}))
        urls.append(reverse("portal:item", args=[section_slug, public_id]))
    for public_file in PublicFile.objects.select_related("snapshot"):
        owner = section_of_kind(public_file.snapshot.kind)
        assert owner is not None
        urls.append(
            reverse(
                "portal:file",
                args=[owner.slug, public_file.snapshot.public_id, public_file.pk, "f.pdf"],
            )
        )
    return urls


def _fetch(client, url: str, seen: dict[str, bytes], etags: dict[str, str]) -> None:
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    seen[url] = body
    if response.status_code == 200:
        etags[url] = response["ETag"]
        # Every further page of a paginated list or collection.
        links = re.findall(rb'href="([^"]*[?&]page=\d+[^"]*)"', body) if b"<html" in body else []
        for link in links:
            target = link.decode().replace("&amp;", "&")
            if target.startswith("?"):
                target = url.split("?")[0] + target
            if target not in seen:
                _fetch(client, target, seen, etags)
        if "json" in response["Content-Type"] and b'"next":"' in body:
            following = re.search(rb'"next":"([^"]+)"', body)
            assert following is not None
            target = following.group(1).decode().replace("http://testserver", "")
            if target not in seen:
                _fetch(client, target, seen, etags)


def _text(body: bytes) -> str:
    # iCalendar folds long lines: unfold before looking for markers.
    return body.decode("utf-8", errors="replace").replace("\r\n ", "")


def _check(outputs: dict[str, str], population: Population) -> None:
    everything = "\n".join(outputs.values())
    found = set(MARKER.findall(everything))
    leaked = found & population.hidden
    assert not leaked, {
        marker: [where for where, text in outputs.items() if marker in text][:5]
        for marker in sorted(leaked)[:10]
    }
    assert found <= population.public | population.hidden  # no marker from nowhere
    missing = population.public - found
    assert not missing, sorted(missing)[:10]


def _export(tmp_path, name: str) -> dict[str, str]:
    out = tmp_path / name
    summary = export_portal(out)
    assert not summary.broken_links, summary.broken_links[:5]
    return {
        f"export:{path.relative_to(out)}": _text(path.read_bytes())
        for path in out.rglob("*")
        if path.is_file()
    }


def _round(client, population: Population, tmp_path, name: str):
    seen: dict[str, bytes] = {}
    etags: dict[str, str] = {}
    for url in _urls(population):
        if url not in seen:
            _fetch(client, url, seen, etags)
    outputs = {url: _text(body) for url, body in seen.items()}
    outputs.update(_export(tmp_path, name))
    _check(outputs, population)
    # Every public marker is on its item's page and in the JSON API, not only somewhere.
    api = "".join(text for url, text in outputs.items() if "/api/v1/" in url)
    assert population.public <= set(MARKER.findall(api))
    return seen, etags


@pytest.mark.parametrize("seed", [7, 2026])
def test_only_current_snapshots_are_public_everywhere(client, workflow, tmp_path, seed):
    rng = random.Random(seed)
    population, items = _populate(workflow, rng, count=150)
    assert PublicSnapshot.objects.filter(is_current=True).exists()
    first_bodies, first_etags = _round(client, population, tmp_path, "export-1")

    # Round 2: unpublish some public items, approve some pending edits, withdraw others.
    for kind, key, state in items:
        current = PublicSnapshot.objects.filter(kind=kind.name, source_key=key, is_current=True)
        if state == "approved" and rng.random() < 0.5:
            old = current.get()
            workflow.unpublish(kind.name, key)
            hidden = set(MARKER.findall(str(old.data)))
            population.public -= hidden
            population.hidden |= hidden
        elif state == "edited" and rng.random() < 0.5:
            pending = PublicationRequest.objects.pending().get(kind=kind.name, source_key=key)
            old = current.get()
            approve_publication(reviewer=workflow.admin, request=pending)
            new_markers = set(MARKER.findall(str(pending.payload)))
            old_markers = set(MARKER.findall(str(old.data)))
            population.public = (population.public - old_markers) | new_markers
            population.hidden = (population.hidden - new_markers) | old_markers
    _round(client, population, tmp_path, "export-1")  # re-exported in place: removals checked

    # Conditional requests with the first round's ETags: 304 only when nothing changed.
    not_modified = 0
    for url, etag in first_etags.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        if response.status_code == 304:
            not_modified += 1
            fresh = client.get(url)
            body = b"".join(fresh.streaming_content) if fresh.streaming else fresh.content
            assert body == first_bodies[url], url
    assert 0 < not_modified < len(first_etags)
