"""Reads of the training catalogue. Every query of courses starts from ``courses_visible_to``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from extranet.access import check_membership
from extranet.models import Membership
from training.models import (
    ACTIVE_REGISTRATION,
    Audience,
    CatalogueSubscription,
    Course,
    CourseResource,
    CourseStatus,
    Format,
    Level,
    Reach,
    Registration,
    RegistrationStatus,
    Session,
    SessionPart,
    SessionStatus,
    Theme,
)
from training.policy import can_see_registrants, can_see_registration, is_signed_in


def _space_ids(user: Any, needs: tuple[str, ...]) -> dict[str, list[int]]:
    """For each ability in ``needs``, the spaces where the door lets ``user`` exercise it
    (MFA rule included), from one query of their memberships."""
    memberships = list(Membership.objects.filter(user=user).select_related("space", "user"))
    allowed: dict[str, list[int]] = {need: [] for need in needs}
    for membership in memberships:
        for need in needs:
            try:
                check_membership(membership, need=need)
            except (Http404, PermissionDenied):
                continue
            allowed[need].append(membership.space_id)
    return allowed


def courses_visible_to(user: Any, *, queryset: QuerySet[Course] | None = None) -> QuerySet[Course]:
    """Courses ``user`` may see: published ones within their reach, plus the drafts of the
    spaces they manage courses in and of the courses they train."""
    courses = Course.objects.all() if queryset is None else queryset
    if not is_signed_in(user):
        return courses.none()
    spaces = _space_ids(user, ("training.view", "training.manage"))
    published = Q(status=CourseStatus.PUBLISHED) & (
        Q(reach=Reach.TERRITORY) | Q(space_id__in=spaces["training.view"])
    )
    managed = Q(space_id__in=spaces["training.manage"]) | Q(trainers=user)
    ids = courses.filter(published | managed).values("pk")
    return courses.filter(pk__in=ids)


# --- catalogue (WEB-CAT) ---------------------------------------------------------------------
# What the participants' pages read. Each query of courses or sessions starts from
# ``courses_visible_to``; a person's own registrations are the exception (see
# ``registrations_of``).

CATALOGUE_PER_PAGE = 20
# Sessions listed under each course of the catalogue (the course page lists them all).
SESSIONS_SHOWN = 3
PRINT_LIMIT = 300
MAX_TEXT = 200


def _choice(value: str | None, choices: type[models.TextChoices]) -> str:
    value = (value or "").strip()
    return value if value in choices.values else ""


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class CatalogueFilters:
    """What the catalogue is narrowed to (from the query string; unknown values are ignored)."""

    text: str = ""
    audience: str = ""
    theme: str = ""
    format: str = ""
    level: str = ""
    date_from: date | None = None
    date_to: date | None = None
    commune: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> CatalogueFilters:
        return cls(
            text=" ".join(params.get("q", "").split())[:MAX_TEXT],
            audience=_choice(params.get("public"), Audience),
            theme=_choice(params.get("theme"), Theme),
            format=_choice(params.get("modalite"), Format),
            level=_choice(params.get("niveau"), Level),
            date_from=_date(params.get("du")),
            date_to=_date(params.get("au")),
            commune=" ".join(params.get("commune", "").split())[:120],
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.text
            or self.audience
            or self.theme
            or self.format
            or self.level
            or self.date_from
            or self.date_to
            or self.commune
        )

    @property
    def narrows_sessions(self) -> bool:
        """Dates and commune are properties of sessions: a course matches through them."""
        return bool(self.date_from or self.date_to or self.commune)


def with_seat_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """``sessions`` annotated with ``confirmed_count`` and ``waiting_count`` (the people
    themselves are never loaded)."""
    return sessions.annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
        ),
    )


def _upcoming(now: datetime | None = None) -> QuerySet[Session]:
    now = now or timezone.now()
    return Session.objects.filter(starts_at__gte=now).exclude(status=SessionStatus.CANCELLED)


def _listed_with_seats(sessions: QuerySet[Session]) -> QuerySet[Session]:
    return with_seat_counts(sessions.select_related("place")).order_by("starts_at", "pk")


def upcoming_sessions(*, now: datetime | None = None) -> QuerySet[Session]:
    """Sessions still to come (not cancelled), with their seat counts annotated:
    ``confirmed_count``, ``waiting_count`` (the people themselves are never loaded)."""
    return _listed_with_seats(_upcoming(now))


def _sessions_matching(filters: CatalogueFilters) -> QuerySet[Session]:
    """Upcoming sessions within the dates and commune asked for (no annotation: also used in
    subqueries)."""
    sessions = _upcoming()
    if filters.date_from:
        start = timezone.make_aware(datetime.combine(filters.date_from, time.min))
        sessions = sessions.filter(starts_at__gte=start)
    if filters.date_to:
        end = timezone.make_aware(datetime.combine(filters.date_to + timedelta(days=1), time.min))
        sessions = sessions.filter(starts_at__lt=end)
    if filters.commune:
        sessions = sessions.filter(
            Q(commune__iexact=filters.commune) | Q(place__commune__iexact=filters.commune)
        )
    return sessions


def published_courses_visible_to(user: Any) -> QuerySet[Course]:
    """The catalogue's courses: published ones ``user`` may see (drafts live in the spaces)."""
    return courses_visible_to(user).filter(status=CourseStatus.PUBLISHED)


