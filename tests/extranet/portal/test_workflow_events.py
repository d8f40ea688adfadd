"""Calendar events through the editorial workflow: the payload convention, and proposals read
from a real Radicale through the web agenda's CalDAV client."""

# ruff: noqa: F811  (fixtures imported from workflow_fixtures / tests.calendars.conftest)

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from calendars.publishing import (
    event_bounds,
    event_payload,
    event_place,
    key_for_collection,
    source_from,
)
from calendars.services.events import EventDetails, Recurrence, create_event, update_event
from calendars.services.space_calendars import sync_user_links
from extranet.models import PublicationRequest, PublicationState, PublicSnapshot
from extranet.portal.services import NotPublishable, approve_publication, submit_publication
from tests.calendars.conftest import (  # noqa: F401  (fixtures of the live Radicale)
    dav_server,
    radicale_storage_kind,
)
from tests.extranet.portal.workflow_fixtures import general_admin  # noqa: F401  (fixture)

PARIS = ZoneInfo("Europe/Paris")
SPACE_CALENDAR = "espace-elus--agenda"

MARKET = EventDetails(
    summary="Marché de Noël",
    start=date(2026, 12, 12),
    end=date(2026, 12, 14),  # exclusive, as in iCalendar: the 12th and the 13th
    location="Place de l'Église",
    description="Quarante exposants.",
    categories=("Marché", "Noël"),
    commune="Saint-Aubin-sur-Loire",
)
CONCERT = EventDetails(
    summary="Concert de l'école de musique",
    start=datetime(2026, 12, 18, 20, 30, tzinfo=PARIS),
    end=datetime(2026, 12, 18, 22, 0, tzinfo=PARIS),
    location="Église Saint-Martin",
    commune="Vernoux-en-Vallée",
)


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    # The same folder as the dav_server fixture: spaces made before it must not land in var/.
    settings.RADICALE_STORAGE_DIR = tmp_path / "radicale"


# --- the payload convention (no server needed) ------------------------------------------------


def test_all_day_event_payload_gives_the_last_day_and_an_exclusive_instant(space):
    data = event_payload(source_from(space, "agenda", "marche-1", MARKET))

    assert data == {
        "title": "Marché de Noël",
        "description": "Quarante exposants.",
        "start": "2026-12-12",
        "end": "2026-12-13",
        "all_day": True,
        "location": "Place de l'Église",
        "commune": "Saint-Aubin-sur-Loire",
        "theme": "Marché",
        "url": "",
        "organizer": space.name,
    }
    starts_at, ends_at = event_bounds(data)
    assert starts_at == datetime(2026, 12, 12, tzinfo=PARIS)
    assert ends_at == datetime(2026, 12, 14, tzinfo=PARIS)
    assert event_place(data) == ("Saint-Aubin-sur-Loire", "Marché")


def test_timed_event_payload_is_local_iso_with_offset(space):
    data = event_payload(source_from(space, "agenda", "concert-1", CONCERT))

    assert (data["start"], data["end"], data["all_day"]) == (
        "2026-12-18T20:30:00+01:00",
        "2026-12-18T22:00:00+01:00",
        False,
    )
    assert event_bounds(data) == (CONCERT.start, CONCERT.end)
    assert event_place(data) == ("Vernoux-en-Vallée", "")


def test_recurring_events_and_personal_calendars_are_not_publishable(space):
    weekly = EventDetails(
        summary="Permanence",
        start=CONCERT.start,
        end=CONCERT.end,
        recurrence=Recurrence.WEEKLY,
        until=date(2027, 1, 30),
    )
    with pytest.raises(NotPublishable):
        source_from(space, "agenda", "perm-1", weekly)
    assert key_for_collection("personnel", "x") is None
    assert key_for_collection(SPACE_CALENDAR, "a/b@c") == "elus/agenda/a/b@c"


# --- through Radicale -------------------------------------------------------------------------


def _create(user, space, details: EventDetails) -> str:
    sync_user_links(user)
    return create_event(user=user, space=space, collection=SPACE_CALENDAR, details=details)


