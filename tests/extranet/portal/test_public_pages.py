"""Public portal pages: sections from the registry, filters, month view, items, files, embed,
three clicks, languages, and what a visitor must never meet (scripts, framing, stale items)."""

# ruff: noqa: F811  (fixtures imported from public_fixtures)

from __future__ import annotations

import re
from collections import deque
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from extranet.models import PublicFile
from extranet.portal import registry
from tests.extranet.portal.public_fixtures import (  # noqa: F401 — fixtures
    TEST_CARD,
    brochure_payload,
    contributor,
    event_payload,
    general_admin,
    portal_kinds,
    portal_storage,
    workflow,
)

pytestmark = pytest.mark.django_db

PDF = [("guide.pdf", "application/pdf", b"%PDF-1.4 guide v1")]


def in_days(days: int, hour: int = 18):
    now = timezone.localtime()
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def card(name: str, commune: str = "Lavaur") -> dict:
    return {
        "name": name,
        "commune": commune,
        "phones": ["05 63 58 00 00"],
        "emails": ["contact@exemple.test"],
        "website": "https://exemple.test",
        "description": "Accueil du public.",
    }


def test_home_shows_registered_sections_and_upcoming_events(client, workflow):
    workflow.publish("event", "e/1", event_payload("Bal du samedi", start=in_days(2)))
    workflow.publish("event", "e/2", event_payload("Concert passé", start=in_days(-5)))
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bal du samedi" in html
    assert "Concert passé" not in html  # upcoming only
    for slug in ("events", "brochures", "testdirectory", "testtraining"):
        assert f'href="/portal/{slug}/"' in html


def test_a_section_exists_only_while_its_kind_is_registered(client, workflow):
    workflow.publish("testcard", "c/1", card("Office de tourisme"))
    assert client.get("/portal/testdirectory/").status_code == 200
    del registry._KINDS[TEST_CARD.name]
    assert client.get("/portal/testdirectory/").status_code == 404
    assert "testdirectory" not in client.get("/portal/").content.decode()
    assert client.get("/portal/nothing-here/").status_code == 404