def _text_pattern(word: str) -> str:
    """A regular expression matching ``word`` whatever its accents and case ("demarches"
    finds "Démarches"), the same on SQLite and PostgreSQL."""
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )
    return "".join(
        f"[{_ACCENT_VARIANTS[c]}]" if c in _ACCENT_VARIANTS else re.escape(c) for c in bare
    )


_ACCENT_VARIANTS = {
    "a": "aàâäAÀÂÄ",
    "c": "cçCÇ",
    "e": "eéèêëEÉÈÊË",
    "i": "iîïIÎÏ",
    "o": "oôöOÔÖ",
    "u": "uùûüUÙÛÜ",
    "y": "yÿYŸ",
}


def catalogue_courses(
    courses: QuerySet[Course],
    filters: CatalogueFilters,
    *,
    sessions_shown: int | None = SESSIONS_SHOWN,
) -> QuerySet[Course]:
    """The courses of ``courses`` (from ``published_courses_visible_to``) matching
    ``filters``, each with its first ``sessions_shown`` upcoming sessions (within the dates
    and commune asked for; all when None) prefetched as ``upcoming`` and their number
    annotated as ``upcoming_total`` (a page's cost stays bounded however many sessions a
    course has).

    A course for every audience (``Audience.ALL``) matches any audience asked for.
    """
    if filters.audience:
        courses = courses.filter(audience__in=[filters.audience, Audience.ALL])
    if filters.theme:
        courses = courses.filter(theme=filters.theme)
    if filters.format:
        courses = courses.filter(format=filters.format)
    if filters.level:
        courses = courses.filter(level=filters.level)
    for word in filters.text.split()[:8]:
        pattern = _text_pattern(word)
        courses = courses.filter(
            Q(title__iregex=pattern)
            | Q(summary__iregex=pattern)
            | Q(description__iregex=pattern)
            | Q(objectives__iregex=pattern)
        )
    sessions = _sessions_matching(filters)
    if filters.narrows_sessions:
        courses = courses.filter(pk__in=sessions.values("course_id"))
    total = (
        sessions.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    listed = _listed_with_seats(sessions)
    shown = listed if sessions_shown is None else listed[:sessions_shown]
    return (
        courses.select_related("space")
        .annotate(upcoming_total=Coalesce(Subquery(total), 0))
        .prefetch_related(Prefetch("sessions", queryset=shown, to_attr="upcoming"))
        .order_by("title", "pk")
    )


def catalogue_page(
    courses: QuerySet[Course], filters: CatalogueFilters, number: int
) -> Page[Course]:
    """One page of the catalogue (the number of queries does not grow with the courses)."""
    paginator = Paginator(catalogue_courses(courses, filters), CATALOGUE_PER_PAGE)
    return paginator.get_page(number)


def catalogue_for_print(courses: QuerySet[Course], filters: CatalogueFilters) -> list[Course]:
    """The whole matching catalogue, for the printed version (bounded)."""
    return list(catalogue_courses(courses, filters, sessions_shown=None)[:PRINT_LIMIT])


def catalogue_communes(courses: QuerySet[Course]) -> list[str]:
    """Communes where one of ``courses`` has an upcoming session (the place filter)."""
    rows = (
        Session.objects.filter(course__in=courses, starts_at__gte=timezone.now())
        .exclude(status=SessionStatus.CANCELLED)
        .exclude(commune="")
        .order_by()
        .values_list("commune", flat=True)
        .distinct()
    )
    return sorted(set(rows), key=str.casefold)


def page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def course_for(user: Any, space_slug: str, course_slug: str) -> Course:
    """A course ``user`` may see; 404 when it is missing or hidden from them (same answer)."""
    course = (
        courses_visible_to(user)
        .select_related("space")
        .prefetch_related(
            "trainers",
            Prefetch("resources", queryset=CourseResource.objects.select_related("document")),
        )
        .filter(space__slug=space_slug, slug=course_slug)
        .first()
    )
    if course is None:
        raise Http404
    return course


def course_upcoming_sessions(course: Course) -> list[Session]:
    """The course's sessions to come, with seat counts (``course`` already passed the door)."""
    return list(upcoming_sessions().filter(course=course).select_related("trainer"))


def session_for(user: Any, pk: int) -> Session:
    """A session of a course ``user`` may see, with seat counts; 404 otherwise."""
    sessions = Session.objects.filter(course__in=courses_visible_to(user), pk=pk)
    session = (
        with_seat_counts(sessions)
        .select_related("course", "course__space", "trainer", "place")
        .prefetch_related("parts")
        .first()
    )
    if session is None:
        raise Http404
    return session


def seats_left(session: Session) -> int:
    """Free seats of a session loaded by these selectors (annotated counts)."""
    return max(0, session.capacity - getattr(session, "confirmed_count", 0))


def active_registrations_by_session(user: Any, sessions: Iterable[Session]) -> dict[int, Any]:
    """The user's own active registration for each of ``sessions`` (session id → it)."""
    if not is_signed_in(user):
        return {}
    rows = Registration.objects.filter(
        user=user, session__in=list(sessions), status__in=ACTIVE_REGISTRATION
    )
    return {r.session_id: r for r in rows}


def waiting_position(registration: Registration) -> int:
    """1-based place of a waiting registration in its session's line."""
    ahead = Registration.objects.filter(
        session_id=registration.session_id,
        status=RegistrationStatus.WAITING,
        created_at__lt=registration.created_at,
    ).count()
    return ahead + 1


def registrations_of(user: Any) -> QuerySet[Registration]:
    """Registrations the person holds or made for someone of their organisation.

    Not narrowed by ``courses_visible_to``: a person keeps their own registrations, certificates
    and survey after a course is archived or its space has left their reach; the pages link to
    the course only when it is still visible (``visible_course_ids``).
    """
    if not is_signed_in(user):
        return Registration.objects.none()
    return (
        Registration.objects.filter(Q(user=user) | Q(registered_by=user))
        .select_related(
            "session",
            "session__course",
            "session__course__space",
            "session__place",
            "survey_answer",
        )
        .order_by("session__starts_at", "pk")
    )


def registration_for(user: Any, pk: int) -> Registration:
    """A registration the user may see (``policy.can_see_registration``); 404 otherwise."""
    registration = (
        Registration.objects.select_related(
            "session", "session__course", "session__course__space", "survey_answer"
        )
        .filter(pk=pk)
        .first()
    )
    if registration is None or not can_see_registration(user, registration):
        raise Http404
    return registration


def visible_course_ids(user: Any, course_ids: Iterable[int]) -> set[int]:
    return set(
        courses_visible_to(user).filter(pk__in=list(course_ids)).values_list("pk", flat=True)
    )


def is_subscribed_to_catalogue(user: Any) -> bool:
    return is_signed_in(user) and CatalogueSubscription.objects.filter(user=user).exists()


# --- the space's management pages and the trainers' pages ---------------------------------------


def course_in_space(membership: Membership, course_slug: str) -> Course:
    """A course of the caller's space, drafts included (the door was passed); 404 otherwise."""
    course = Course.objects.in_space(membership.space).filter(slug=course_slug).first()
    if course is None:
        raise Http404
    return course


def session_in_space(membership: Membership, pk: int, *, seat_counts: bool = False) -> Session:
    """A session of a course of the caller's space (with ``confirmed_count`` and
    ``waiting_count`` when asked); 404 otherwise."""
    sessions: QuerySet[Session] = Session.objects.filter(course__space=membership.space, pk=pk)
    if seat_counts:
        sessions = with_seat_counts(sessions)
    session = sessions.select_related("course", "course__space", "trainer", "place").first()
    if session is None:
        raise Http404
    return session


def resource_of(course: Course, pk: int) -> CourseResource:
    """A resource of ``course``; 404 otherwise."""
    resource = CourseResource.objects.filter(course=course, pk=pk).first()
    if resource is None:
        raise Http404
    return resource


def confirmed_registrations(session: Session) -> QuerySet[Registration]:
    """The session's confirmed registrations (who may be marked present or absent)."""
    return Registration.objects.filter(
        session=session, status=RegistrationStatus.CONFIRMED
    ).select_related("organisation")


def session_for_registrants(user: Any, pk: int) -> Session:
    """The session if ``user`` may see its registrants (its trainer, the course's space
    editors); 404 otherwise, missing or not theirs alike."""
    session = (
        Session.objects.filter(pk=pk)
        .select_related("course", "course__space", "trainer", "place")
        .prefetch_related(
            Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at", "pk"))
        )
        .first()
    )
    if session is None or not can_see_registrants(user, session):
        raise Http404
    return session


def _listed(sessions: QuerySet[Session]) -> QuerySet[Session]:
    parts = Prefetch("parts", queryset=SessionPart.objects.order_by("starts_at", "pk"))
    return with_seat_counts(sessions.prefetch_related(parts)).order_by("starts_at", "pk")


def sessions_of_course(course: Course) -> QuerySet[Session]:
    """The course's sessions with parts and seat counts, for its managers' page."""
    return _listed(course.sessions.select_related("trainer", "place"))


def sessions_of_trainer(user: Any) -> QuerySet[Session]:
    """The sessions ``user`` trains, with parts and seat counts."""
    return _listed(
        Session.objects.filter(trainer_id=user.pk).select_related(
            "course", "course__space", "place"
        )
    )


def split_upcoming_past(
    sessions: Iterable[Session], *, now: datetime
) -> tuple[list[Session], list[Session]]:
    """Sessions not yet over (soonest first) and past ones (latest first)."""
    listed = list(sessions)
    upcoming = [s for s in listed if s.ends_at is None or s.ends_at >= now]
    past = [s for s in reversed(listed) if s.ends_at is not None and s.ends_at < now]
    return upcoming, past


def trainer_candidates(membership: Membership, course: Course | None = None) -> QuerySet[Any]:
    """Who may be picked as a trainer: the space's members, plus the course's trainers."""
    who = Q(memberships__space=membership.space)
    if course is not None:
        who |= Q(training_courses=course)
    users = get_user_model().objects.filter(who, is_active=True)
    return users.filter(pk__in=users.values("pk")).order_by("full_name", "email")
