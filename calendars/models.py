from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_secret(secret: str) -> str:
    # App passwords are long random tokens: a fast hash is enough (and DAV clients send them on
    # every request, so PBKDF2's ~240 ms per check is not affordable). See FIELD_NOTES.md.
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class AppPasswordQuerySet(models.QuerySet["AppPassword"]):
    def active(self) -> AppPasswordQuerySet:
        return self.filter(revoked_at__isnull=True)


class AppPassword(models.Model):
    """A named, revocable password for one DAV client (phone, Thunderbird…)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords"
    )
    name = models.CharField(_("nom de l'appareil"), max_length=80)
    secret_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8)  # first characters, to tell passwords apart
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = AppPasswordQuerySet.as_manager()

    class Meta:
        verbose_name = _("mot de passe d'application")
        verbose_name_plural = _("mots de passe d'application")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"


class SpaceCalendar(models.Model):
    """A calendar of a space; its events live in Radicale at ``/spaces/<space>/<slug>/``."""

    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="calendars")
    slug = models.SlugField(max_length=40)
    name = models.CharField(_("nom"), max_length=80)
    color = models.CharField(_("couleur"), max_length=7, default="#0b5e4a")
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("agenda d'espace")
        verbose_name_plural = _("agendas d'espace")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="unique_space_calendar")
        ]

    def __str__(self) -> str:
        return f"{self.space} · {self.name}"


class FeedToken(models.Model):
    """A secret read-only iCalendar URL for one calendar (revocable)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    calendar_path = models.CharField(max_length=300)
    secret_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label


class AvailabilityShare(models.Model):
    """A space calendar shown to another space as busy blocks only (no titles, no details)."""

    calendar = models.ForeignKey(
        SpaceCalendar, on_delete=models.CASCADE, related_name="availability_shares"
    )
    space = models.ForeignKey("extranet.Space", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["calendar", "space"], name="unique_availability_share")
        ]

    def __str__(self) -> str:
        return f"{self.calendar} ⇢ {self.space}"


def active_app_password(secret: str) -> Any:
    return (
        AppPassword.objects.active()
        .select_related("user")
        .filter(secret_hash=hash_secret(secret), user__is_active=True)
        .first()
    )


# --- Radicale's storage in the database (calendars.dav.dbstorage) ------------------------------


class DavCollection(models.Model):
    """A DAV collection: a home, a calendar, an address book, or a link to one of them.

    A link (``link_target`` set) is how a member's home shows a space calendar or address book:
    Radicale sees a collection at the link's path with the target's items and properties.
    """

    path = models.CharField(max_length=512, unique=True)  # sanitized, no leading/trailing "/"
    parent = models.CharField(max_length=512, db_index=True)  # "" for top-level collections
    owner = models.CharField(max_length=254, db_index=True)  # principal, or space slug
    tag = models.CharField(max_length=16, blank=True)  # VCALENDAR, VADDRESSBOOK or ""
    props = models.JSONField(default=dict)
    link_target = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    # Bumped by every item change (under the row's lock): the sync token's serial.
    revision = models.BigIntegerField(default=0)
    # Changes at or below this revision were pruned: older tokens are no longer valid.
    sync_floor = models.BigIntegerField(default=0)
    modified_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.path


class DavItem(models.Model):
    """One calendar object or vCard, stored byte for byte as the client sent it (after
    Radicale's sanitizing), with what REPORTs filter on."""

    collection = models.ForeignKey(DavCollection, on_delete=models.CASCADE, related_name="items")
    href = models.CharField(max_length=1024)
    uid = models.CharField(max_length=1024, blank=True)
    component = models.CharField(max_length=16, blank=True)  # VEVENT, VTODO, VJOURNAL, ""
    name = models.CharField(max_length=16, blank=True)  # VCALENDAR, VCARD
    text = models.TextField()
    etag = models.CharField(max_length=80)
    # POSIX seconds of the item's enclosing time range (a recurring series as a whole);
    # NULL is unbounded on that side. Short items (most events) are found by an index range on
    # ``start`` alone; long or unbounded ones (series, all-year items) are few and checked apart.
    start = models.BigIntegerField(null=True)
    end = models.BigIntegerField(null=True)
    is_long = models.BooleanField(default=False)
    modified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "href"], name="unique_dav_item_href")
        ]
        indexes = [
            models.Index(fields=["collection", "uid"], name="dav_item_uid"),
            models.Index(fields=["collection", "is_long", "start"], name="dav_item_time_range"),
        ]

    def __str__(self) -> str:
        return self.href


class DavChange(models.Model):
    """The last change of each href of a collection (a deletion leaves a tombstone), for
    RFC 6578 sync: what changed since token N is the rows with ``revision > N``."""

    collection = models.ForeignKey(DavCollection, on_delete=models.CASCADE, related_name="changes")
    href = models.CharField(max_length=1024)
    revision = models.BigIntegerField()
    deleted = models.BooleanField(default=False)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["collection", "href"], name="unique_dav_change_href")
        ]
        indexes = [models.Index(fields=["collection", "revision"], name="dav_change_revision")]

    def __str__(self) -> str:
        return f"{self.href}@{self.revision}"
