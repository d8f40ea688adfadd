from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from extranet.roles import Role, abilities_for, role_can


class SpaceKind(models.TextChoices):
    OFFICIALS = "officials", _("Élus et agents")
    TOURISM = "tourism", _("Tourisme")
    CULTURE = "culture", _("Culture")
    HEALTH = "health", _("Santé")
    TRAINING = "training", _("Formation")
    PROJECT = "project", _("Projet")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Privé : invisible pour les non-membres")
    LISTED = "listed", _("Répertorié : nom et description visibles des personnes connectées")


# Kinds whose spaces always require multi-factor authentication.
MFA_MANDATORY_KINDS = frozenset({SpaceKind.HEALTH})


class SpaceQuerySet(models.QuerySet["Space"]):
    def visible_to(self, user: Any) -> SpaceQuerySet:
        """Spaces the user is a member of (staff included: staff status grants no membership)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user)

    def listed(self) -> SpaceQuerySet:
        return self.filter(visibility=Visibility.LISTED, is_archived=False)


class Space(models.Model):
    """The tenant: one network's shared space."""

    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(
        _("identifiant"),
        max_length=60,
        unique=True,
        help_text=_("Utilisé dans les adresses : /s/<identifiant>/"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=SpaceKind.choices)
    description = models.TextField(_("description"), blank=True)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    mfa_required = models.BooleanField(
        _("double authentification obligatoire"),
        default=False,
        help_text=_("Les membres sans double authentification n'accèdent à rien de l'espace."),
    )
    is_archived = models.BooleanField(_("archivé"), default=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="health") | Q(mfa_required=True),
                name="health_space_requires_mfa",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.kind in MFA_MANDATORY_KINDS:
            self.mfa_required = True
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("spaces:home", kwargs={"slug": self.slug})

    @property
    def mfa_is_mandatory(self) -> bool:
        return self.kind in MFA_MANDATORY_KINDS


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_space(self, space: Space) -> MembershipQuerySet:
        return self.filter(space=space)

    def visible_to(self, user: Any) -> MembershipQuerySet:
        """Memberships of the spaces the user belongs to (members see each other)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(space__memberships__user=user)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    space = models.ForeignKey(
        Space, verbose_name=_("espace"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    organisation = models.CharField(_("organisation représentée"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("membre depuis"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["space__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "space"], name="one_membership_per_space")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.space} ({self.get_role_display()})"

    def can(self, ability: str) -> bool:
        return role_can(self.role, ability)

    def abilities(self) -> frozenset[str]:
        return abilities_for(self.role)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def in_space(self, space: Space) -> InvitationQuerySet:
        return self.filter(space=space)

    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def visible_to(self, user: Any) -> InvitationQuerySet:
        """Invitations of spaces where the user may invite, plus those addressed to them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Q(space__memberships__user=user, space__memberships__role=Role.ADMIN)
            | Q(email__iexact=user.email)
        ).distinct()


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("acceptée")
    REVOKED = "revoked", _("annulée")
    EXPIRED = "expired", _("expirée")


class Invitation(models.Model):
    space = models.ForeignKey(
        Space, verbose_name=_("espace"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    message = models.TextField(_("message"), blank=True)
    # Only a hash is stored: the token itself travels in the e-mail and nowhere else.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acceptée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["space", "email"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.space}"

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING
