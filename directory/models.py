"""The territory's directory: organisations, people, their functions and contact points.

The directory is territory-wide, not a space's content: every signed-in user may look people
up. What each viewer sees of a card is decided by the audience of each field
(``directory.visibility``), never by a template.

Multi-valued contact details (phones, e-mails, websites) are ``ContactPoint`` rows, each with
its own audience; the audiences of single-valued fields (address, photo, opening hours…) live
in the card's ``audiences`` mapping, with defaults per field (``ORGANISATION_FIELD_AUDIENCES``,
``PERSON_FIELD_AUDIENCES``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from extranet.storage import SettingFolderStorage


class Audience(models.TextChoices):
    """Who may see a field, from the widest audience to the narrowest."""

    PUBLIC = "public", _("Public (portail, après validation)")
    TERRITORY = "territory", _("Toutes les personnes connectées")
    SPACES = "spaces", _("Membres de mes espaces")
    PRIVATE = "private", _("Moi et les rédacteurs de l'annuaire")


class PortalIntent(models.TextChoices):
    """What the card's owner would like to see on the public portal (the editorial workflow
    decides; this only records the wish)."""

    NONE = "none", _("Pas sur le portail")
    FULL = "full", _("Fiche complète (champs publics)")
    REDUCED = "reduced", _("Version réduite (nom, type, commune)")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    MOBILE = "mobile", _("Portable")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Site web")


# Single-valued fields that carry an audience, and the audience a new card gives them.
ORGANISATION_FIELD_AUDIENCES: dict[str, str] = {
    "address": Audience.PUBLIC,
    "coordinates": Audience.PUBLIC,
    "website": Audience.PUBLIC,
    "opening_hours": Audience.PUBLIC,
    "description": Audience.PUBLIC,
    "logo": Audience.PUBLIC,
}
PERSON_FIELD_AUDIENCES: dict[str, str] = {
    "photo": Audience.TERRITORY,
    "commune": Audience.TERRITORY,
    "languages": Audience.TERRITORY,
    "bio": Audience.TERRITORY,
}
DEFAULT_CONTACT_AUDIENCE: dict[str, str] = {
    ContactKind.PHONE: Audience.SPACES,
    ContactKind.MOBILE: Audience.PRIVATE,
    ContactKind.EMAIL: Audience.SPACES,
    ContactKind.WEBSITE: Audience.PUBLIC,
}


def directory_storage() -> Storage:
    """Logos and photos, outside the web root (``DIRECTORY_MEDIA_DIR``); served by
    permission-checked views."""
    return SettingFolderStorage("DIRECTORY_MEDIA_DIR", "directory")


def _media_name(instance: Any, filename: str) -> str:
    # Never keep the uploaded name: it may say more than the picture does.
    return f"{type(instance).__name__.lower()}/{uuid.uuid4().hex}"


class OrganisationKind(models.Model):
    """A kind of organisation; staff extend the list in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=80)
    name_en = models.CharField(_("nom en anglais"), max_length=80, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=100)

    class Meta:
        verbose_name = _("type d'organisation")
        verbose_name_plural = _("types d'organisation")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "fr").startswith("en"):
            return self.name_en
        return self.name


class Theme(models.Model):
    """A theme or skill shared by organisations and people (tourism, numérique, santé…)."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("code"), max_length=90, unique=True)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Card(models.Model):
    """What organisations and people share: freshness, the public-portal wish, audiences."""

    audiences = models.JSONField(_("visibilité des champs"), default=dict, blank=True)
    portal_intent = models.CharField(
        _("portail public"), max_length=10, choices=PortalIntent.choices, default=PortalIntent.NONE
    )
    portal_intent_at = models.DateTimeField(null=True, blank=True)
    last_verified_at = models.DateTimeField(_("vérifiée le"), default=timezone.now)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stale_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    FIELD_AUDIENCES: dict[str, str] = {}

    class Meta:
        abstract = True

    def audience_of(self, field: str) -> str:
        value = (self.audiences or {}).get(field)
        if value in Audience.values:
            return str(value)
        return self.FIELD_AUDIENCES[field]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        """Every signed-in user may find every organisation (fields are filtered per viewer)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()


