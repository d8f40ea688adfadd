from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtranetConfig(AppConfig):
    name = "extranet"
    verbose_name = _("Maillage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from extranet import receivers, tenancy_registrations  # noqa: F401
