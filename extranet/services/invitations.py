"""Inviting people into a space by e-mail, and accepting (which creates or links the account)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from extranet.audit import record_audit
from extranet.exceptions import (
    AlreadyMember,
    InvitationAlreadyPending,
    InvitationEmailMismatch,
    InvitationInvalid,
)
from extranet.models import Invitation, Membership, Space
from extranet.models.audit import AuditAction
from extranet.models.spaces import InvitationStatus, hash_token
from extranet.roles import Role
from extranet.services.accounts import create_user, find_user_by_email
from extranet.services.memberships import _role, add_member


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("invitations:accept", kwargs={"token": token})


def _send_invitation_email(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("space", "invited_by").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "url": invitation_url(token),
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Maillage] Invitation à rejoindre l'espace « %(space)s »") % {
            "space": invitation.space.name
        }
        body = render_to_string("extranet/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def invite_member(
    *, membership: Membership, email: str, role: Role | str, message: str = ""
) -> tuple[Invitation, str]:
    """Invite ``email`` into the acting admin's space with ``role``.

    Returns the invitation and its token (the token is only ever sent by e-mail and shown here).
    """
    if not membership.can("members.invite"):
        raise PermissionDenied
    return create_invitation(
        space=membership.space,
        email=email,
        role=role,
        invited_by=membership.user,
        message=message,
    )


@transaction.atomic
def create_invitation(
    *, space: Space, email: str, role: Role | str, invited_by: Any, message: str = ""
) -> tuple[Invitation, str]:
    """Create and send an invitation; callers have checked that ``invited_by`` may invite."""
    role = _role(role)
    email = email.strip().lower()
    validate_email(email)
    if Membership.objects.filter(space=space, user__email__iexact=email).exists():
        raise AlreadyMember
    if Invitation.objects.in_space(space).pending().filter(email__iexact=email).exists():
        raise InvitationAlreadyPending
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        space=space,
        email=email,
        role=role,
        message=message.strip(),
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    record_audit(
        action=AuditAction.INVITATION_SENT,
        actor=invited_by,
        space=space,
        target=email,
        details={"role": role.value, "invitation": invitation.pk},
    )
    transaction.on_commit(lambda: _send_invitation_email(invitation.pk, token))
    return invitation, token


@transaction.atomic
def revoke_invitation(*, membership: Membership, invitation: Invitation) -> Invitation:
    if not membership.can("members.invite") or invitation.space_id != membership.space_id:
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise InvitationInvalid(_("Cette invitation n'est plus en attente."), reason="not_pending")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_audit(
        action=AuditAction.INVITATION_REVOKED,
        actor=membership.user,
        space=membership.space,
        target=invitation.email,
        details={"invitation": invitation.pk},
    )
    return invitation


_INVALID_MESSAGES = {
    InvitationStatus.ACCEPTED: gettext_lazy("Cette invitation a déjà été utilisée."),
    InvitationStatus.REVOKED: gettext_lazy(
        "Cette invitation a été annulée par un administrateur de l'espace."
    ),
    InvitationStatus.EXPIRED: gettext_lazy(
        "Cette invitation a expiré. Demandez à un administrateur de l'espace de vous en envoyer "
        "une nouvelle."
    ),
}


def find_invitation(token: str, *, for_update: bool = False) -> Invitation:
    """The pending invitation behind ``token``; raises InvitationInvalid with the reason."""
    queryset = Invitation.objects.select_related("space", "invited_by")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationInvalid(
            _("Ce lien d'invitation est inconnu. Vérifiez qu'il a été copié en entier."),
            reason="unknown",
        )
    status = invitation.status
    if status != InvitationStatus.PENDING:
        raise InvitationInvalid(str(_INVALID_MESSAGES[status]), reason=status.value)
    return invitation


def _complete(invitation: Invitation, user: Any) -> Membership:
    membership = add_member(
        space=invitation.space,
        user=user,
        role=invitation.role,
        actor=invitation.invited_by,
        via_invitation=True,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_audit(
        action=AuditAction.INVITATION_ACCEPTED,
        actor=user,
        space=invitation.space,
        target=invitation.email,
        details={"invitation": invitation.pk, "role": invitation.role},
    )
    return membership


def invitation_matches_user(invitation: Invitation, user: Any) -> bool:
    from allauth.account.models import EmailAddress

    if user.email.lower() == invitation.email.lower():
        return True
    return bool(
        EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    )


@transaction.atomic
def accept_invitation(*, token: str, user: Any) -> Membership:
    """Accept as a signed-in user whose address the invitation was sent to."""
    invitation = find_invitation(token, for_update=True)
    if not invitation_matches_user(invitation, user):
        raise InvitationEmailMismatch
    if Membership.objects.filter(space=invitation.space, user=user).exists():
        raise AlreadyMember
    return _complete(invitation, user)


@transaction.atomic
def accept_invitation_with_new_account(*, token: str, full_name: str, password: str) -> Membership:
    """Accept by creating the account; the token proves the e-mail address."""
    invitation = find_invitation(token, for_update=True)
    if find_user_by_email(invitation.email) is not None:
        raise InvitationInvalid(
            _("Un compte existe déjà pour cette adresse : connectez-vous pour accepter."),
            reason="account_exists",
        )
    user = create_user(
        email=invitation.email, full_name=full_name, password=password, email_verified=True
    )
    return _complete(invitation, user)
