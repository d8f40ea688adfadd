from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from extranet.audit import purge_audit


class Command(BaseCommand):
    help = "Delete audit-log entries older than the retention period (AUDIT_RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=None, help=f"default {settings.AUDIT_RETENTION_DAYS}"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            deleted = purge_audit(older_than_days=opts["days"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Purged {deleted} audit entries."))
