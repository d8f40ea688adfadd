"""Managing members: role changes, removal, last-admin rule, all audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from extranet.exceptions import LastAdmin
from extranet.models import AuditEvent, Membership
from extranet.models.audit import AuditAction
from extranet.roles import Role
from extranet.services.memberships import change_role, remove_member


def _url(name, membership):
    return reverse(name, kwargs={"slug": membership.space.slug, "pk": membership.pk})


@pytest.mark.django_db
def test_removing_a_member_revokes_access_at_next_request(client, cast):
    member = Membership.objects.get(user=cast["member"])
    member_client = client.__class__()
    member_client.force_login(cast["member"])
    assert member_client.get("/s/elus/").status_code == 200

    client.force_login(cast["space_admin"])
    response = client.post(_url("spaces:member_remove", member))
    assert response.status_code == 302
    assert member_client.get("/s/elus/").status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.MEMBER_REMOVED)
    assert event.target_label == "membre@elus.test"
    assert event.actor == cast["space_admin"]
    assert event.space.slug == "elus"


@pytest.mark.django_db
def test_remove_asks_for_confirmation_on_get(client, cast):
    member = Membership.objects.get(user=cast["member"])
    client.force_login(cast["space_admin"])
    response = client.get(_url("spaces:member_remove", member))
    assert response.status_code == 200
    assert Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_reader_cannot_remove_someone_else(client, cast):
    member = Membership.objects.get(user=cast["member"])
    client.force_login(cast["reader"])
    assert client.post(_url("spaces:member_remove", member)).status_code == 403
    assert Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_a_member_can_leave(client, cast):
    reader = Membership.objects.get(user=cast["reader"])
    client.force_login(cast["reader"])
    response = client.post(_url("spaces:member_remove", reader))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=reader.pk).exists()
    assert AuditEvent.objects.get(action=AuditAction.MEMBER_REMOVED).details["left"] is True


@pytest.mark.django_db
def test_role_change_is_audited_with_before_and_after(client, cast):
    reader = Membership.objects.get(user=cast["reader"])
    client.force_login(cast["space_admin"])
    client.post(_url("spaces:member_role", reader), {"role": "editor"})
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert event.details == {"from": "reader", "to": "editor"}
    assert event.actor == cast["space_admin"]


@pytest.mark.django_db
def test_unknown_role_is_refused_with_a_message(client, cast):
    reader = Membership.objects.get(user=cast["reader"])
    client.force_login(cast["space_admin"])
    response = client.post(_url("spaces:member_role", reader), {"role": "emperor"}, follow=True)
    assert "Ce rôle n&#x27;existe pas" in response.content.decode()
    reader.refresh_from_db()
    assert reader.role == Role.READER
    assert not AuditEvent.objects.filter(action=AuditAction.ROLE_CHANGED).exists()


@pytest.mark.django_db
def test_last_admin_cannot_be_demoted_or_removed(cast):
    admin = Membership.objects.get(user=cast["space_admin"])
    with pytest.raises(LastAdmin):
        change_role(membership=admin, target=admin, role=Role.MEMBER)
    with pytest.raises(LastAdmin):
        remove_member(membership=admin, target=admin)
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


@pytest.mark.django_db
def test_last_admin_message_shown(client, cast):
    admin = Membership.objects.get(user=cast["space_admin"])
    client.force_login(cast["space_admin"])
    response = client.post(_url("spaces:member_role", admin), {"role": "member"}, follow=True)
    assert "au moins un administrateur" in response.content.decode()


@pytest.mark.django_db
def test_admin_cannot_touch_memberships_of_another_space(client, cast, other_space):
    foreign = Membership.objects.get(user=cast["outsider"], space=other_space)
    client.force_login(cast["space_admin"])
    url = reverse("spaces:member_role", kwargs={"slug": "elus", "pk": foreign.pk})
    assert client.post(url, {"role": "reader"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.ADMIN


@pytest.mark.django_db
def test_members_page_lists_people_for_readers_without_controls(client, cast):
    client.force_login(cast["reader"])
    content = client.get("/s/elus/members/").content.decode()
    assert "Marie Membre" in content
    assert "Invitations en attente" not in content
    assert 'name="role"' not in content
