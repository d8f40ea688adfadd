"""@mentions in posts.

Syntax (shown under every message box): ``@prénom.nom`` — the member's full name in lower case,
accents dropped, spaces replaced by dots (``@eric.editeur`` for « Éric Éditeur »,
``@jean-pierre.martin`` for « Jean-Pierre Martin ») — or ``@`` followed by the part of their
e-mail address before the ``@`` (``@m.durand`` for m.durand@commune.fr). Case and accents do
not matter. Only members of the post's space can be mentioned; any other name is plain text.

Mentions inside quotes (lines starting with ``>``) and code are ignored, so quoting a message
does not notify its mentioned people again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from extranet.models import Membership, Space

_MENTION = re.compile(r"(?<![\w@.])@(\w[\w.\-]*)", re.UNICODE)
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_QUOTE_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_NOT_HANDLE = re.compile(r"[^a-z0-9.\-]+")


def fold(text: str) -> str:
    """Lower case without accents: « Éric » → « eric »."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def handle_for_name(full_name: str) -> str:
    """« Jean-Pierre  Martin » → ``jean-pierre.martin`` (empty for an empty name)."""
    dotted = ".".join(fold(full_name).split())
    return _NOT_HANDLE.sub("", dotted).strip(".-")


def handles_for(user: Any) -> set[str]:
    """Every handle that mentions ``user``: name-based and e-mail based."""
    handles = {fold(user.email.split("@", 1)[0])}
    name_handle = handle_for_name(user.full_name or "")
    if name_handle:
        handles.add(name_handle)
    return handles


def mentioned_handles(body: str) -> set[str]:
    """The handles written in ``body`` outside quotes and code, folded for comparison."""
    text = _FENCE.sub(" ", body)
    text = _QUOTE_LINE.sub(" ", text)
    text = _CODE_SPAN.sub(" ", text)
    return {fold(match).rstrip(".-") for match in _MENTION.findall(text)} - {""}


def resolve_mentions(*, space: Space, body: str, exclude: Iterable[int] = ()) -> list[Any]:
    """Active members of ``space`` mentioned in ``body``; people outside the space never are."""
    wanted = mentioned_handles(body)
    if not wanted:
        return []
    excluded = set(exclude)
    members = Membership.objects.in_space(space).select_related("user").filter(user__is_active=True)
    return [
        membership.user
        for membership in members
        if membership.user_id not in excluded
        and membership.can("forums.view")
        and handles_for(membership.user) & wanted
    ]
