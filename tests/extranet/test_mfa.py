"""Spaces with mandatory MFA: nothing of the space until TOTP is set up through the real pages."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from extranet.models import AuditEvent
from extranet.models.audit import AuditAction
from extranet.roles import Role
from extranet.services.memberships import add_member
from extranet.services.spaces import update_space_settings
from tests.conftest import PASSWORD, make_user


def _login(client, email):
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def nurse(health_space):
    user = make_user("infirmiere@sante.test", "Inès Infirmière")
    add_member(space=health_space, user=user, role=Role.MEMBER)
    return user


@pytest.mark.django_db
def test_health_space_always_requires_mfa(health_space):
    assert health_space.mfa_required
    health_space.mfa_required = False
    health_space.save()
    health_space.refresh_from_db()
    assert health_space.mfa_required


@pytest.mark.django_db
def test_health_admin_cannot_turn_mfa_off(client, health_space):
    from extranet.models import Membership

    admin_user = make_user("admin@sante.test")
    admin = add_member(space=health_space, user=admin_user, role=Role.ADMIN)
    update_space_settings(membership=admin, mfa_required=False)
    health_space.refresh_from_db()
    assert health_space.mfa_required
    assert Membership.objects.filter(pk=admin.pk).exists()


@pytest.mark.django_db
def test_member_without_mfa_is_sent_to_setup_then_gets_in(
    client, nurse, django_capture_on_commit_callbacks
):
    _login(client, "infirmiere@sante.test")
    for path in ("/s/sante/", "/s/sante/members/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # the home page lists the space but shows none of its content
    home = client.get("/").content.decode()
    assert "Professionnels de santé" in home

    # set up TOTP through allauth's normal pages: confirm the password, then scan and enter a code
    page = client.get(reverse("mfa_activate_totp"))
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(page["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:3000]

    assert client.get("/s/sante/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ADDED, actor=nurse).exists()


@pytest.mark.django_db
def test_other_spaces_stay_reachable_without_mfa(client, nurse, space):
    add_member(space=space, user=nurse, role=Role.READER)
    _login(client, "infirmiere@sante.test")
    assert client.get("/s/elus/").status_code == 200
    assert client.get("/s/sante/").status_code == 302


@pytest.mark.django_db
def test_outsider_of_health_space_gets_404_not_mfa_prompt(client, health_space, outsider):
    client.force_login(outsider)
    assert client.get("/s/sante/").status_code == 404