@pytest.mark.slow
def test_an_editor_proposes_a_space_event_and_approval_fills_dates_and_place(
    dav_server, space, editor, member, reader, outsider, general_admin
):
    uid = _create(editor, space, MARKET)
    key = f"elus/agenda/{uid}"

    request = submit_publication(user=editor, kind="event", source_key=key)

    assert request.payload["commune"] == "Saint-Aubin-sur-Loire"  # X-MAILLAGE-COMMUNE round trip
    assert request.payload["end"] == "2026-12-13"
    for user in (member, reader):
        sync_user_links(user)
        with pytest.raises(PermissionDenied):
            submit_publication(user=user, kind="event", source_key=key)
    with pytest.raises(Http404):
        submit_publication(user=outsider, kind="event", source_key=key)
    with pytest.raises(Http404):
        submit_publication(user=editor, kind="event", source_key="elus/agenda/no-such-uid")
    with pytest.raises(Http404):
        submit_publication(user=editor, kind="event", source_key="elus/autre/" + uid)

    snapshot = approve_publication(reviewer=general_admin, request=request)

    assert (snapshot.starts_at, snapshot.ends_at) == (
        datetime(2026, 12, 12, tzinfo=PARIS),
        datetime(2026, 12, 14, tzinfo=PARIS),
    )
    assert (snapshot.commune, snapshot.theme) == ("Saint-Aubin-sur-Loire", "Marché")

    # Changed in the agenda afterwards: the public version stays as approved.
    update_event(
        user=editor,
        space=space,
        collection=SPACE_CALENDAR,
        uid=uid,
        details=EventDetails(
            summary="Marché de Noël (annulé)",
            start=MARKET.start,
            end=MARKET.end,
            commune="Saint-Aubin-sur-Loire",
        ),
    )
    (public,) = PublicSnapshot.objects.public()
    assert public.title == "Marché de Noël"
    assert public.pk == snapshot.pk


def _detail(uid: str) -> str:
    return reverse(
        "calendars:event_detail", kwargs={"slug": "elus", "collection": SPACE_CALENDAR, "uid": uid}
    )


def _propose_url(uid: str) -> str:
    return reverse(
        "calendars:event_propose",
        kwargs={"slug": "elus", "collection": SPACE_CALENDAR, "uid": uid},
    )


@pytest.mark.slow
def test_the_event_page_offers_editors_to_propose_and_shows_the_state(
    dav_server, client, space, editor, member
):
    uid = _create(editor, space, CONCERT)
    client.force_login(editor)

    page = client.get(_detail(uid)).content.decode()
    assert "Pas publié sur le portail." in page
    assert f'action="{_propose_url(uid)}"' in page
    assert "Proposer au portail" in page
    assert "Vernoux-en-Vallée" in page  # the commune is shown with the event

    response = client.post(_propose_url(uid))

    assert response.status_code == 302
    assert response["Location"] == _detail(uid)
    request = PublicationRequest.objects.get()
    assert (request.state, request.submitted_by, request.source_key) == (
        PublicationState.SUBMITTED,
        editor,
        f"elus/agenda/{uid}",
    )
    page = client.get(_detail(uid)).content.decode()
    assert "Proposition en attente de relecture" in page
    assert "Mettre à jour la proposition" in page

    # From "My agenda" too (same event, through the person's home).
    mine = client.get(
        reverse("agenda:event_detail", kwargs={"collection": SPACE_CALENDAR, "uid": uid})
    )
    assert "Proposition en attente de relecture" in mine.content.decode()

    sync_user_links(member)
    client.force_login(member)
    page = client.get(_detail(uid)).content.decode()
    assert "Proposer au portail" not in page
    assert "Portail public" not in page
    assert client.post(_propose_url(uid)).status_code == 403
    assert PublicationRequest.objects.count() == 1


@pytest.mark.slow
def test_the_event_form_stores_the_commune(dav_server, client, space, editor):
    sync_user_links(editor)
    client.force_login(editor)
    day = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("calendars:event_create", kwargs={"slug": "elus"}),
        {
            "calendar": SPACE_CALENDAR,
            "title": "Randonnée des crêtes",
            "start_date": day.isoformat(),
            "start_time": "09:00",
            "end_date": day.isoformat(),
            "end_time": "13:00",
            "location": "Parvis de l'église",
            "commune": "Vernoux-en-Vallée",
            "description": "",
            "category": "Randonnée",
            "recurrence": "none",
            "until": "",
        },
    )
    assert response.status_code == 302

    from calendars.services.events import load_agenda

    agenda = load_agenda(user=editor, space=space, start=day, end=day + timedelta(days=1))
    (occurrence,) = agenda.occurrences
    request = submit_publication(
        user=editor, kind="event", source_key=f"elus/agenda/{occurrence.uid}"
    )
    assert (request.payload["commune"], request.payload["theme"]) == (
        "Vernoux-en-Vallée",
        "Randonnée",
    )
