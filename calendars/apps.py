from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "calendars"
    verbose_name = _("Agendas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from calendars import receivers, registrations  # noqa: F401
