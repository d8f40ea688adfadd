"""The editorial workflow's records: proposals and the approved, immutable public snapshots.

Only ``PublicSnapshot.objects.public()`` is public. Every public output (pages, feeds, API,
static export, sitemaps) reads from there and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from extranet.storage import SettingFolderStorage


def portal_storage() -> Storage:
    """Where published files live (the callable keeps the path out of migrations)."""
    return SettingFolderStorage("PORTAL_STORAGE_DIR", "portal")


class ImmutableSnapshotError(RuntimeError):
    pass


class PublicationState(models.TextChoices):
    SUBMITTED = "submitted", _("En attente de relecture")
    APPROVED = "approved", _("Approuvée")
    REJECTED = "rejected", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée par son auteur")


class PublicSnapshotQuerySet(models.QuerySet["PublicSnapshot"]):
    def public(self) -> PublicSnapshotQuerySet:
        """THE ONLY public rows: the current approved version of each item."""
        return self.filter(is_current=True)

    def of_kind(self, kind: str) -> PublicSnapshotQuerySet:
        return self.filter(kind=kind)


class PublicSnapshot(models.Model):
    """An approved, immutable public version of an item. Never edited after creation."""

    kind = models.CharField(max_length=40)
    source_key = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    # Same for every version of (kind, source_key), so public URLs stay stable.
    public_id = models.SlugField(max_length=220)
    title = models.CharField(max_length=300)
    data = models.JSONField()
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    commune = models.CharField(max_length=120, blank=True)
    theme = models.CharField(max_length=120, blank=True)
    # At most one current per (kind, source_key); False once superseded or unpublished.
    is_current = models.BooleanField(default=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    unpublished_at = models.DateTimeField(null=True, blank=True)

    objects = PublicSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("version publique")
        verbose_name_plural = _("versions publiques")
        ordering = ["kind", "source_key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_key", "version"], name="one_public_snapshot_version"
            ),
            models.UniqueConstraint(
                fields=["kind", "source_key"],
                condition=Q(is_current=True),
                name="one_current_public_snapshot",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "is_current", "starts_at"]),
            models.Index(fields=["public_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.source_key} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # What was approved stays as approved: only is_current / unpublished_at change, and only
        # through QuerySet.update in extranet.portal.services.
        if not self._state.adding:
            raise ImmutableSnapshotError("Public snapshots cannot be modified.")
        super().save(*args, **kwargs)


class PublicFile(models.Model):
    """A file published with a snapshot (a brochure's PDF), copied at approval so later uploads
    do not change it."""

    snapshot = models.ForeignKey(PublicSnapshot, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    file = models.FileField(upload_to="portal/%Y/%m/", storage=portal_storage, max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("fichier public")
        verbose_name_plural = _("fichiers publics")
        ordering = ["snapshot", "pk"]

    def __str__(self) -> str:
        return self.name


class PublicationRequestQuerySet(models.QuerySet["PublicationRequest"]):
    def pending(self) -> PublicationRequestQuerySet:
        return self.filter(state=PublicationState.SUBMITTED)

    def for_source(self, kind: str, source_key: str) -> PublicationRequestQuerySet:
        return self.filter(kind=kind, source_key=source_key)


class PublicationRequest(models.Model):
    """A contributor's proposal to make an item public, reviewed by a general administrator."""

    kind = models.CharField(max_length=40)
    source_key = models.CharField(max_length=200)
    space = models.ForeignKey(
        "extranet.Space", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    payload = models.JSONField()
    state = models.CharField(
        max_length=20, choices=PublicationState.choices, default=PublicationState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="publication_requests",
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    snapshot = models.ForeignKey(
        PublicSnapshot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )

    objects = PublicationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition de publication")
        verbose_name_plural = _("propositions de publication")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("review_publication", _("Relire et publier les propositions du portail")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_key"],
                condition=Q(state="submitted"),
                name="one_pending_publication_request",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "kind", "-submitted_at"]),
            models.Index(fields=["kind", "source_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.source_key} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state == PublicationState.SUBMITTED
