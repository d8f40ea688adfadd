"""The audit log: what is recorded, who sees it, that it is append-only and purged on time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from extranet.audit import record_audit
from extranet.models import AuditEvent
from extranet.models.audit import AppendOnlyError, AuditAction
from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_login_and_failure_are_recorded_with_address(client, member):
    client.post(reverse("account_login"), {"login": "membre@elus.test", "password": "faux"})
    client.post(reverse("account_login"), {"login": "membre@elus.test", "password": PASSWORD})
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor == member and failed.ip_address == "127.0.0.1"
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=member).exists()


@pytest.mark.django_db
def test_failed_login_of_unknown_address_is_recorded(client, db):
    client.post(reverse("account_login"), {"login": "personne@nulle.part", "password": "x"})
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.actor is None and event.actor_label == "personne@nulle.part"


@pytest.mark.django_db
def test_login_is_rate_limited_with_a_message(client, member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "membre@elus.test", "password": "faux"})
    response = client.post(
        reverse("account_login"), {"login": "membre@elus.test", "password": PASSWORD}
    )
    assert response.status_code == 200  # allauth answers with a form error, not a 429
    assert "_auth_user_id" not in client.session
    assert "trop" in response.content.decode().lower()


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted(space):
    event = record_audit(action=AuditAction.SPACE_UPDATED, space=space)
    event.target_label = "falsifié"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_space_admin_sees_only_own_space_entries(client, cast, other_space):
    record_audit(action=AuditAction.SPACE_UPDATED, space=other_space, target="secret-tourisme")
    client.force_login(cast["space_admin"])
    content = client.get("/s/elus/audit/").content.decode()
    assert "membre@elus.test" in content  # member_added of the fixture cast
    assert "secret-tourisme" not in content


@pytest.mark.django_db
def test_audit_page_filters_by_action(client, cast):
    client.force_login(cast["space_admin"])
    content = client.get("/s/elus/audit/", {"action": "role_changed"}).content.decode()
    assert "membre@elus.test" not in content


@pytest.mark.django_db
def test_staff_sees_all_entries_in_admin(client, staff, cast, other_space):
    record_audit(action=AuditAction.SPACE_UPDATED, space=other_space, target="secret-tourisme")
    client.force_login(staff)
    staff.is_superuser = True
    staff.save()
    content = client.get(reverse("admin:extranet_auditevent_changelist")).content.decode()
    assert "secret-tourisme" in content and "membre@elus.test" in content


@pytest.mark.django_db
def test_purge_removes_only_old_entries_and_records_itself(space, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    old = record_audit(action=AuditAction.SPACE_UPDATED, space=space, target="ancien")
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    recent = record_audit(action=AuditAction.SPACE_UPDATED, space=space, target="récent")
    call_command("purge_audit")
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    purge = AuditEvent.objects.get(action=AuditAction.AUDIT_PURGED)
    assert purge.details["deleted"] == 1


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_entries_readable(member, space):
    record_audit(action=AuditAction.SPACE_UPDATED, actor=member, space=space)
    member.delete()
    event = AuditEvent.objects.filter(actor_label="membre@elus.test").first()
    assert event is not None and event.actor is None
