"""Pruning the sync history of the database storage: old deletion records go, clients whose
token predates them are told to sync in full (RFC 6578 valid-sync-token), newer tokens keep
working, and a real client (the caldav library) recovers by itself."""

from __future__ import annotations

import io
from datetime import timedelta

import caldav
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from calendars.dav.paths import link_name, space_collection
from calendars.models import DavChange, DavCollection
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links
from calendars.tasks import prune_dav_sync_history
from tests.calendars.test_dav_storage import _request, _sync, _sync_report, day_event

pytestmark = pytest.mark.slow


@pytest.fixture
def writer(dav_server, space, member) -> tuple[str, str, tuple[str, str]]:
    """(server URL, path of the space calendar in the member's home, credentials)."""
    _app_password, secret = create_app_password(user=member, name="Téléphone")
    sync_user_links(member)
    return dav_server, f"/dav/{member.email}/{link_name('elus', 'agenda')}/", (member.email, secret)


def _age_tombstones(days: int) -> None:
    DavChange.objects.filter(deleted=True).update(changed_at=timezone.now() - timedelta(days=days))


def _prune(*args: str) -> str:
    out = io.StringIO()
    call_command("dav_storage", "prune", *args, stdout=out)
    return out.getvalue()


def test_a_client_older_than_the_pruned_history_is_sent_to_a_full_sync(writer, settings):
    url, path, auth = writer
    for name in ("a", "b", "c"):
        assert (
            _request(url, "PUT", f"{path}{name}.ics", auth, day_event(name, 3).encode())[0] == 201
        )
    before_delete, _ = _sync(url, path, auth)
    assert _request(url, "DELETE", f"{path}b.ics", auth)[0] == 200
    after_delete, _ = _sync(url, path, auth)
    _age_tombstones(settings.DAV_CHANGE_RETENTION_DAYS + 10)
    assert _request(url, "PUT", f"{path}d.ics", auth, day_event("d", 4).encode())[0] == 201

    assert "1 deletion record(s) removed from 1 collection(s)" in _prune()

    # The token from before the deletion could miss it: refused, the client must start over.
    status, _headers, body = _request(url, "REPORT", path, auth, _sync_report(before_delete))
    assert status == 403 and b"valid-sync-token" in body
    # A token taken after the pruned deletion still gets just what changed since.
    assert _sync(url, path, auth, after_delete)[1] == {f"{path}d.ics"}
    # The full sync the client falls back to: the calendar as it is, and a token that works.
    full_token, hrefs = _sync(url, path, auth)
    assert hrefs == {f"{path}{name}.ics" for name in ("a", "c", "d")}
    assert _request(url, "DELETE", f"{path}c.ics", auth)[0] == 200
    assert _sync(url, path, auth, full_token)[1] == {f"{path}c.ics"}

    # Recent deletions are kept; pruning again changes nothing.
    assert "0 deletion record(s)" in _prune()
    assert DavChange.objects.filter(deleted=True).count() == 1
    target = DavCollection.objects.get(path=space_collection("elus", "agenda"))
    assert target.sync_floor > 0


def test_the_caldav_library_recovers_from_a_pruned_token_by_listing_everything(writer, settings):
    url, path, auth = writer
    client = caldav.DAVClient(url=url, username=auth[0], password=auth[1])
    calendar = client.calendar(url=url.removesuffix("/dav/") + path)
    calendar.save_event(day_event("premier", 1))
    calendar.save_event(day_event("second", 2))
    known = calendar.objects_by_sync_token(load_objects=False)
    assert len(list(known)) == 2
    old_token = known.sync_token
    calendar.event_by_uid("second").delete()
    calendar.save_event(day_event("troisieme", 3))
    _age_tombstones(settings.DAV_CHANGE_RETENTION_DAYS + 1)
    assert prune_dav_sync_history.call() == 1  # the task the daily job enqueues

    with pytest.raises(caldav.lib.error.AuthorizationError) as refused:
        calendar.objects_by_sync_token(sync_token=old_token, disable_fallback=True)
    assert "valid-sync-token" in str(refused.value.preconditions)
    recovered = calendar.objects_by_sync_token(sync_token=old_token, load_objects=True)
    uids = sorted(item.icalendar_component["UID"] for item in recovered)
    assert uids == ["premier", "troisieme"]
    assert recovered.sync_token != old_token
    assert list(calendar.objects_by_sync_token(sync_token=recovered.sync_token)) == []


def test_the_retention_period_comes_from_settings_or_the_command(writer, settings):
    url, path, auth = writer
    assert _request(url, "PUT", f"{path}x.ics", auth, day_event("x", 1).encode())[0] == 201
    assert _request(url, "DELETE", f"{path}x.ics", auth)[0] == 200
    _age_tombstones(20)
    assert "0 deletion record(s)" in _prune()  # 90 days by default
    settings.DAV_CHANGE_RETENTION_DAYS = 30
    assert "0 deletion record(s)" in _prune()
    assert "1 deletion record(s)" in _prune("--days", "7")
    with pytest.raises(CommandError):
        _prune("--days", "-1")