class Organisation(Card):
    kind = models.ForeignKey(
        OrganisationKind,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("type"),
    )
    name = models.CharField(_("nom"), max_length=200)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("organisation parente"),
    )
    commune = models.CharField(_("commune"), max_length=120, blank=True, db_index=True)
    postal_code = models.CharField(_("code postal"), max_length=10, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    website = models.URLField(_("site web"), blank=True)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to=_media_name, storage=directory_storage, blank=True
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="organisations")
    spaces = models.ManyToManyField(
        "extranet.Space",
        blank=True,
        related_name="directory_organisations",
        verbose_name=_("espaces du réseau"),
        help_text=_("Les membres de ces espaces voient les champs « Membres de mes espaces »."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_organisations",
        verbose_name=_("gestionnaires de la fiche"),
    )

    FIELD_AUDIENCES = ORGANISATION_FIELD_AUDIENCES
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "name"], name="directory_org_kind_name"),
            models.Index(fields=["commune", "name"], name="directory_org_commune_name"),
            models.Index(fields=["last_verified_at"], name="directory_org_verified"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", kwargs={"pk": self.pk})


class PersonQuerySet(models.QuerySet["Person"]):
    def visible_to(self, user: Any) -> PersonQuerySet:
        """Every signed-in user may find every person (fields are filtered per viewer)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.all()


class Person(Card):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_card",
        verbose_name=_("compte"),
    )
    first_name = models.CharField(_("prénom"), max_length=80)
    last_name = models.CharField(_("nom"), max_length=80)
    commune = models.CharField(_("commune"), max_length=120, blank=True, db_index=True)
    languages = models.CharField(
        _("langues"), max_length=200, blank=True, help_text=_("Séparées par des virgules.")
    )
    bio = models.TextField(_("présentation"), blank=True)
    photo = models.ImageField(
        _("photo"), upload_to=_media_name, storage=directory_storage, blank=True
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="people", verbose_name=_("thèmes et compétences")
    )

    FIELD_AUDIENCES = PERSON_FIELD_AUDIENCES
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        # Site-level role granted by staff (group "Rédaction de l'annuaire"): edit every card,
        # see private fields, list stale cards, import CSV files.
        permissions = [("edit_directory", _("Rédiger l'annuaire"))]
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="directory_person_name"),
            models.Index(fields=["commune", "last_name"], name="directory_person_commune"),
            models.Index(fields=["last_verified_at"], name="directory_person_verified"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("directory:person", kwargs={"pk": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Function(models.Model):
    """What a person does in an organisation ("Secrétaire de mairie" at Mairie de Brioux)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="functions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="functions"
    )
    title = models.CharField(_("fonction"), max_length=150)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("fonction")
        verbose_name_plural = _("fonctions")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "title"], name="directory_unique_function"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.organisation}"


class ContactPoint(models.Model):
    """One phone number, e-mail address or website of a card, with its own audience."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    kind = models.CharField(_("type"), max_length=10, choices=ContactKind.choices)
    label = models.CharField(_("libellé"), max_length=60, blank=True)
    value = models.CharField(_("valeur"), max_length=254)
    audience = models.CharField(
        _("visible par"), max_length=10, choices=Audience.choices, default=Audience.SPACES
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("coordonnée")
        verbose_name_plural = _("coordonnées")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organisation__isnull=False, person__isnull=True)
                    | Q(organisation__isnull=True, person__isnull=False)
                ),
                name="directory_contact_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class ImportKind(models.TextChoices):
    ORGANISATIONS = "organisations", _("Organisations")
    PEOPLE = "people", _("Personnes")


class ImportStatus(models.TextChoices):
    CHECK_QUEUED = "check_queued", _("Vérification en attente")
    CHECKING = "checking", _("Vérification en cours")
    INVALID = "invalid", _("Problèmes à corriger")
    READY = "ready", _("Prêt à importer")
    IMPORT_QUEUED = "import_queued", _("Import en attente")
    IMPORTING = "importing", _("Import en cours")
    DONE = "done", _("Importé")
    FAILED = "failed", _("Échec : rien n'a été importé")


class ImportJob(models.Model):
    """A CSV file checked (dry run), then imported, by a background task.

    The file's decoded text stays in the database (never served, never on disk) only while it
    may still be imported; it is dropped once the job ends."""

    RUNNING = frozenset(
        {
            ImportStatus.CHECK_QUEUED,
            ImportStatus.CHECKING,
            ImportStatus.IMPORT_QUEUED,
            ImportStatus.IMPORTING,
        }
    )

    kind = models.CharField(_("contenu"), max_length=20, choices=ImportKind.choices)
    filename = models.CharField(_("fichier"), max_length=200, blank=True)
    content = models.TextField(blank=True, editable=False)
    encoding = models.CharField(max_length=20, blank=True, editable=False)
    # The report is written in the language of the person who uploaded the file.
    language = models.CharField(max_length=10, blank=True, editable=False)
    status = models.CharField(
        _("état"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECK_QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import CSV")
        verbose_name_plural = _("imports CSV")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("directory:import_job", kwargs={"pk": self.pk})

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING
