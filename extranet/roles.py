"""Roles and abilities: the one mapping used by views, templates and (later) the DAV rights plugin.

An ability is granted from a minimum role upwards. The core declares its abilities here; apps add
theirs with :func:`register_abilities` from their ``AppConfig.ready()``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    EDITOR = "editor", _("Éditeur")
    MEMBER = "member", _("Membre")
    READER = "reader", _("Lecteur")


# Higher rank includes everything a lower rank may do.
ROLE_RANK: dict[str, int] = {Role.READER: 1, Role.MEMBER: 2, Role.EDITOR: 3, Role.ADMIN: 4}

_MIN_ROLE: dict[str, Role] = {
    "space.view": Role.READER,
    "members.view": Role.READER,
    "content.contribute": Role.MEMBER,
    "content.moderate": Role.EDITOR,
    "members.invite": Role.ADMIN,
    "members.manage": Role.ADMIN,
    "space.settings": Role.ADMIN,
    "audit.view": Role.ADMIN,
}


class UnknownAbility(KeyError):
    pass


def register_abilities(abilities: dict[str, Role]) -> None:
    """Declare app abilities (``"documents.upload": Role.MEMBER``). Names must be new."""
    for name, role in abilities.items():
        if name in _MIN_ROLE and _MIN_ROLE[name] != role:
            raise ValueError(f"Ability {name!r} is already declared with role {_MIN_ROLE[name]}")
        _MIN_ROLE[name] = Role(role)


def role_can(role: str, ability: str) -> bool:
    try:
        minimum = _MIN_ROLE[ability]
    except KeyError as exc:
        raise UnknownAbility(ability) from exc
    return ROLE_RANK[role] >= ROLE_RANK[minimum]


def abilities_for(role: str) -> frozenset[str]:
    rank = ROLE_RANK[role]
    return frozenset(name for name, minimum in _MIN_ROLE.items() if rank >= ROLE_RANK[minimum])


def all_abilities() -> dict[str, Role]:
    return dict(_MIN_ROLE)
