"""Radicale rights plugin: memberships decide, through the same policy as the web."""

from __future__ import annotations

from radicale import rights

from calendars.dav.bootstrap import ensure_django

ensure_django()

from django.contrib.auth import get_user_model  # noqa: E402

from calendars.dav import request_cache  # noqa: E402
from calendars.dav.auth import ACCOUNT_KEY  # noqa: E402
from calendars.policy import dav_rights  # noqa: E402


class Rights(rights.BaseRights):
    def authorization(self, user: str, user_groups: set[str], path: str) -> str:
        if not user:
            return ""
        # Rights depend on the collection, not the item: one answer per collection and request.
        collection = "/".join(path.strip("/").split("/")[:2])
        cache = request_cache.current()
        key = ("rights", user, collection)
        if cache is not None and key in cache:
            return str(cache[key])
        account = cache.get((ACCOUNT_KEY, user)) if cache is not None else None
        if account is None:
            account = get_user_model().objects.filter(email__iexact=user, is_active=True).first()
        answer = dav_rights(account, collection)
        if cache is not None:
            cache[key] = answer
        return answer
