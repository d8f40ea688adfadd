from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from extranet.exceptions import MaillageError
from extranet.models.spaces import SpaceKind, Visibility
from extranet.services.spaces import create_space


class Command(BaseCommand):
    help = "Create a space: create_space <slug> --name … --kind …"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True, help=", ".join(SpaceKind.values))
        parser.add_argument("--description", default="")
        parser.add_argument("--listed", action="store_true", help="visible to signed-in users")
        parser.add_argument("--mfa-required", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["kind"] not in SpaceKind.values:
            raise CommandError(
                f"Unknown kind {opts['kind']!r}; choose one of: {', '.join(SpaceKind.values)}"
            )
        try:
            space = create_space(
                name=opts["name"],
                slug=opts["slug"],
                kind=opts["kind"],
                description=opts["description"],
                visibility=Visibility.LISTED if opts["listed"] else Visibility.PRIVATE,
                mfa_required=opts["mfa_required"],
            )
        except MaillageError as exc:
            raise CommandError(exc.message) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        mfa = " (MFA required)" if space.mfa_required else ""
        self.stdout.write(self.style.SUCCESS(f"Created space {space.slug}: {space.name}{mfa}"))
