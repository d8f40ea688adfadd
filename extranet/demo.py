"""Apps add their part of the demo territory here; ``seed_demo`` runs every registered seeder.

``seed`` runs inside the seeding transaction with the spaces (by slug) and the people (by e-mail
local part); ``finish`` runs after commit with what ``seed`` returned and may return one line
for the summary the command prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
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


def register_demo_module(name: str, module: str) -> None:
    """Register a module exposing ``seed(context)`` and ``finish(seeded) -> str | None``,
    imported only when the demo is seeded (its generators stay out of every start-up)."""

    def seed(context: DemoContext) -> Any:
        return import_module(module).seed(context)

    def finish(seeded: Any) -> str | None:
        summary: str | None = import_module(module).finish(seeded)
        return summary

    register_demo_seeder(DemoSeeder(name, seed, finish))


def demo_seeders() -> list[DemoSeeder]:
    return list(_seeders.values())
