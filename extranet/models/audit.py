from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from extranet.models.spaces import Space


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Connexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    LOGOUT = "logout", _("Déconnexion")
    PASSWORD_CHANGED = "password_changed", _("Mot de passe modifié")
    PASSWORD_RESET = "password_reset", _("Mot de passe réinitialisé")
    MFA_ADDED = "mfa_added", _("Double authentification ajoutée")
    MFA_REMOVED = "mfa_removed", _("Double authentification retirée")
    MFA_RESET = "mfa_reset", _("Codes de secours régénérés")
    SESSION_ENDED = "session_ended", _("Session terminée à distance")
    SPACE_CREATED = "space_created", _("Espace créé")
    SPACE_UPDATED = "space_updated", _("Réglages de l'espace modifiés")
    INVITATION_SENT = "invitation_sent", _("Invitation envoyée")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation acceptée")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation annulée")
    MEMBER_ADDED = "member_added", _("Membre ajouté")
    ROLE_CHANGED = "role_changed", _("Rôle modifié")
    MEMBER_REMOVED = "member_removed", _("Membre retiré")
    USER_CREATED = "user_created", _("Compte créé")
    AUDIT_PURGED = "audit_purged", _("Journal purgé")


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def in_space(self, space: Space) -> AuditEventQuerySet:
        return self.filter(space=space)


class AuditEvent(models.Model):
    """One entry of the append-only security journal.

    Labels copy the actor's e-mail and the space's slug so an entry stays readable after the
    account or the space is gone.
    """

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    # No `choices`: apps add actions through extranet.audit.register_audit_actions without a
    # migration of the core; labels come from that registry.
    action = models.CharField(_("action"), max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("auteur"), max_length=254, blank=True)
    space = models.ForeignKey(
        "extranet.Space",
        verbose_name=_("espace"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    space_label = models.CharField(_("espace"), max_length=60, blank=True)
    target_label = models.CharField(_("cible"), max_length=254, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement du journal")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["space", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.actor_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit events cannot be modified.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit events are removed only by the retention purge.")

    def get_action_display(self) -> str:
        from extranet.audit import action_label

        return action_label(self.action)
