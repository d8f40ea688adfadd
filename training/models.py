"""The training catalogue: courses, their dated sessions, registrations and what follows.

A course belongs to a space (usually a network of kind ``training``); its space's editors
(ability ``training.manage``) write it. A course is seen by every signed-in user
(``Reach.TERRITORY``, the default: registrants come from every network) or only by the
members of its space (``Reach.SPACE``); drafts only by its managers and trainers. Who may see
what is decided in ``training.policy`` and ``training.selectors`` only.

A session has one or more dated parts, a place (a directory organisation, or a free address),
a capacity and a trainer. Registrations are confirmed up to the capacity, then wait in line;
the service that counts seats locks the session row (``select_for_update``), so two people for
the last seat get one seat and one place on the waiting list.

Registrants' personal data (name, e-mail, organisation, attendance, answers) is seen only by
the person, the session's trainer and the course's space editors (``training.policy``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    ALL = "all", _("Tous publics")
    CITIZENS = "citizens", _("Habitants")
    OFFICIALS = "officials", _("Agents et élus")
    TOURISM = "tourism", _("Acteurs du tourisme")
    HEALTH = "health", _("Professionnels de santé")
    BUSINESSES = "businesses", _("Entreprises")


class Theme(models.TextChoices):
    BASICS = "basics", _("Premiers pas avec l'ordinateur")
    MOBILE = "mobile", _("Smartphone et tablette")
    ONLINE_SERVICES = "online-services", _("Démarches en ligne")
    OFFICE = "office", _("Bureautique")
    COLLABORATION = "collaboration", _("Outils collaboratifs")
    SECURITY = "security", _("Sécurité numérique")
    COMMUNICATION = "communication", _("Site web et réseaux sociaux")
    TOURISM = "tourism", _("Numérique et tourisme")
    HEALTH = "health", _("Santé numérique")


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Débutant")
    INTERMEDIATE = "intermediate", _("Intermédiaire")
    ADVANCED = "advanced", _("Avancé")


class Format(models.TextChoices):
    ONSITE = "onsite", _("En présentiel")
    DISTANCE = "distance", _("À distance")
    BLENDED = "blended", _("Mixte")


class Reach(models.TextChoices):
    TERRITORY = "territory", _("Tout le territoire (toute personne connectée)")
    SPACE = "space", _("Les membres de l'espace seulement")


class CourseStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    ARCHIVED = "archived", _("Archivée")


class CourseQuerySet(models.QuerySet["Course"]):
    def in_space(self, space: Any) -> CourseQuerySet:
        return self.filter(space=space)

    def visible_to(self, user: Any) -> CourseQuerySet:
        """Courses ``user`` may see (``training.selectors.courses_visible_to`` is the door)."""
        from training.selectors import courses_visible_to

        return self.filter(pk__in=courses_visible_to(user, queryset=self).values("pk"))


class Course(models.Model):
    space = models.ForeignKey(
        "extranet.Space", on_delete=models.CASCADE, related_name="training_courses"
    )
    slug = models.SlugField(_("adresse"), max_length=80)
    title = models.CharField(_("intitulé"), max_length=160)
    summary = models.CharField(_("résumé"), max_length=300)
    description = models.TextField(_("présentation"), blank=True)
    audience = models.CharField(
        _("public"), max_length=20, choices=Audience.choices, default=Audience.ALL
    )
    theme = models.CharField(_("thème"), max_length=30, choices=Theme.choices)
    level = models.CharField(
        _("niveau"), max_length=20, choices=Level.choices, default=Level.BEGINNER
    )
    duration_hours = models.DecimalField(
        _("durée (heures)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("500"))],
    )
    format = models.CharField(
        _("modalité"), max_length=20, choices=Format.choices, default=Format.ONSITE
    )
    prerequisites = models.TextField(_("prérequis"), blank=True)
    objectives = models.TextField(_("objectifs"), help_text=_("Un objectif par ligne."))
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formateurs"),
        blank=True,
        related_name="training_courses",
    )
    reach = models.CharField(
        _("visible par"), max_length=20, choices=Reach.choices, default=Reach.TERRITORY
    )
    status = models.CharField(
        _("état"), max_length=20, choices=CourseStatus.choices, default=CourseStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["space", "slug"], name="training_course_slug_unique")
        ]
        indexes = [models.Index(fields=["status", "reach"], name="training_course_reach")]

    def __str__(self) -> str:
        return self.title

    def objective_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.objectives.splitlines() if line.strip()]


class ResourceKind(models.TextChoices):
    DOCUMENT = "document", _("Document de l'espace")
    LINK = "link", _("Lien")
    TUTORIAL = "tutorial", _("Tutoriel")


class CourseResource(models.Model):
    """A document of the course's space, a link or a tutorial offered to participants."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(_("type"), max_length=20, choices=ResourceKind.choices)
    title = models.CharField(_("titre"), max_length=160)
    url = models.URLField(_("adresse web"), blank=True)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="document", document__isnull=False))
                | (~Q(kind="document") & ~Q(url="")),
                name="training_resource_target",
            )
        ]

    def __str__(self) -> str:
        return self.title


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Programmée")
    OPEN = "open", _("Inscriptions ouvertes")
    FULL = "full", _("Complète")
    CANCELLED = "cancelled", _("Annulée")
    DONE = "done", _("Terminée")


