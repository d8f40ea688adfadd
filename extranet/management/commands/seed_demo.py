"""Load the fictional Pays des Trois Vallées into an empty development database."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from extranet.activity import record_activity
from extranet.demo import DemoContext, demo_seeders
from extranet.demo_data import (
    DEMO_TOTP_KEY,
    INVITATIONS,
    PEOPLE,
    SPACE_CREATOR,
    SPACES,
    UPDATES,
    DemoPerson,
)
from extranet.models import Activity, Membership, Space
from extranet.models.spaces import MFA_MANDATORY_KINDS
from extranet.roles import ROLE_RANK
from extranet.services.accounts import create_user
from extranet.services.invitations import create_invitation
from extranet.services.memberships import add_member
from extranet.services.spaces import create_space

User = get_user_model()


class Command(BaseCommand):
    help = (
        "Create the demo territory (spaces, ~20 accounts, invitations, documents). "
        "Development only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when any account already exists (used by `make run`)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: demo accounts share a public password "
                "and must never reach a production database."
            )
        if opts["if_empty"] and User.objects.exists():
            self.stdout.write("Accounts already exist: demo data not loaded.")
            return
        started = time.monotonic()
        with transaction.atomic():
            self._refuse_if_present()
            context = _seed(now=timezone.now())
            seeded = {seeder.name: seeder.seed(context) for seeder in demo_seeders()}
        # After commit, not in on_commit: tests run inside a transaction that never commits.
        summaries = self._finish(seeded)
        self._print_accounts(summaries)
        self.stdout.write(f"Seeded in {time.monotonic() - started:.1f} s.")

    def _finish(self, seeded: dict[str, Any]) -> list[str]:
        """Each app completes its part (text extraction, calendar events…). Everything is
        committed already: a failure only warns."""
        summaries = []
        for seeder in demo_seeders():
            try:
                summary = seeder.finish(seeded[seeder.name])
            except Exception as exc:
                self.stdout.write(self.style.WARNING(f"Demo {seeder.name}: {exc!r}"))
                continue
            if summary:
                summaries.append(summary)
        return summaries

    def _refuse_if_present(self) -> None:
        slugs = sorted(
            Space.objects.filter(slug__in=[s.slug for s in SPACES]).values_list("slug", flat=True)
        )
        emails = [p.email for p in PEOPLE]
        taken = User.objects.filter(email__in=emails).count()
        if slugs or taken:
            found = f"spaces {', '.join(slugs)}" if slugs else f"{taken} demo account(s)"
            raise CommandError(
                f"The demo is already loaded ({found} exist); nothing was changed. "
                "Start from an empty database (`make clean-db`) to load it again."
            )

    def _print_accounts(self, summaries: list[str]) -> None:
        kinds = {s.slug: s.kind for s in SPACES}
        rows = [
            (
                person.email,
                person.full_name,
                _flags(person, kinds),
                ", ".join(f"{slug} ({role.value})" for slug, role in person.memberships)
                or "(no space)",
            )
            for person in PEOPLE
        ]
        header = ("E-MAIL", "NAME", "NOTE", "SPACES (ROLES)")
        widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]

        def line(row: tuple[str, str, str, str]) -> str:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            return "  ".join([*cells, row[3]])

        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Demo territory loaded: {len(SPACES)} spaces, {len(PEOPLE)} accounts, "
                f"{len(INVITATIONS)} pending invitations."
            )
        )
        out.write("")
        out.write(self.style.MIGRATE_HEADING(line(header)))
        for row in rows:
            text = line(row)
            out.write(self.style.WARNING(text) if "NO MFA" in row[2] else text)
        out.write("")
        out.write(f"Password for every account: {settings.DEMO_PASSWORD}")
        for person in PEOPLE:
            if not person.memberships:
                out.write(f"* {person.email} belongs to no space (a newcomer's home page).")
            if person.is_staff:
                out.write(
                    f"* {person.email} is site staff (admin pages, creating spaces) and a "
                    "member of no private space: staff status opens no space."
                )
        for person in PEOPLE:
            if _in_mfa_space(person, kinds) and not person.has_mfa:
                out.write(
                    self.style.WARNING(
                        f"* {person.email} is in the health space WITHOUT MFA: "
                        "signing in as this account shows the MFA enforcement."
                    )
                )
        with_mfa = [p.local_part for p in PEOPLE if p.has_mfa]
        if with_mfa:
            out.write(
                f"* {', '.join(with_mfa)} already have TOTP, key {DEMO_TOTP_KEY} "
                f"(add it to an authenticator app, or `oathtool --totp -b {DEMO_TOTP_KEY}`)."
            )
        pending = "; ".join(f"{i.email} → {i.space_slug} ({i.role.value})" for i in INVITATIONS)
        out.write(f"* Pending invitations: {pending}.")
        for summary in summaries:
            out.write(summary)


def _in_mfa_space(person: DemoPerson, kinds: Mapping[str, str]) -> bool:
    return any(kinds[slug] in MFA_MANDATORY_KINDS for slug, _ in person.memberships)


def _flags(person: DemoPerson, kinds: Mapping[str, str]) -> str:
    flags = []
    if person.is_staff:
        flags.append("staff")
    if _in_mfa_space(person, kinds):
        flags.append("MFA" if person.has_mfa else "NO MFA <--")
    return ", ".join(flags)


def _seed(*, now: datetime) -> DemoContext:
    # One hash for all: the default hasher is deliberately slow and the password is shared.
    password_hash = make_password(settings.DEMO_PASSWORD)
    users: dict[str, Any] = {}
    for person in PEOPLE:
        user = create_user(email=person.email, full_name=person.full_name, password=None)
        user.password = password_hash
        user.is_staff = person.is_staff
        user.save(update_fields=["password", "is_staff"])
        if person.has_mfa:
            TOTP.activate(user, DEMO_TOTP_KEY)
        users[person.local_part] = user

    spaces: dict[str, Space] = {}
    for demo in SPACES:
        space = create_space(
            name=demo.name,
            slug=demo.slug,
            kind=demo.kind,
            description=demo.description,
            visibility=demo.visibility,
            created_by=users[SPACE_CREATOR],
        )
        created_at = now - timedelta(days=demo.created_days_ago)
        Space.objects.filter(pk=space.pk).update(created_at=created_at)
        Activity.objects.filter(space=space, verb="space.created").update(created_at=created_at)
        _add_members(space, users, created_at=created_at, now=now)
        spaces[demo.slug] = space

    for invitation in INVITATIONS:
        create_invitation(
            space=spaces[invitation.space_slug],
            email=invitation.email,
            role=invitation.role,
            invited_by=users[invitation.invited_by],
            message=invitation.message,
        )

    for update in UPDATES:
        space = spaces[update.space_slug]
        activity = record_activity(
            space=space,
            actor=users[update.actor],
            verb="space.updated",
            url=space.get_absolute_url(),
        )
        Activity.objects.filter(pk=activity.pk).update(
            created_at=now - timedelta(hours=update.hours_ago)
        )

    return DemoContext(spaces=spaces, users=users, now=now)


def _add_members(
    space: Space, users: dict[str, Any], *, created_at: datetime, now: datetime
) -> None:
    """Add the space's people, admins first, their arrivals spread from creation to last night."""
    people = sorted(
        (
            (person, role)
            for person in PEOPLE
            for slug, role in person.memberships
            if slug == space.slug
        ),
        key=lambda pair: -ROLE_RANK[pair[1]],
    )
    step = (now - created_at - timedelta(hours=12)) / max(len(people), 1)
    for index, (person, role) in enumerate(people):
        user = users[person.local_part]
        membership = add_member(space=space, user=user, role=role, organisation=person.organisation)
        joined_at = created_at + timedelta(hours=1) + index * step
        Membership.objects.filter(pk=membership.pk).update(created_at=joined_at)
        Activity.objects.filter(space=space, actor=user, verb="member.joined").update(
            created_at=joined_at
        )
