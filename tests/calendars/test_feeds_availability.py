"""Secret iCalendar feeds, availability-only sharing, and the space's calendar settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import caldav
import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from calendars.models import SpaceCalendar
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links
from extranet.models import AuditEvent, Membership
from extranet.services.memberships import add_member, remove_member

pytestmark = pytest.mark.slow
PARIS = ZoneInfo("Europe/Paris")


def _space_calendar(url, user, name="Agenda · Élus et agents du Pays"):
    _ap, secret = create_app_password(user=user, name="test")
    sync_user_links(user)
    principal = caldav.DAVClient(url=url, username=user.email, password=secret).principal()
    return {c.get_display_name(): c for c in principal.calendars()}[name]


def _tomorrow_at(hour):
    day = timezone.localdate() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def test_feed_serves_events_until_revoked_or_membership_ends(
    client, dav_server, space, space_admin, member
):
    calendar = _space_calendar(dav_server, member)
    calendar.save_event(
        dtstart=_tomorrow_at(18), dtend=_tomorrow_at(20), summary="Conseil communautaire", uid="c-1"
    )
    client.force_login(member)
    page = client.post(reverse("calendar_feeds:list"), {"collection": "espace-elus--agenda"})
    assert page.status_code == 200
    url = page.context["secret_url"]
    path = url.replace("http://testserver", "")
    client.logout()
    feed = client.get(path)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(feed.content)
    assert [str(e["summary"]) for e in parsed.walk("VEVENT")] == ["Conseil communautaire"]
    assert client.get(path, HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304
    # the owner leaves the space: the feed stops at once
    admin = Membership.objects.get(user=space_admin)
    remove_member(membership=admin, target=Membership.objects.get(user=member))
    assert client.get(path).status_code == 404
    assert AuditEvent.objects.filter(action="calendars.feed_created").exists()


def test_revoked_feed_is_gone(client, dav_server, space, member):
    client.force_login(member)
    url = client.post(reverse("calendar_feeds:list"), {"collection": "personnel"}).context[
        "secret_url"
    ]
    feed = member.__class__.objects.get(pk=member.pk)
    from calendars.models import FeedToken

    token = FeedToken.objects.get(user=feed)
    client.post(reverse("calendar_feeds:revoke", kwargs={"pk": token.pk}))
    assert client.get(url.replace("http://testserver", "")).status_code == 404


def test_feed_for_a_calendar_i_cannot_read_is_refused(client, dav_server, space, outsider):
    client.force_login(outsider)
    response = client.post(reverse("calendar_feeds:list"), {"collection": "espace-elus--agenda"})
    assert response.status_code == 400


def test_availability_shows_busy_blocks_without_titles(
    client, dav_server, space, space_admin, member, other_space, outsider
):
    calendar = _space_calendar(dav_server, member)
    calendar.save_event(
        dtstart=_tomorrow_at(9), dtend=_tomorrow_at(11), summary="Réunion confidentielle", uid="r-1"
    )
    client.force_login(space_admin)
    default = SpaceCalendar.objects.get(space=space, is_default=True)
    # the admin shares with a space they belong to
    add_member(space=other_space, user=space_admin, role="reader")
    response = client.post(
        reverse("calendar_settings:index", kwargs={"slug": "elus"}),
        {"share": "1", "calendar": default.pk, "space": other_space.pk},
    )
    assert response.status_code == 302
    client.force_login(outsider)
    page = client.get(
        reverse("calendar_settings:availability", kwargs={"slug": "tourisme"})
    ).content.decode()
    assert "09:00–11:00" in page
    assert "confidentielle" not in page
    assert (
        client.get(reverse("calendar_settings:availability", kwargs={"slug": "elus"})).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="calendars.availability_shared").count() == 2


def test_admin_adds_a_calendar_that_members_discover(
    client, dav_server, space, space_admin, member, reader
):
    client.force_login(space_admin)
    response = client.post(
        reverse("calendar_settings:index", kwargs={"slug": "elus"}),
        {"add_calendar": "1", "name": "Permanences", "color": "#aa3300"},
    )
    assert response.status_code == 302
    assert _space_calendar(dav_server, member, name="Permanences") is not None
    client.force_login(reader)
    assert (
        client.get(reverse("calendar_settings:index", kwargs={"slug": "elus"})).status_code == 403
    )
    client.force_login(space_admin)
    dup = client.post(
        reverse("calendar_settings:index", kwargs={"slug": "elus"}),
        {"add_calendar": "1", "name": "Permanences", "color": "#aa3300"},
    )
    assert dup.status_code == 400 and "déjà un agenda" in dup.content.decode()