# Registrations are taken only in these states (FULL still takes the waiting list).
REGISTRABLE = (SessionStatus.OPEN, SessionStatus.FULL)


class SessionQuerySet(models.QuerySet["Session"]):
    def visible_to(self, user: Any) -> SessionQuerySet:
        from training.selectors import courses_visible_to

        return self.filter(course__in=courses_visible_to(user))


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    # Stable across edits: the iCalendar UID of the session's events (one VEVENT per part,
    # RECURRENCE-free; parts are told apart by "<uid>-<part position>").
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("formateur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions",
    )
    place = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("lieu (annuaire)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_sessions",
    )
    # Used when no directory place is chosen, and kept as the text shown in calendars.
    place_name = models.CharField(_("nom du lieu"), max_length=160, blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    online_url = models.URLField(_("lien de la classe virtuelle"), blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    status = models.CharField(
        _("état"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    registration_deadline = models.DateTimeField(
        _("clôture des inscriptions"), null=True, blank=True
    )
    notes = models.TextField(_("informations pratiques"), blank=True)
    # First and last instant of the parts, kept by the services for listing and filtering.
    starts_at = models.DateTimeField(null=True, db_index=True, editable=False)
    ends_at = models.DateTimeField(null=True, editable=False)
    # iCalendar SEQUENCE: bumped at each change that invitations must carry.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_reason = models.CharField(_("motif d'annulation"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%d/%m/%Y") if self.starts_at else ""
        return f"{self.course.title} · {when}".strip(" ·")

    @property
    def place_label(self) -> str:
        """What people read as the place (directory name, else the free text)."""
        if self.place is not None:
            return self.place.name
        return self.place_name

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class SessionPart(models.Model):
    """One dated part of a session (a session may run over several half-days)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="parts")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    class Meta:
        verbose_name = _("partie de session")
        verbose_name_plural = _("parties de session")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="training_part_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} → {self.ends_at:%H:%M}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    WAITING = "waiting", _("Sur liste d'attente")
    CANCELLED = "cancelled", _("Annulée")


ACTIVE_REGISTRATION = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Non renseignée")
    PRESENT = "present", _("Présent")
    ABSENT = "absent", _("Absent")


class Registration(models.Model):
    """A seat (or a place in line) for one person at one session.

    ``user`` is set when the registrant has an account (always for self-registration); a
    manager registering someone else records them by name and e-mail, with the directory
    person and organisation when known. ``full_name``/``email`` are what the trainer sees and
    where e-mails go.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_registrations",
    )
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    full_name = models.CharField(_("nom"), max_length=160)
    email = models.EmailField(_("adresse e-mail"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("état"), max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(
        _("présence"), max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        # The waiting list is served first come, first served.
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="training_one_active_registration",
            )
        ]
        indexes = [models.Index(fields=["session", "status"], name="training_reg_status")]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.session}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REGISTRATION


class SurveyAnswer(models.Model):
    """The short satisfaction survey, answered once per registration after the session."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="survey_answer"
    )
    overall = models.PositiveSmallIntegerField(
        _("satisfaction générale"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    objectives_met = models.PositiveSmallIntegerField(
        _("objectifs atteints"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    trainer_rating = models.PositiveSmallIntegerField(
        _("qualité de l'animation"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_recommend = models.BooleanField(_("recommanderiez-vous cette formation ?"))
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réponse au questionnaire")
        verbose_name_plural = _("réponses au questionnaire")

    def __str__(self) -> str:
        return f"{self.registration} · {self.overall}/5"


class CatalogueSubscription(models.Model):
    """A person who asked for the whole catalogue in their calendar app (a read-only CalDAV
    calendar linked into their home, and an iCal URL)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_subscription"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("abonnement au catalogue")
        verbose_name_plural = _("abonnements au catalogue")

    def __str__(self) -> str:
        return str(self.user)
