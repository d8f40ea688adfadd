from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from documents.services.documents import purge_trash


class Command(BaseCommand):
    help = "Delete documents (and their files) that have been in the trash for over 30 days."

    def handle(self, *args: Any, **opts: Any) -> None:
        count = purge_trash()
        self.stdout.write(self.style.SUCCESS(f"Purged {count} document(s) from the trash."))
