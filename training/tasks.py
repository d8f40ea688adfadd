"""Background work of the training app: thin tasks that take ids and call the services."""

from __future__ import annotations

from django_tasks import task


@task()
def send_registration_email(*, kind: str, registration_id: int) -> bool:
    """One e-mail of a registration (confirmation, promotion, change, cancellation, reminder)."""
    from training import emails

    return emails.send_registration_email(kind, registration_id)


@task()
def send_training_reminders() -> int:
    """The reminders of the sessions starting soon (each registrant once)."""
    from training.services import registrations

    return registrations.send_reminders()
