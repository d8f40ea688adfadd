from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Annuaire")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from directory import carddav_receivers, registrations  # noqa: F401
        from directory.defaults import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="directory.defaults")
