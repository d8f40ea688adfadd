"""Creating accounts outside the open sign-up (which is closed): invitations, operators, demo."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from extranet.audit import record_audit
from extranet.models.audit import AuditAction

User = get_user_model()


@transaction.atomic
def create_user(
    *,
    email: str,
    full_name: str = "",
    password: str | None = None,
    email_verified: bool = True,
    created_by: Any = None,
    validate: bool = True,
) -> Any:
    """Create an active account whose e-mail address is known to allauth.

    ``email_verified`` is true when the address was proven (invitation token) or vouched for by
    an operator. Without a password the account can only be entered after a password reset.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User(email=email, full_name=full_name.strip())
    if password:
        if validate:
            validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    record_audit(
        action=AuditAction.USER_CREATED,
        actor=created_by,
        target=email,
        details={"email_verified": email_verified},
    )
    return user


def find_user_by_email(email: str) -> Any | None:
    return User.objects.filter(email__iexact=email.strip()).first()
