"""The web agenda against a live Radicale: what a DAV client writes shows in the web, and back."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import caldav
import niquests
import pytest
from django.urls import reverse

from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links

SPACE_CALENDAR = "espace-elus--agenda"
SPACE_CALENDAR_NAME = "Agenda · Élus et agents du Pays"
UNAVAILABLE = "L&#x27;agenda est momentanément indisponible"
READ_ONLY = "Vous pouvez consulter cet agenda mais pas le modifier"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    # The same folder as the dav_server fixture: spaces made before it must not land in var/.
    settings.RADICALE_STORAGE_DIR = tmp_path / "radicale"


def dav_calendars(url: str, user: Any) -> dict[str, Any]:
    """The user's calendars as a DAV client with an app password sees them, by display name."""
    _app_password, secret = create_app_password(user=user, name="DAVx5")
    client = caldav.DAVClient(url=url, username=user.email, password=secret)
    return {c.get_display_name(): c for c in client.principal().calendars()}


def summaries(calendar: Any) -> list[str]:
    return sorted(str(e.icalendar_component["summary"]) for e in calendar.events())


def event_url(name: str, collection: str, uid: str, slug: str | None = None) -> str:
    kwargs = {"collection": collection, "uid": uid}
    if slug:
        return reverse(f"calendars:{name}", kwargs={"slug": slug, **kwargs})
    return reverse(f"agenda:{name}", kwargs=kwargs)


def month_table(response: Any) -> str:
    html = response.content.decode()
    return html[html.index('<table class="agenda-month">') : html.index("</table>")]


def event_form(**overrides: str) -> dict[str, str]:
    data = {
        "calendar": "personnel",
        "title": "Conseil communautaire",
        "start_date": "2026-12-03",
        "start_time": "18:00",
        "end_date": "2026-12-03",
        "end_time": "20:00",
        "location": "Salle des fêtes",
        "description": "Ordre du jour : budget.",
        "category": "Conseil",
        "recurrence": "none",
        "until": "",
    }
    data.update(overrides)
    return data


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/dav/"


# --- the same data for DAV clients and the web ------------------------------------------------


@pytest.mark.slow
def test_month_view_shows_an_event_created_by_a_dav_client(dav_server, client, space, member):
    sync_user_links(member)
    calendar = dav_calendars(dav_server, member)["Personnel"]
    start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    calendar.add_event(
        dtstart=start, dtend=start + timedelta(hours=2), summary="Conseil", uid="conseil-1"
    )

    client.force_login(member)
    response = client.get(reverse("agenda:index"), {"date": "2026-12-01"})

    assert response.status_code == 200
    table = month_table(response)
    assert "Conseil" in table
    assert "18:00" in table  # 17:00 UTC is 18:00 in Paris
    assert event_url("event_detail", "personnel", "conseil-1") in table
    assert 'fill="#1d4ed8"' in table  # the calendar's colour


@pytest.mark.slow
def test_event_created_in_the_web_is_seen_by_dav_clients(dav_server, client, space, member):
    client.force_login(member)
    response = client.post(reverse("agenda:event_create"), event_form(calendar=SPACE_CALENDAR))

    assert response.status_code == 302
    assert response["Location"] == reverse("agenda:index") + "?date=2026-12-03"
    (event,) = dav_calendars(dav_server, member)[SPACE_CALENDAR_NAME].events()
    component = event.icalendar_component
    assert str(component["summary"]) == "Conseil communautaire"
    assert component["dtstart"].dt == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    assert component["dtstart"].params["TZID"] == "Europe/Paris"
    assert str(component["location"]) == "Salle des fêtes"
    assert [str(c) for c in component["categories"].cats] == ["Conseil"]


@pytest.mark.slow
def test_edit_move_and_delete_through_the_web(dav_server, client, space, member):
    sync_user_links(member)
    calendars = dav_calendars(dav_server, member)
    start = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    # A UID no path could carry as is: the web encodes it.
    uid = "reunion/1 bis@phone.example"
    calendars["Personnel"].add_event(
        dtstart=start, dtend=start + timedelta(hours=1), summary="Réunion", uid=uid
    )
    client.force_login(member)

    page = client.get(event_url("event_edit", "personnel", uid))
    assert page.status_code == 200
    assert 'value="Réunion"' in page.content.decode()

    moved = client.post(
        event_url("event_edit", "personnel", uid),
        event_form(
            calendar=SPACE_CALENDAR,
            title="Réunion de bureau",
            start_date="2026-12-08",
            end_date="2026-12-08",
        ),
    )
    assert moved.status_code == 302
    assert moved["Location"] == event_url("event_detail", SPACE_CALENDAR, uid)
    assert calendars["Personnel"].events() == []
    (event,) = calendars[SPACE_CALENDAR_NAME].events()
    assert str(event.icalendar_component["uid"]) == uid
    assert str(event.icalendar_component["summary"]) == "Réunion de bureau"
    assert event.icalendar_component["dtstart"].dt.date() == date(2026, 12, 8)

    detail = client.get(moved["Location"])
    assert "Réunion de bureau" in detail.content.decode()

    deleted = client.post(event_url("event_delete", SPACE_CALENDAR, uid))
    assert deleted.status_code == 302
    assert calendars[SPACE_CALENDAR_NAME].events() == []
    assert client.get(event_url("event_detail", SPACE_CALENDAR, uid)).status_code == 404


