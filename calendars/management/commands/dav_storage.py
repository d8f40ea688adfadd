from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from calendars.dav.dbstorage.pruning import prune_sync_history
from calendars.dav.dbstorage.transfer import (
    TransferError,
    database_report,
    export_folder,
    import_folder,
)


class Command(BaseCommand):
    help = (
        "Move CalDAV/CardDAV data between a Radicale file-storage folder and the database "
        "storage, with counts and sha256 checksums (of each item text, per collection, total)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="folder -> database (one transaction)")
        importing.add_argument("--from", dest="folder", required=True, type=Path)
        importing.add_argument(
            "--replace",
            action="store_true",
            help="replace collections already in the database at the same paths",
        )
        exporting = actions.add_parser("export", help="database -> a new folder")
        exporting.add_argument("--to", dest="folder", required=True, type=Path)
        actions.add_parser("report", help="counts and checksums of the database storage")
        pruning = actions.add_parser(
            "prune",
            help="delete sync-history deletion records older than DAV_CHANGE_RETENTION_DAYS "
            "(clients with older tokens do a full sync; run daily)",
        )
        pruning.add_argument("--days", type=int, default=None, help="retention period in days")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "prune":
            if opts["days"] is not None and opts["days"] < 0:
                raise CommandError("--days cannot be negative")
            for line in prune_sync_history(older_than_days=opts["days"]).lines():
                self.stdout.write(line)
            return
        try:
            if opts["action"] == "import":
                report = import_folder(opts["folder"], replace=opts["replace"])
            elif opts["action"] == "export":
                report = export_folder(opts["folder"])
            else:
                report = database_report()
        except TransferError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
