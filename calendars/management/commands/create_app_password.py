from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from calendars.services.app_passwords import create_app_password
from extranet.services.accounts import find_user_by_email


class Command(BaseCommand):
    help = "Create an app password for a DAV client and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="device or software, e.g. 'Thunderbird'")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = find_user_by_email(opts["email"])
        if user is None or not user.is_active:
            raise CommandError(f"No active account for {opts['email']!r}")
        _app_password, secret = create_app_password(user=user, name=opts["name"])
        self.stdout.write(secret)