@pytest.mark.slow
def test_weekly_event_is_expanded_in_the_month_view(dav_server, client, space, member):
    client.force_login(member)
    created = client.post(
        reverse("agenda:event_create"),
        event_form(title="Permanence", recurrence="WEEKLY", until="2026-12-31"),
    )
    assert created.status_code == 302

    table = month_table(client.get(reverse("agenda:index"), {"date": "2026-12-15"}))
    # Thursdays 3, 10, 17, 24 and 31 December; nothing after the end date.
    assert table.count('class="agenda-title">Permanence<') == 5

    (event,) = dav_calendars(dav_server, member)["Personnel"].events()
    rule = event.icalendar_component["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["UNTIL"][0].date() == date(2026, 12, 31)

    uid = str(event.icalendar_component["uid"])
    edit_page = client.get(event_url("event_edit", "personnel", uid)).content.decode()
    assert "toute la série" in edit_page


@pytest.mark.slow
def test_a_rule_from_a_dav_client_is_kept_when_the_web_edits_the_event(
    dav_server, client, space, member
):
    sync_user_links(member)
    calendar = dav_calendars(dav_server, member)["Personnel"]
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    calendar.add_event(
        dtstart=start,
        dtend=start + timedelta(hours=1),
        summary="Tournée",
        uid="tournee-1",
        rrule={"FREQ": "WEEKLY", "BYDAY": ["TU", "TH"], "COUNT": 4},
        alarm_trigger=timedelta(minutes=-15),
    )
    client.force_login(member)
    assert (
        month_table(client.get(reverse("agenda:index"), {"date": "2026-12-01"})).count(
            'class="agenda-title">Tournée<'
        )
        == 4
    )

    edit_url = event_url("event_edit", "personnel", "tournee-1")
    page = client.get(edit_url).content.decode()
    assert '<option value="custom" selected>' in page
    response = client.post(
        edit_url,
        event_form(
            title="Tournée des communes",
            start_date="2026-12-01",
            start_time="09:00",
            end_date="2026-12-01",
            end_time="10:00",
            recurrence="custom",
        ),
    )

    assert response.status_code == 302
    (event,) = calendar.events()
    component = event.icalendar_component
    assert str(component["summary"]) == "Tournée des communes"
    assert component["rrule"]["COUNT"] == [4]
    assert component["rrule"]["BYDAY"] == ["TU", "TH"]
    assert len(list(component.walk("VALARM"))) == 1  # what the web does not edit stays


@pytest.mark.slow
def test_all_day_event_over_two_days(dav_server, client, space, member):
    client.force_login(member)
    created = client.post(
        reverse("agenda:event_create"),
        event_form(
            title="Salon des maires",
            all_day="on",
            start_date="2026-12-10",
            start_time="",
            end_date="2026-12-11",
            end_time="",
        ),
    )
    assert created.status_code == 302

    (event,) = dav_calendars(dav_server, member)["Personnel"].events()
    assert event.icalendar_component["dtstart"].dt == date(2026, 12, 10)
    assert event.icalendar_component["dtend"].dt == date(2026, 12, 12)  # exclusive
    table = month_table(client.get(reverse("agenda:index"), {"date": "2026-12-01"}))
    assert table.count("Salon des maires") == 2
    week = client.get(reverse("agenda:week"), {"date": "2026-12-10"}).content.decode()
    all_day_row = week[week.index("Toute la journée") : week.index("Horaires")]
    assert all_day_row.count("Salon des maires") == 2


@pytest.mark.slow
def test_reader_cannot_create_in_the_space_calendar(dav_server, client, space, member, reader):
    client.force_login(reader)
    url = reverse("calendars:event_create", kwargs={"slug": space.slug})

    response = client.post(url, event_form(calendar=SPACE_CALENDAR, title="Intrus"))

    assert response.status_code == 403
    assert READ_ONLY in response.content.decode().replace("&#x27;", "'")
    assert dav_calendars(dav_server, member)[SPACE_CALENDAR_NAME].events() == []
    # The space agenda offers no "new event" to a reader; their own agenda still does.
    page = client.get(reverse("calendars:index", kwargs={"slug": space.slug})).content.decode()
    assert "Nouvel événement" not in page
    assert "lecture seule" in page
    own = client.post(reverse("agenda:event_create"), event_form(title="Perso"))
    assert own.status_code == 302


@pytest.mark.slow
def test_reader_sees_space_events_without_edit_links(dav_server, client, space, member, reader):
    client.force_login(member)
    client.post(reverse("agenda:event_create"), event_form(calendar=SPACE_CALENDAR))
    (event,) = dav_calendars(dav_server, member)[SPACE_CALENDAR_NAME].events()
    uid = str(event.icalendar_component["uid"])

    client.force_login(reader)
    detail = client.get(event_url("event_detail", SPACE_CALENDAR, uid, slug=space.slug))
    assert detail.status_code == 200
    assert "Conseil communautaire" in detail.content.decode()
    assert event_url("event_edit", SPACE_CALENDAR, uid, slug=space.slug) not in (
        detail.content.decode()
    )
    edit = client.post(
        event_url("event_edit", SPACE_CALENDAR, uid, slug=space.slug),
        event_form(calendar=SPACE_CALENDAR, title="Piraté"),
    )
    assert edit.status_code == 302  # back to the event, with a message
    delete = client.post(event_url("event_delete", SPACE_CALENDAR, uid, slug=space.slug))
    assert delete.status_code == 302
    (event,) = dav_calendars(dav_server, member)[SPACE_CALENDAR_NAME].events()
    assert str(event.icalendar_component["summary"]) == "Conseil communautaire"


@pytest.mark.slow
def test_space_agenda_shows_only_that_spaces_calendars(dav_server, client, space, member):
    client.force_login(member)
    client.post(reverse("agenda:event_create"), event_form(title="Dentiste"))
    client.post(reverse("agenda:event_create"), event_form(calendar=SPACE_CALENDAR, title="Bureau"))

    space_month = client.get(
        reverse("calendars:index", kwargs={"slug": space.slug}), {"date": "2026-12-01"}
    )
    assert space_month.status_code == 200
    table = month_table(space_month)
    assert "Bureau" in table
    assert "Dentiste" not in table
    assert event_url("event_detail", SPACE_CALENDAR, "x", slug=space.slug).rsplit("/", 2)[0] in (
        table
    )
    mine = month_table(client.get(reverse("agenda:index"), {"date": "2026-12-01"}))
    assert "Bureau" in mine and "Dentiste" in mine


@pytest.mark.slow
def test_calendar_toggles_hide_a_calendar_and_are_remembered(dav_server, client, space, member):
    client.force_login(member)
    client.post(reverse("agenda:event_create"), event_form(title="Dentiste"))
    client.post(reverse("agenda:event_create"), event_form(calendar=SPACE_CALENDAR, title="Bureau"))

    toggled = client.get(
        reverse("agenda:index"), {"date": "2026-12-01", "toggles": "1", "cal": "personnel"}
    )
    html = toggled.content.decode()
    assert "Dentiste" in month_table(toggled)
    assert "Bureau" not in month_table(toggled)
    checkbox = re.search(rf'<input type="checkbox" name="cal" value="{SPACE_CALENDAR}"[^>]*>', html)
    assert checkbox and "checked" not in checkbox.group(0)

    later = client.get(reverse("agenda:list"), {"date": "2026-12-01"}).content.decode()
    assert "Dentiste" in later
    assert "Bureau" not in later


@pytest.mark.slow
def test_week_and_list_views(dav_server, client, space, member):
    client.force_login(member)
    client.post(reverse("agenda:event_create"), event_form())

    week = client.get(reverse("agenda:week"), {"date": "2026-12-02"})
    assert week.status_code == 200
    assert "Semaine du 30 novembre au 6 décembre 2026" in week.content.decode()
    assert "Conseil communautaire" in week.content.decode()
    listing = client.get(reverse("agenda:list"), {"date": "2026-12-01"}).content.decode()
    assert "Jeudi 3 décembre 2026" in listing
    assert "18:00 – 20:00" in listing
    assert "Salle des fêtes" in listing
    empty = client.get(reverse("agenda:list"), {"date": "2027-06-01"}).content.decode()
    assert "Aucun événement sur cette période" in empty


@pytest.mark.slow
def test_one_propfind_and_one_report_per_shown_calendar(
    dav_server, client, space, member, monkeypatch
):
    client.force_login(member)
    client.get(reverse("agenda:index"))  # the home and links exist from here on
    sent: list[str] = []
    original = niquests.Session.request

    def counting(self: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(method)
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(niquests.Session, "request", counting)
    assert client.get(reverse("agenda:index")).status_code == 200
    assert sorted(sent) == ["PROPFIND", "REPORT", "REPORT"]


@pytest.mark.slow
def test_unknown_calendar_or_event_is_404(dav_server, client, space, member, outsider):
    client.force_login(member)
    assert client.get(event_url("event_detail", "personnel", "nope")).status_code == 404
    assert client.get(event_url("event_detail", "inconnu", "nope")).status_code == 404
    # A space calendar the user is not a member of is not theirs to name.
    other = "espace-tourisme--agenda"
    assert client.post(event_url("event_delete", other, "nope")).status_code == 404
    bogus = client.post(reverse("agenda:event_create"), event_form(calendar=other))
    assert bogus.status_code == 400


# --- personal calendars ---------------------------------------------------------------------


@pytest.mark.slow
def test_personal_calendar_create_rename_delete(dav_server, client, space, member):
    client.force_login(member)

    created = client.post(reverse("agenda:calendars"), {"name": "Travail", "color": "#FF0000"})
    assert created.status_code == 302
    calendars = dav_calendars(dav_server, member)
    assert "Travail" in calendars
    assert calendars["Travail"].url.path.rstrip("/").endswith("/travail")

    renamed = client.post(
        reverse("agenda:calendar_edit", kwargs={"collection": "travail"}),
        {"name": "Bureau d'études", "color": "#00aa00"},
    )
    assert renamed.status_code == 302
    calendars = dav_calendars(dav_server, member)
    assert "Travail" not in calendars
    assert "Bureau d'études" in calendars
    page = client.get(reverse("agenda:index")).content.decode()
    assert 'fill="#00aa00"' in page

    deleted = client.post(reverse("agenda:calendar_delete", kwargs={"collection": "travail"}))
    assert deleted.status_code == 302
    assert "Bureau d'études" not in dav_calendars(dav_server, member)


@pytest.mark.slow
def test_deleting_the_default_calendar_is_refused(dav_server, client, space, member):
    client.force_login(member)
    client.get(reverse("agenda:calendars"))

    response = client.post(
        reverse("agenda:calendar_delete", kwargs={"collection": "personnel"}), follow=True
    )

    assert "votre agenda par défaut" in response.content.decode()
    assert "Personnel" in dav_calendars(dav_server, member)


@pytest.mark.slow
def test_space_calendars_are_not_renamed_or_deleted_here(dav_server, client, space, space_admin):
    client.force_login(space_admin)
    client.get(reverse("agenda:calendars"))
    kwargs = {"collection": SPACE_CALENDAR}
    assert client.post(reverse("agenda:calendar_delete", kwargs=kwargs)).status_code == 404
    renamed = client.post(
        reverse("agenda:calendar_edit", kwargs=kwargs), {"name": "Piraté", "color": "#000000"}
    )
    assert renamed.status_code == 404
    assert SPACE_CALENDAR_NAME in dav_calendars(dav_server, space_admin)


# --- access and availability (no Radicale needed) -------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("calendars:index", "get"),
        ("calendars:week", "get"),
        ("calendars:list", "get"),
        ("calendars:event_create", "get"),
        ("calendars:event_create", "post"),
    ],
)
def test_outsider_gets_404_before_any_dav_request(client, settings, space, outsider, name, method):
    settings.CALDAV_URL = closed_port_url()  # a DAV request would answer 503, not 404
    client.force_login(outsider)
    url = reverse(name, kwargs={"slug": space.slug})
    response = getattr(client, method)(url, event_form(calendar=SPACE_CALENDAR))
    assert response.status_code == 404


