from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from extranet.models.spaces import Space


class ActivityQuerySet(models.QuerySet["Activity"]):
    def in_space(self, space: Space) -> ActivityQuerySet:
        return self.filter(space=space)

    def visible_to(self, user: Any) -> ActivityQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(space__memberships__user=user)


class Activity(models.Model):
    """What happened in a space, as members read it on home pages (not the security audit log)."""

    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=40)
    # What the verb acts on, as shown to readers ("Compte rendu du conseil du 12 mars").
    object_label = models.CharField(_("objet"), max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["space", "-created_at"])]

    def __str__(self) -> str:
        return self.message()

    def message(self) -> str:
        from extranet.activity import describe

        return describe(self)
