"""Role × route matrix through the real URL conf, and the access door's own rules."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from extranet.access import access_space, can
from extranet.models import Invitation, Membership
from extranet.roles import Role, abilities_for, register_abilities, role_can

ROLES = ["space_admin", "editor", "member", "reader", "outsider"]

# expected status per role for GET pages of space "elus"
GET_MATRIX = {
    "spaces:home": {
        "space_admin": 200,
        "editor": 200,
        "member": 200,
        "reader": 200,
        "outsider": 404,
    },
    "spaces:members": {
        "space_admin": 200,
        "editor": 200,
        "member": 200,
        "reader": 200,
        "outsider": 404,
    },
    "spaces:invite": {
        "space_admin": 200,
        "editor": 403,
        "member": 403,
        "reader": 403,
        "outsider": 404,
    },
    "spaces:settings": {
        "space_admin": 200,
        "editor": 403,
        "member": 403,
        "reader": 403,
        "outsider": 404,
    },
    "spaces:audit": {
        "space_admin": 200,
        "editor": 403,
        "member": 403,
        "reader": 403,
        "outsider": 404,
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(GET_MATRIX))
def test_get_matrix(client, cast, role, route):
    client.force_login(cast[role])
    response = client.get(reverse(route, kwargs={"slug": "elus"}))
    assert response.status_code == GET_MATRIX[route][role]


@pytest.mark.django_db
@pytest.mark.parametrize("route", sorted(GET_MATRIX))
def test_anonymous_is_sent_to_login(client, space, route):
    response = client.get(reverse(route, kwargs={"slug": "elus"}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_unknown_space_and_hidden_space_look_the_same(client, cast):
    client.force_login(cast["outsider"])
    hidden = client.get("/s/elus/")
    missing = client.get("/s/nexiste-pas/")
    assert hidden.status_code == missing.status_code == 404

    def normalise(response, path):
        body = response.content.decode().replace(path, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)

    assert normalise(hidden, "/s/elus/") == normalise(missing, "/s/nexiste-pas/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status", "created"),
    [
        ("space_admin", 302, True),
        ("editor", 403, False),
        ("member", 403, False),
        ("reader", 403, False),
        ("outsider", 404, False),
    ],
)
def test_only_admin_can_invite(client, cast, role, status, created):
    client.force_login(cast[role])
    response = client.post(
        reverse("spaces:invite", kwargs={"slug": "elus"}),
        {"email": "nouvelle@mairie.test", "role": "member"},
    )
    assert response.status_code == status
    assert Invitation.objects.filter(email="nouvelle@mairie.test").exists() is created


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status", "changed"),
    [
        ("space_admin", 302, True),
        ("editor", 403, False),
        ("member", 403, False),
        ("reader", 403, False),
        ("outsider", 404, False),
    ],
)
def test_only_admin_can_change_roles(client, cast, role, status, changed):
    target = Membership.objects.get(user=cast["reader"])
    client.force_login(cast[role])
    response = client.post(
        reverse("spaces:member_role", kwargs={"slug": "elus", "pk": target.pk}), {"role": "editor"}
    )
    assert response.status_code == status
    target.refresh_from_db()
    assert (target.role == Role.EDITOR) is changed


@pytest.mark.django_db
def test_staff_is_not_a_member(client, space, staff):
    client.force_login(staff)
    assert client.get("/s/elus/").status_code == 404
    with pytest.raises(Http404):
        access_space(staff, "elus")


@pytest.mark.django_db
def test_access_space_raises_403_for_missing_ability(reader):
    with pytest.raises(PermissionDenied):
        access_space(reader, "elus", need="members.manage")
    assert access_space(reader, "elus").role == Role.READER


@pytest.mark.django_db
def test_can_answers_without_raising(space, reader, outsider):
    assert can(reader, "space.view", space)
    assert not can(reader, "members.invite", space)
    assert not can(outsider, "space.view", space)


@pytest.mark.django_db
def test_inactive_user_has_no_access(reader):
    reader.is_active = False
    reader.save()
    with pytest.raises(Http404):
        access_space(reader, "elus")


def test_abilities_grow_with_role():
    reader, member, editor, admin = (
        abilities_for(r) for r in (Role.READER, Role.MEMBER, Role.EDITOR, Role.ADMIN)
    )
    assert reader < member < editor < admin
    assert "members.manage" in admin and "members.manage" not in editor
    assert role_can(Role.MEMBER, "content.contribute") and not role_can(
        Role.READER, "content.contribute"
    )


def test_registering_an_ability_twice_with_another_role_fails():
    register_abilities({"tests.sample": Role.MEMBER})
    register_abilities({"tests.sample": Role.MEMBER})  # same declaration is idempotent
    with pytest.raises(ValueError):
        register_abilities({"tests.sample": Role.ADMIN})
