from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from extranet.exceptions import MaillageError
from extranet.models import Membership, Space
from extranet.roles import Role
from extranet.services.accounts import create_user, find_user_by_email
from extranet.services.memberships import add_member


class Command(BaseCommand):
    help = "Add a person to a space (creating the account when missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("space_slug")
        parser.add_argument("--role", default=Role.MEMBER, help=", ".join(Role.values))
        parser.add_argument("--password", help="for a new account; otherwise unusable")
        parser.add_argument("--name", default="", help="full name for a new account")

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        email, role = opts["email"].strip().lower(), opts["role"]
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid e-mail address") from exc
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}")
        space = Space.objects.filter(slug=opts["space_slug"]).first()
        if space is None:
            raise CommandError(f"No space with slug {opts['space_slug']!r}")
        user = find_user_by_email(email)
        created = user is None
        try:
            if created:
                user = create_user(email=email, full_name=opts["name"], password=opts["password"])
            existing = Membership.objects.filter(space=space, user=user).first()
            if existing:
                raise CommandError(
                    f"{email} is already {existing.role} of {space.slug}; "
                    "change roles from the space's members page"
                )
            add_member(space=space, user=user, role=role)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except MaillageError as exc:
            raise CommandError(exc.message) from exc
        note = " (new account)" if created else ""
        self.stdout.write(self.style.SUCCESS(f"{email}{note} added as {role} of {space.slug}"))
