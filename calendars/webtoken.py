"""Short-lived credentials with which the web agenda talks to Radicale as the signed-in user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing

SALT = "maillage.calendars.webtoken"
PREFIX = "web:"
MAX_AGE_S = 300


def token_for(user: Any) -> str:
    return PREFIX + signing.dumps({"u": user.pk}, salt=SALT, compress=True)


def user_for_token(token: str) -> Any | None:
    if not token.startswith(PREFIX):
        return None
    try:
        data = signing.loads(token[len(PREFIX) :], salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
