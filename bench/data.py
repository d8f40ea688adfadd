"""Builds the benchmark data set with the project's own services (no shortcuts in the ORM).

Spaces ``espace-000`` … ``espace-NNN`` each hold ``members_per_space`` members and a few
activities. For every measured count N, one user (``mesure-N@bench.invalid``) belongs to the
first N spaces, so the space home of ``espace-000`` is the same page whatever N is, and only the
number of spaces on the user's home page changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from extranet.activity import record_activity
from extranet.roles import Role
from extranet.services.accounts import create_user
from extranet.services.memberships import add_member
from extranet.services.spaces import create_space

PASSWORD = "bench-password-not-secret"
FILLER_POOL = 60


@dataclass
class BenchData:
    measured_users: dict[int, Any] = field(default_factory=dict)
    space_slugs: list[str] = field(default_factory=list)

    @property
    def first_slug(self) -> str:
        return self.space_slugs[0]


def space_slug(index: int) -> str:
    return f"espace-{index:03d}"


@transaction.atomic
def build(
    counts: tuple[int, ...], *, members_per_space: int = 20, extra_activities: int = 3
) -> BenchData:
    data = BenchData()
    pool = max(FILLER_POOL, members_per_space)
    fillers = [
        create_user(
            email=f"membre-{i:03d}@bench.invalid",
            full_name=f"Membre {i:03d}",
            password=PASSWORD,
            validate=False,
        )
        for i in range(pool)
    ]
    for n in counts:
        data.measured_users[n] = create_user(
            email=f"mesure-{n}@bench.invalid",
            full_name=f"Mesure {n}",
            password=PASSWORD,
            validate=False,
        )

    for index in range(max(counts)):
        space = create_space(name=f"Espace {index:03d}", slug=space_slug(index), kind="officials")
        data.space_slugs.append(space.slug)
        measured_here = [user for n, user in data.measured_users.items() if index < n]
        filler_count = max(members_per_space - len(measured_here), 1)
        chosen = [fillers[(index * 7 + k) % pool] for k in range(filler_count)]
        for position, user in enumerate(chosen):
            role = Role.ADMIN if position == 0 else Role.MEMBER
            add_member(space=space, user=user, role=role)
        for user in measured_here:
            add_member(space=space, user=user, role=Role.MEMBER)
        for position in range(extra_activities):
            actor = chosen[position % len(chosen)]
            record_activity(space=space, actor=actor, verb="member.joined")
    return data
