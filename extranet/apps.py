from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExtranetConfig(AppConfig):
    name = "extranet"
    verbose_name = _("Maillage")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from extranet import receivers, tenancy_registrations  # noqa: F401
        from extranet.portal import registrations as portal_registrations  # noqa: F401

        post_migrate.connect(
            receivers.ensure_portal_administrators_group,
            sender=self,
            dispatch_uid="extranet.portal_administrators",
        )