def test_event_filters_by_commune_theme_and_dates(client, workflow):
    workflow.publish("event", "e/1", event_payload("Bal", start=in_days(2), commune="Lavaur"))
    workflow.publish(
        "event", "e/2", event_payload("Rando", start=in_days(9), commune="Sorèze", theme="Nature")
    )
    workflow.publish("event", "e/3", event_payload("Ancien", start=in_days(-40)))
    url = reverse("portal:section", args=["events"])

    def titles(**params):
        html = client.get(url, params).content.decode()
        return {t for t in ("Bal", "Rando", "Ancien") if f">{t}</a>" in html}

    assert titles() == {"Bal", "Rando"}
    assert titles(commune="Sorèze") == {"Rando"}
    assert titles(theme="Nature") == {"Rando"}
    past = (timezone.localdate() - timedelta(days=60)).isoformat()
    soon = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert titles(**{"from": past, "to": soon}) == {"Bal", "Ancien"}
    response = client.get(url, {"from": "pas une date"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_event_list_paginates(client, workflow):
    for number in range(25):
        workflow.publish("event", f"e/{number}", event_payload(f"Séance {number:02d}"))
    url = reverse("portal:section", args=["events"])
    first = client.get(url).content.decode()
    assert "Page 1 sur 2" in first
    assert 'href="?page=2"' in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="portal-entry"') == 5


def test_month_view_is_an_accessible_table_with_navigation(client, workflow):
    start = in_days(40, hour=10)
    workflow.publish("event", "e/1", event_payload("Festival", start=start, hours=50))
    response = client.get(reverse("portal:month", args=["events", start.year, start.month]))
    html = response.content.decode()
    assert "<caption>" in html
    assert html.count('scope="col"') == 7
    assert 'rel="prev"' in html and 'rel="next"' in html
    # A three-day festival shows on each of its days that fall in the month.
    days_in_month = sum(1 for d in range(3) if (start + timedelta(days=d)).month == start.month)
    assert html.count(">Festival</a>") + html.count("</span> Festival</a>") >= days_in_month
    assert client.get(reverse("portal:month", args=["events", 2026, 13])).status_code == 404
    assert client.get(reverse("portal:month_current", args=["brochures"])).status_code == 404


def test_item_url_is_stable_across_versions_and_gone_once_unpublished(client, workflow):
    first = workflow.publish("event", "e/1", event_payload("Bal", description="Version une"))
    url = reverse("portal:item", args=["events", first.public_id])
    assert "Version une" in client.get(url).content.decode()
    second = workflow.publish("event", "e/1", event_payload("Bal", description="Version deux"))
    assert second.public_id == first.public_id
    html = client.get(url).content.decode()
    assert "Version deux" in html and "Version une" not in html
    assert (
        client.get(reverse("portal:item", args=["brochures", first.public_id])).status_code == 404
    )
    workflow.unpublish("event", "e/1")
    assert client.get(url).status_code == 404


def test_item_page_escapes_user_text(client, workflow):
    payload = event_payload(
        "<script>alert(1)</script>", description="**gras** <img src=x onerror=alert(2)>"
    )
    payload["url"] = "javascript:alert(3)"
    snapshot = workflow.publish("event", "e/1", payload)
    html = client.get(reverse("portal:item", args=["events", snapshot.public_id])).content.decode()
    assert "<script>" not in html
    assert "<img" not in html
    assert "<strong>gras</strong>" in html
    assert 'href="javascript:' not in html


def test_brochure_file_is_served_only_from_the_current_version(client, workflow):
    first = workflow.publish("brochure", "7", brochure_payload("Guide"), files=PDF)
    old_file = PublicFile.objects.get(snapshot=first)
    page = client.get(reverse("portal:item", args=["brochures", first.public_id])).content
    match = re.search(rb'href="(/portal/brochures/[^"]+/files/[^"]+)" download', page)
    assert match
    response = client.get(match.group(1).decode())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 guide v1"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    workflow.publish(
        "brochure", "7", brochure_payload("Guide"), files=[("g.pdf", "application/pdf", b"v2")]
    )
    assert client.get(match.group(1).decode()).status_code == 404
    new_file = PublicFile.objects.exclude(pk=old_file.pk).get()
    new_url = reverse("portal:file", args=["brochures", first.public_id, new_file.pk, "g.pdf"])
    assert client.get(new_url).status_code == 200
    workflow.unpublish("brochure", "7")
    assert client.get(new_url).status_code == 404


def test_directory_sections_group_by_kind_and_commune(client, workflow):
    workflow.publish("testcard", "c/1", card("Mairie de Lavaur"))
    workflow.publish("testcard", "c/2", card("Mairie de Sorèze", commune="Sorèze"))
    html = client.get("/portal/testdirectory/").content.decode()
    assert 'href="/portal/testdirectory/communes/soreze/"' in html
    commune = client.get("/portal/testdirectory/communes/soreze/").content.decode()
    assert "Mairie de Sorèze" in commune and "Mairie de Lavaur" not in commune
    filtered = client.get("/portal/testdirectory/", {"commune": "Lavaur"}).content.decode()
    assert "Mairie de Lavaur" in filtered and "Mairie de Sorèze" not in filtered
    assert client.get("/portal/testdirectory/communes/paris/").status_code == 404


def test_every_item_is_within_three_clicks_of_the_home_page(client, workflow):
    expected = set()
    for number in range(30):  # more than a page of events, some past
        snapshot = workflow.publish(
            "event", f"e/{number}", event_payload(f"E{number}", start=in_days(number * 7 - 60))
        )
        expected.add(reverse("portal:item", args=["events", snapshot.public_id]))
    for number in range(25):
        snapshot = workflow.publish("testcard", f"c/{number}", card(f"Fiche {number}"))
        expected.add(reverse("portal:item", args=["testdirectory", snapshot.public_id]))
    snapshot = workflow.publish("brochure", "7", brochure_payload("Guide"), files=PDF)
    expected.add(reverse("portal:item", args=["brochures", snapshot.public_id]))

    reached, queue = {"/portal/": 0}, deque(["/portal/"])
    while queue:
        url = queue.popleft()
        if reached[url] == 3:
            continue
        body = client.get(url).content.decode()
        for link in re.findall(r'href="(/portal/[^"?#]*)"', body):
            if link not in reached and link.endswith("/"):
                reached[link] = reached[url] + 1
                queue.append(link)
    assert expected <= set(reached)


def test_embed_agenda_may_be_framed_and_other_pages_may_not(client, workflow, settings):
    workflow.publish("event", "e/1", event_payload("Bal", start=in_days(2), commune="Lavaur"))
    workflow.publish("event", "e/2", event_payload("Rando", start=in_days(3), commune="Sorèze"))
    response = client.get(reverse("portal:embed_agenda"), {"commune": "Lavaur"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "Bal" in html and "Rando" not in html
    assert "<script" not in html
    assert 'target="_blank" rel="noopener"' in html
    revalidated = client.get(
        reverse("portal:embed_agenda"),
        {"commune": "Lavaur"},
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert revalidated.status_code == 304
    assert "frame-ancestors *" in revalidated["Content-Security-Policy"]
    assert "X-Frame-Options" not in revalidated
    settings.PORTAL_EMBED_ANCESTORS = ["https://www.pays.example"]
    response = client.get(reverse("portal:embed_agenda"), {"limit": "1"})
    assert "frame-ancestors https://www.pays.example" in response["Content-Security-Policy"]
    page = client.get(reverse("portal:home"))
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    doc = client.get(reverse("portal:embed")).content.decode()
    assert "&lt;iframe src=&quot;" in doc or '&lt;iframe src="' in doc


def test_pages_have_no_script_and_a_print_stylesheet(client, workflow):
    snapshot = workflow.publish("event", "e/1", event_payload("Bal"))
    urls = [
        reverse("portal:home"),
        reverse("portal:section", args=["events"]),
        reverse("portal:month_current", args=["events"]),
        reverse("portal:item", args=["events", snapshot.public_id]),
        reverse("portal:data"),
        reverse("portal:embed"),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "<script" not in html, url
        assert "/static/portal/portal.css" in html, url
        assert '<html lang="fr">' in html
    from django.contrib.staticfiles import finders

    with open(finders.find("portal/portal.css"), encoding="utf-8") as handle:
        css = handle.read()
    assert "@media print" in css


def test_language_switch_by_link_then_pages_in_english(client, workflow):
    response = client.get(reverse("portal:language", args=["en"]), {"next": reverse("portal:data")})
    assert response.status_code == 302 and response["Location"] == reverse("portal:data")
    html = client.get(reverse("portal:data")).content.decode()
    assert '<html lang="en">' in html
    assert "Open data and feeds" in html
    evil = client.get(reverse("portal:language", args=["fr"]), {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:language", args=["xx"])).status_code == 404


def test_pages_do_not_query_per_item(client, workflow, django_assert_max_num_queries):
    for number in range(15):
        workflow.publish("event", f"e/{number}", event_payload(f"E{number}", start=in_days(1)))
        workflow.publish("testcard", f"c/{number}", card(f"C{number}", commune=f"V{number}"))
    for url in (
        reverse("portal:home"),
        reverse("portal:section", args=["events"]),
        reverse("portal:section", args=["testdirectory"]),
        reverse("portal:month_current", args=["events"]),
        reverse("portal:embed_agenda"),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_sitemap_lists_current_items_only(client, workflow):
    kept = workflow.publish("event", "e/1", event_payload("Bal"))
    gone = workflow.publish("testcard", "c/1", card("Mairie"))
    workflow.unpublish("testcard", "c/1")
    response = client.get(reverse("portal:sitemap"))
    assert response["Content-Type"].startswith("application/xml")
    from lxml import etree

    root = etree.fromstring(response.content)
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"http://testserver/portal/events/{kept.public_id}/" in locs
    assert not any(gone.public_id in loc for loc in locs)
