from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from training.services.registrations import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail a reminder (with the calendar invitation) to the confirmed registrants of the "
        "sessions starting within TRAINING_REMINDER_HOURS (each once; run daily)."
    )

    def handle(self, *args: Any, **opts: Any) -> None:
        sent = send_reminders()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} training reminder(s)."))