@pytest.mark.django_db
def test_radicale_down_gives_a_clear_503_and_the_rest_works(client, settings, space, member):
    settings.CALDAV_URL = closed_port_url()
    client.force_login(member)

    for url in (
        reverse("agenda:index"),
        reverse("agenda:event_create"),
        reverse("agenda:calendars"),
        reverse("calendars:week", kwargs={"slug": space.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 503, url
        assert UNAVAILABLE in response.content.decode()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("spaces:home", kwargs={"slug": space.slug})).status_code == 200


@pytest.fixture
def failing_dav_server() -> Iterator[str]:
    """A server that answers 500 to everything."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
        return [b"boom"]

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/dav/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.django_db
def test_radicale_error_gives_503(client, settings, space, member, failing_dav_server):
    settings.CALDAV_URL = failing_dav_server
    client.force_login(member)
    response = client.get(reverse("calendars:index", kwargs={"slug": space.slug}))
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert "Élus et agents du Pays" in response.content.decode()  # still inside the space


def test_event_uid_converter_round_trips_any_uid():
    from calendars.converters import EventUidConverter

    converter = EventUidConverter()
    for uid in ("conseil-1", "réunion/1@phone.example", "a b+c=="):
        segment = converter.to_url(uid)
        assert re.fullmatch(converter.regex, segment)
        assert converter.to_python(segment) == uid
    with pytest.raises(ValueError):
        converter.to_python("_-_")
