"""Apps add their part of the demo territory here; ``seed_demo`` runs every registered seeder.

``seed`` runs inside the seeding transaction with the spaces (by slug) and the people (by e-mail
local part); ``finish`` runs after commit with what ``seed`` returned and may return one line
for the summary the command prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class DemoContext:
    spaces: Mapping[str, Any]
    users: Mapping[str, Any]
    now: datetime


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    seed: Callable[[DemoContext], Any]
    finish: Callable[[Any], str | None]


_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(seeder: DemoSeeder) -> None:
    _seeders[seeder.name] = seeder


def demo_seeders() -> list[DemoSeeder]:
    return list(_seeders.values())
