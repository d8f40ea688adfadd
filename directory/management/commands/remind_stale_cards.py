from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from directory.services.freshness import remind_stale_cards


class Command(BaseCommand):
    help = (
        "Remind the owners of directory cards not verified for DIRECTORY_STALE_AFTER_DAYS "
        "(at most once per period; run daily)."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        reminded = remind_stale_cards()
        self.stdout.write(self.style.SUCCESS(f"Reminded the owners of {reminded} card(s)."))
