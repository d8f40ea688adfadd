"""Write the public portal (HTML, JSON, iCalendar, Atom, brochure files, sitemap) as static files
for a portal that cannot call the application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from extranet.portal.public.export import ExportError, export_portal


class Command(BaseCommand):
    help = (
        "Export the public slice of the portal (only approved, current items) as static files. "
        "Idempotent: unchanged files are kept, files of items no longer public are removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="directory to write (created if needed)")
        parser.add_argument(
            "--base-url",
            default="",
            help="URL where the export will be served, e.g. https://portail.example.fr/agenda/ "
            "(absolute links of feeds, JSON-LD and sitemap); default: the directory's file:// URL",
        )
        parser.add_argument(
            "--language",
            default="",
            choices=["", *dict(settings.LANGUAGES)],
            help=f"language of the pages (default: {settings.LANGUAGE_CODE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a directory")
        try:
            summary = export_portal(
                out, base_url=options["base_url"] or None, language=options["language"]
            )
        except ExportError as exc:
            raise CommandError(f"export stopped, nothing removed: {exc}") from exc
        self.stdout.write(summary.text())
        if summary.broken_links:
            self.stderr.write(self.style.WARNING("Some links point outside the export."))
