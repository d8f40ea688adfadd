"""Feeds and API of the portal: iCalendar, Atom, JSON-LD, OpenAPI, conditional GET and CORS."""

# ruff: noqa: F811  (fixtures imported from public_fixtures)

from __future__ import annotations

import json
from datetime import timedelta

import icalendar
import pytest
import recurring_ical_events
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.http import http_date
from lxml import etree

from extranet.portal.public import api
from extranet.portal.public.openapi import ITEM_PLACEHOLDER
from tests.extranet.portal.public_fixtures import (  # noqa: F401 — fixtures
    brochure_payload,
    contributor,
    event_payload,
    general_admin,
    portal_kinds,
    portal_storage,
    workflow,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
# schema.org types the portal may emit (kinds' own mappings included once they land).
SCHEMA_TYPES = {
    "Event",
    "Organization",
    "Person",
    "DigitalDocument",
    "CreativeWork",
    "Course",
    "CourseInstance",
    "LocalBusiness",
    "MedicalOrganization",
    "Place",
}


def in_days(days: int, hour: int = 18):
    now = timezone.localtime()
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


# --- iCalendar --------------------------------------------------------------------------------


def test_ics_parses_and_keeps_uids_across_versions(client, workflow):
    long_text = "Première ligne, avec ; et \\ et des accents : " + "é" * 120
    workflow.publish(
        "event", "e/1", event_payload("Concert", start=in_days(3), description=long_text)
    )
    workflow.publish("event", "e/2", event_payload("Fête", start=in_days(5), all_day=True))
    response = client.get("/portal/events.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Concert", "Fête"}
    assert str(events["Concert"]["DESCRIPTION"]) == long_text
    assert str(events["Concert"]["LOCATION"]) == "Salle des fêtes, Saint-Pierre"
    assert events["Concert"]["DTSTART"].dt == in_days(3)
    party = events["Fête"]
    assert party["DTSTART"].dt == in_days(5).date()
    assert party["DTEND"].dt == in_days(5).date() + timedelta(days=1)  # exclusive end
    uid = str(events["Concert"]["UID"])

    workflow.publish("event", "e/1", event_payload("Concert déplacé", start=in_days(4)))
    calendar = icalendar.Calendar.from_ical(client.get("/portal/events.ics").content)
    moved = next(e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Concert déplacé")
    assert str(moved["UID"]) == uid
    assert int(moved["SEQUENCE"]) == 1

    # A calendar client's view: the events of the next ten days, expanded.
    between = recurring_ical_events.of(calendar).between(timezone.localdate(), in_days(10).date())
    assert {str(e["SUMMARY"]) for e in between} == {"Concert déplacé", "Fête"}


def test_ics_filters_and_rejects_bad_parameters(client, workflow):
    workflow.publish("event", "e/1", event_payload("Bal", start=in_days(2), commune="Lavaur"))
    workflow.publish(
        "event", "e/2", event_payload("Rando", start=in_days(20), commune="Sorèze", theme="Nature")
    )

    def summaries(**params):
        calendar = icalendar.Calendar.from_ical(client.get("/portal/events.ics", params).content)
        return {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}

    assert summaries() == {"Bal", "Rando"}
    assert summaries(commune="Lavaur") == {"Bal"}
    assert summaries(theme="Nature") == {"Rando"}
    assert summaries(**{"from": in_days(10).date().isoformat()}) == {"Rando"}
    assert summaries(to=in_days(10).date().isoformat()) == {"Bal"}
    assert client.get("/portal/events.ics", {"from": "demain"}).status_code == 400
    assert client.get("/portal/brochures.ics").status_code == 404


# --- Atom -------------------------------------------------------------------------------------


def test_atom_feed_has_the_required_elements(client, workflow):
    first = workflow.publish("event", "e/1", event_payload("Concert"))
    workflow.publish("event", "e/2", event_payload("Bal"))
    response = client.get("/portal/feeds/events.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None  # entries have no author
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/portal/feeds/events.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = set()
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
        ids.add(entry.find(f"{ATOM}id").text)
    assert len(ids) == 2

    workflow.publish("event", "e/1", event_payload("Concert (nouvelle date)"))
    feed = etree.fromstring(client.get("/portal/feeds/events.atom").content)
    newest = feed.findall(f"{ATOM}entry")[0]
    assert newest.find(f"{ATOM}title").text == "Concert (nouvelle date)"
    assert newest.find(f"{ATOM}id").text in ids  # same entry, updated
    assert first.public_id in newest.find(f"{ATOM}link").get("href")
    assert etree.fromstring(client.get("/portal/feeds/all.atom").content).tag == f"{ATOM}feed"


# --- JSON API and JSON-LD ---------------------------------------------------------------------


def test_json_api_pages_and_filters(client, workflow):
    for number in range(5):
        workflow.publish(
            "event", f"e/{number}", event_payload(f"E{number}", start=in_days(number + 1))
        )
    response = client.get("/portal/api/v1/events.json", {"per_page": 2})
    body = response.json()
    assert (body["count"], body["page"], body["pages"], len(body["items"])) == (5, 1, 3, 2)
    assert body["next"] == "http://testserver/portal/api/v1/events.json?page=2&per_page=2"
    assert body["previous"] is None
    assert 'rel="next"' in response["Link"]
    last = client.get("/portal/api/v1/events.json", {"per_page": 2, "page": 3}).json()
    assert [item["name"] for item in last["items"]] == ["E4"]
    assert client.get("/portal/api/v1/event.json").json()["count"] == 5
    assert client.get("/portal/api/v1/events.json", {"commune": "Nulle"}).json()["count"] == 0
    for params in ({"per_page": 0}, {"page": "x"}, {"from": "2026-13-01"}, {"kind": "brochure"}):
        bad = client.get("/portal/api/v1/events.json", params)
        assert bad.status_code == 400
        assert "error" in bad.json()
    missing = client.get("/portal/api/v1/nothing.json")
    assert missing.status_code == 404 and missing.json() == {"error": "not found"}


def test_json_ld_objects_are_schema_org(client, workflow):
    event = workflow.publish("event", "e/1", event_payload("Concert"))
    brochure = workflow.publish(
        "brochure",
        "7",
        brochure_payload("Guide"),
        files=[("guide.pdf", "application/pdf", b"%PDF-1.4")],
    )
    workflow.publish("testcard", "c/1", {"name": "Mairie", "commune": "Lavaur"})
    for name in ("events", "brochures", "testdirectory", "testtraining"):
        for item in client.get(f"/portal/api/v1/{name}.json").json()["items"]:
            assert item["@context"] == "https://schema.org"
            assert item["@type"] in SCHEMA_TYPES
            assert item["url"].startswith("http://testserver/portal/")
    response = client.get(f"/portal/api/v1/items/{event.public_id}.json")
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    obj = response.json()
    assert obj["@type"] == "Event" and obj["name"] == "Concert"
    assert obj["startDate"] and obj["location"]["@type"] == "Place"
    document = client.get(f"/portal/api/v1/items/{brochure.public_id}.json").json()
    assert document["@type"] == "DigitalDocument"
    download = client.get(document["encoding"]["contentUrl"].replace("http://testserver", ""))
    assert download.status_code == 200
    workflow.unpublish("event", "e/1")
    assert client.get(f"/portal/api/v1/items/{event.public_id}.json").status_code == 404


def test_a_kind_mapping_is_used_when_given(client, workflow, portal_kinds):
    import dataclasses

    from extranet.portal import registry

    kind = registry._KINDS["testcard"]
    registry._KINDS["testcard"] = dataclasses.replace(
        kind,
        schema_org=lambda data, url: {
            "@context": "https://schema.org",
            "@type": "LocalBusiness",
            "name": data["name"],
            "url": url,
        },
    )
    snapshot = workflow.publish("testcard", "c/1", {"name": "Boulangerie", "commune": "Lavaur"})
    obj = client.get(f"/portal/api/v1/items/{snapshot.public_id}.json").json()
    assert obj["@type"] == "LocalBusiness"
    assert obj["identifier"] == snapshot.public_id


# --- OpenAPI ----------------------------------------------------------------------------------


def _json_routes() -> set[str]:
    """URL patterns of the portal that answer JSON, from the URL conf itself."""
    found = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".json"):
                found.add(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    return {route for route in found if route.startswith("portal/")}


def test_openapi_documents_exactly_the_json_endpoints(client, workflow):
    workflow.publish("event", "e/1", event_payload("Concert"))
    response = client.get(reverse("portal:openapi"))
    assert response["Content-Type"].startswith("application/openapi+json")
    document = json.loads(response.content)
    assert document["openapi"] == "3.1.0"
    paths = document["paths"]
    views = set()
    for path in paths:
        concrete = path.replace(ITEM_PLACEHOLDER, "some-item-1234")
        match = resolve(concrete)  # every documented path resolves…
        views.add(match.func.__name__)
        assert match.func in (api.api_list, api.api_item), path
        assert set(paths[path]) == {"get"}
    assert views == {"api_list", "api_item"}
    # … and every JSON route of the URL conf (but the document itself) is documented.
    assert _json_routes() == {
        "portal/api/v1/<slug:name>.json",
        "portal/api/v1/items/<slug:public_id>.json",
        "portal/api/openapi.json",
    }
    from extranet.portal.public.sections import collection_names

    listed = {path for path in paths if ITEM_PLACEHOLDER not in path}
    assert listed == {reverse("portal:api_list", args=[n]) for n in collection_names()}
    for name in collection_names():
        assert client.get(reverse("portal:api_list", args=[name])).status_code == 200


def test_openapi_document_is_valid():
    validator = pytest.importorskip("openapi_spec_validator")
    from extranet.portal.public.openapi import document

    validator.validate(document())


# --- Conditional GET, cache headers, CORS -----------------------------------------------------

CACHEABLE = [
    "/portal/",
    "/portal/events/",
    "/portal/events.ics",
    "/portal/api/v1/events.json",
    "/portal/feeds/events.atom",
    "/portal/sitemap.xml",
    "/portal/embed/agenda",
]


@pytest.mark.parametrize("url", CACHEABLE)
def test_conditional_get_answers_304_until_an_unpublish(client, workflow, settings, url):
    settings.PORTAL_CACHE_MAX_AGE = 120
    workflow.publish("event", "e/1", event_payload("Concert"))
    workflow.publish("event", "e/2", event_payload("Bal"))
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=120"
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    workflow.unpublish("event", "e/2")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_etag_changes_with_a_new_version_and_the_language(client, workflow):
    workflow.publish("event", "e/1", event_payload("Concert"))
    etag = client.get("/portal/events/")["ETag"]
    workflow.publish("event", "e/1", event_payload("Concert modifié"))
    assert client.get("/portal/events/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    etag = client.get("/portal/events/")["ETag"]
    english = client.get("/portal/events/", HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and english["ETag"] != etag
    # An approval elsewhere does not disturb the cache of this section.
    workflow.publish("brochure", "7", brochure_payload("Guide"), files=[("g.pdf", "x", b"1")])
    assert client.get("/portal/events/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_if_modified_since_in_the_past_gets_the_page(client, workflow):
    workflow.publish("event", "e/1", event_payload("Concert"))
    old = http_date((timezone.now() - timedelta(days=3)).timestamp())
    assert client.get("/portal/events.ics", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_cors_only_for_configured_origins(client, workflow, settings):
    workflow.publish("event", "e/1", event_payload("Concert"))
    url = "/portal/api/v1/events.json"
    response = client.get(url, HTTP_ORIGIN="https://portail.example")
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in response["Vary"]
    settings.PORTAL_CORS_ORIGINS = ["https://portail.example"]
    response = client.get(url, HTTP_ORIGIN="https://portail.example")
    assert response["Access-Control-Allow-Origin"] == "https://portail.example"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    other = client.get(url, HTTP_ORIGIN="https://ailleurs.example")
    assert "Access-Control-Allow-Origin" not in other
    etag = response["ETag"]
    not_modified = client.get(url, HTTP_ORIGIN="https://portail.example", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304
    assert not_modified["Access-Control-Allow-Origin"] == "https://portail.example"
    preflight = client.options(
        url,
        HTTP_ORIGIN="https://portail.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    for feed in ("/portal/events.ics", "/portal/feeds/events.atom"):
        response = client.get(feed, HTTP_ORIGIN="https://portail.example")
        assert response["Access-Control-Allow-Origin"] == "https://portail.example"
    settings.PORTAL_CORS_ORIGINS = ["*"]
    response = client.get(url, HTTP_ORIGIN="https://nimporte.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    page = client.get("/portal/", HTTP_ORIGIN="https://portail.example")
    assert "Access-Control-Allow-Origin" not in page


def test_writes_are_refused(client):
    assert client.post("/portal/api/v1/events.json").status_code == 405
    assert client.post("/portal/").status_code in (403, 405)  # CSRF first, then 405
    assert client.delete("/portal/events.ics").status_code == 405


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_extreme_dates_are_no_error(client, workflow, day):
    workflow.publish("event", "e/1", event_payload("Concert"))
    for url in ("/portal/events.ics", "/portal/api/v1/events.json", "/portal/events/"):
        assert client.get(url, {"from": day, "to": day}).status_code == 200
