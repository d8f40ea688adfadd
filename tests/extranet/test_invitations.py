"""Invitations: sending, accepting (new or existing account), and every bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from extranet.models import AuditEvent, Invitation, Membership, User
from extranet.models.audit import AuditAction
from extranet.roles import Role
from extranet.services.invitations import invite_member
from tests.conftest import PASSWORD, make_user

INVITE_URL = "/s/elus/members/invite/"


def _invite(cast, email="nouvelle@mairie.test", role=Role.MEMBER):
    admin = Membership.objects.get(user=cast["space_admin"])
    return invite_member(membership=admin, email=email, role=role)


def _accept_url(token):
    return reverse("invitations:accept", kwargs={"token": token})


@pytest.mark.django_db(transaction=True)
def test_invitation_email_carries_a_working_link(client, cast):
    client.force_login(cast["space_admin"])
    response = client.post(INVITE_URL, {"email": "Nouvelle@Mairie.test", "role": "editor"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle@mairie.test"
    assert invitation.role == Role.EDITOR
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@mairie.test"]
    assert "Élus et agents du Pays" in message.subject
    link = next(line for line in message.body.splitlines() if "/invitations/" in line).strip()
    assert client.get(link.replace("http://testserver", "")).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.INVITATION_SENT, target_label="nouvelle@mairie.test"
    ).exists()


@pytest.mark.django_db
def test_token_is_stored_hashed(cast):
    invitation, token = _invite(cast)
    assert token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()


@pytest.mark.django_db
def test_new_person_creates_account_and_joins(client, cast):
    invitation, token = _invite(cast)
    response = client.post(
        _accept_url(token),
        {
            "full_name": "Nadia Nouvelle",
            "password1": "un-long-mot-de-passe",
            "password2": "un-long-mot-de-passe",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/s/elus/"
    user = User.objects.get(email="nouvelle@mairie.test")
    assert user.full_name == "Nadia Nouvelle"
    assert Membership.objects.get(user=user).role == Role.MEMBER
    assert client.get("/s/elus/").status_code == 200  # logged in
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_ACCEPTED).exists()
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(user=user).verified


@pytest.mark.django_db
def test_weak_or_mismatched_password_keeps_invitation_open(client, cast):
    invitation, token = _invite(cast)
    response = client.post(
        _accept_url(token), {"full_name": "N", "password1": "abc", "password2": "abd"}
    )
    assert response.status_code == 400
    assert "ne correspondent pas" in response.content.decode()
    response = client.post(
        _accept_url(token),
        {"full_name": "N", "password1": "12345678901", "password2": "12345678901"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="nouvelle@mairie.test").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


@pytest.mark.django_db
def test_existing_account_must_sign_in_then_accepts(client, cast):
    user = make_user("nouvelle@mairie.test", "Nadia")
    _invitation, token = _invite(cast)
    response = client.get(_accept_url(token))
    assert "Un compte existe déjà" in response.content.decode()
    assert not Membership.objects.filter(user=user, space__slug="elus").exists()
    client.force_login(user)
    response = client.post(_accept_url(token))
    assert response.status_code == 302
    assert Membership.objects.get(user=user, space__slug="elus").role == Role.MEMBER


@pytest.mark.django_db
def test_signed_in_as_someone_else_cannot_accept(client, cast):
    _invitation, token = _invite(cast)
    client.force_login(cast["outsider"])
    response = client.post(_accept_url(token))
    assert response.status_code == 200
    assert "adressée à nouvelle@mairie.test" in response.content.decode()
    assert not Membership.objects.filter(user=cast["outsider"], space__slug="elus").exists()


@pytest.mark.django_db
def test_reused_token_is_refused_clearly(client, cast):
    _invitation, token = _invite(cast)
    data = {
        "full_name": "Nadia",
        "password1": "un-long-mot-de-passe",
        "password2": "un-long-mot-de-passe",
    }
    client.post(_accept_url(token), data)
    client.logout()
    response = client.post(_accept_url(token), data)
    assert response.status_code == 410
    assert "déjà été utilisée" in response.content.decode()
    assert Membership.objects.filter(user__email="nouvelle@mairie.test").count() == 1


@pytest.mark.django_db
def test_expired_token_is_refused_clearly(client, cast):
    invitation, token = _invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(
        _accept_url(token),
        {
            "full_name": "Nadia",
            "password1": "un-long-mot-de-passe",
            "password2": "un-long-mot-de-passe",
        },
    )
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert not User.objects.filter(email="nouvelle@mairie.test").exists()


@pytest.mark.django_db
def test_revoked_and_unknown_tokens(client, cast):
    invitation, token = _invite(cast)
    client.force_login(cast["space_admin"])
    client.post(reverse("spaces:invitation_revoke", kwargs={"slug": "elus", "pk": invitation.pk}))
    client.logout()
    assert "annulée" in client.get(_accept_url(token)).content.decode()
    response = client.get(_accept_url("pas-un-vrai-jeton"))
    assert response.status_code == 404
    assert "inconnu" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_REVOKED).exists()


@pytest.mark.django_db
def test_inviting_an_existing_member_is_refused(client, cast):
    client.force_login(cast["space_admin"])
    response = client.post(INVITE_URL, {"email": "membre@elus.test", "role": "member"})
    assert response.status_code == 400
    assert "déjà membre" in response.content.decode()
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0


@pytest.mark.django_db
def test_second_pending_invitation_is_refused(client, cast):
    _invite(cast)
    client.force_login(cast["space_admin"])
    response = client.post(INVITE_URL, {"email": "nouvelle@mairie.test", "role": "reader"})
    assert response.status_code == 400
    assert "déjà en attente" in response.content.decode()
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["pas-une-adresse", "nadia@", "@mairie.test", "a b@mairie.test"])
def test_malformed_email_is_refused(client, cast, email):
    client.force_login(cast["space_admin"])
    response = client.post(INVITE_URL, {"email": email, "role": "member"})
    assert response.status_code == 400
    assert "adresse e-mail valide" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_unknown_role_is_refused(client, cast):
    client.force_login(cast["space_admin"])
    response = client.post(INVITE_URL, {"email": "nouvelle@mairie.test", "role": "superadmin"})
    assert response.status_code == 400
    assert "Ce rôle n&#x27;existe pas" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_invited_password_is_usable_for_login(client, cast):
    _invitation, token = _invite(cast)
    client.post(
        _accept_url(token), {"full_name": "Nadia", "password1": PASSWORD, "password2": PASSWORD}
    )
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nouvelle@mairie.test", "password": PASSWORD}
    )
    assert response.status_code == 302
