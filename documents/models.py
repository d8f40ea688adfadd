from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.storage import document_storage, version_upload_to

TRASH_RETENTION = timedelta(days=30)


class DocumentKind(models.TextChoices):
    MINUTES = "minutes", _("Compte rendu")
    TEMPLATE = "template", _("Modèle")
    STUDY = "study", _("Étude")
    BROCHURE = "brochure", _("Brochure")
    FORM = "form", _("Formulaire")
    OTHER = "other", _("Autre")


class ExtractionStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    OK = "ok", _("texte extrait")
    EMPTY = "empty", _("aucun texte")
    FAILED = "failed", _("le texte n'a pas pu être extrait")
    ENCRYPTED = "encrypted", _("fichier chiffré : le texte n'a pas pu être extrait")
    UNSUPPORTED = "unsupported", _("format sans texte indexable")


class FolderQuerySet(models.QuerySet["Folder"]):
    def in_space(self, space: Any) -> FolderQuerySet:
        return self.filter(space=space)

    def visible_to(self, user: Any) -> FolderQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(space__memberships__user=user)


class Folder(models.Model):
    """A theme in a space's classification; folders nest."""

    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("dossier parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = FolderQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "parent", "name"], name="unique_folder_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["space", "name"],
                condition=Q(parent__isnull=True),
                name="unique_root_folder_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:folder", kwargs={"slug": self.space.slug, "pk": self.pk})


class Tag(models.Model):
    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("étiquette"), max_length=50)

    class Meta:
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["space", "name"], name="unique_tag")]

    def __str__(self) -> str:
        return self.name


class DocumentQuerySet(models.QuerySet["Document"]):
    def alive(self) -> DocumentQuerySet:
        return self.filter(deleted_at__isnull=True)

    def trashed(self) -> DocumentQuerySet:
        return self.filter(deleted_at__isnull=False)

    def in_space(self, space: Any) -> DocumentQuerySet:
        """Documents owned by the space (not those shared into it)."""
        return self.filter(space=space)

    def readable_in(self, space: Any) -> DocumentQuerySet:
        """Documents a member of ``space`` may read there: its own plus those shared with it."""
        return self.filter(Q(space=space) | Q(shares__space=space)).distinct()

    def visible_to(self, user: Any) -> DocumentQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            Q(space__memberships__user=user) | Q(shares__space__memberships__user=user)
        ).distinct()


class Document(models.Model):
    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="documents")
    folder = models.ForeignKey(
        Folder,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("type de document"), max_length=12, choices=DocumentKind.choices, default="other"
    )
    meeting_date = models.DateField(_("date de la réunion"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("étiquettes"), blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_at = models.DateTimeField(_("déposé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifié le"), default=timezone.now)
    deleted_at = models.DateTimeField(_("mis à la corbeille le"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["space", "deleted_at", "-updated_at"]),
            models.Index(fields=["space", "kind"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", kwargs={"slug": self.space.slug, "pk": self.pk})

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None

    @property
    def purge_after(self) -> Any:
        return self.deleted_at + TRASH_RETENTION if self.deleted_at else None


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(storage=document_storage, upload_to=version_upload_to, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=160)
    size = models.PositiveBigIntegerField(_("taille"))
    sha256 = models.CharField(max_length=64)
    mime = models.CharField(_("type"), max_length=120)
    uploaded_at = models.DateTimeField(_("déposée le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note de version"), max_length=300, blank=True)
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extraction_status = models.CharField(
        max_length=12, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extraction_error = models.CharField(max_length=300, blank=True)
    extracted_text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def storage_name(self) -> str:
        """Name of the file in the documents storage (always set once saved)."""
        if not self.file.name:
            raise ValueError(f"Version {self.pk} has no stored file")
        return self.file.name

    @property
    def is_previewable(self) -> bool:
        return self.mime == "application/pdf" or self.mime.startswith("image/")


class Comment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("commentaire"), max_length=10000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class DocumentShare(models.Model):
    """A read-only share of a document into another space."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="shares")
    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partage")
        verbose_name_plural = _("partages")
        constraints = [models.UniqueConstraint(fields=["document", "space"], name="unique_share")]

    def __str__(self) -> str:
        return f"{self.document} → {self.space}"


class FolderWatch(models.Model):
    """A member asked to be told about new documents in a folder."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "folder"], name="unique_folder_watch")
        ]

    def __str__(self) -> str:
        return f"{self.user} 👁 {self.folder}"
