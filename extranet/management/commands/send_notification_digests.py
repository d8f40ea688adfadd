from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from extranet.notifications import send_daily_digests


class Command(BaseCommand):
    help = "E-mail each person the summary of the last 24 h for their 'daily' topics (run daily)."

    def handle(self, *args: Any, **opts: Any) -> None:
        sent = send_daily_digests()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digest e-mail(s)."))
