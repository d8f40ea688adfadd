from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """No open sign-up: people join through an invitation or are created by an administrator."""

    def is_open_for_signup(self, request: Any) -> bool:
        return False
