"""What the search index knows about the training catalogue: one entry per visible course.

A published course of the territory reach is indexed under ``TERRITORY_SPACE_ID`` (every
signed-in user may see it, as ``training.policy.can_see_course`` says); a published course of
the space reach under its space, so only the space's members find it. Drafts and archived
courses are not in the index at all (their managers find them on the space's training pages).

An entry holds the course's description, its labels, its space's name and the places and
communes of its upcoming sessions; never a registrant or a trainer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from extranet.search import TERRITORY_SPACE_ID, IndexEntry, get_backend
from training.models import Course, CourseStatus, Reach, Session, SessionStatus

KIND = "training_course"
KEY_PREFIX = "training.course:"
THEME_FACET = "training_theme"
AUDIENCE_FACET = "training_audience"


def key_for(course_id: int) -> str:
    return f"{KEY_PREFIX}{course_id}"


def course_url(course: Course) -> str:
    """The course's page (``training:course``)."""
    try:
        return reverse(
            "training:course",
            kwargs={"space_slug": course.space.slug, "course_slug": course.slug},
        )
    except NoReverseMatch:  # the catalogue's URLs not mounted: the path the contract gives
        return f"/formations/{course.space.slug}/{course.slug}/"


def space_id_for(course: Course) -> int | None:
    """Under which space the course is indexed; None when it must not be indexed."""
    if course.status != CourseStatus.PUBLISHED:
        return None
    return TERRITORY_SPACE_ID if course.reach == Reach.TERRITORY else course.space_id


def _queryset() -> QuerySet[Course]:
    upcoming = (
        Session.objects.exclude(status=SessionStatus.CANCELLED)
        .filter(ends_at__gte=timezone.now())
        .select_related("place")
        .order_by("starts_at", "pk")
    )
    return Course.objects.select_related("space").prefetch_related(
        Prefetch("sessions", queryset=upcoming, to_attr="upcoming_sessions")
    )


def course_entry(course: Course) -> IndexEntry | None:
    space_id = space_id_for(course)
    if space_id is None:
        return None
    sessions: list[Session] = getattr(course, "upcoming_sessions", [])
    places = {s.place_label for s in sessions} | {s.commune for s in sessions}
    with translation.override(settings.LANGUAGE_CODE):
        labels = [
            str(course.get_theme_display()),
            str(course.get_audience_display()),
            str(course.get_level_display()),
            str(course.get_format_display()),
        ]
    body = [
        course.summary,
        course.description,
        course.objectives,
        course.prerequisites,
        *labels,
        course.space.name,
        *sorted(p for p in places if p),
    ]
    return IndexEntry(
        key=key_for(course.pk),
        space_id=space_id,
        kind=KIND,
        title=course.title,
        body="\n".join(line for line in body if line),
        url=course_url(course),
        date=course.updated_at,
        facets={THEME_FACET: course.theme, AUDIENCE_FACET: course.audience},
    )


def index_courses(course_ids: Iterable[int]) -> None:
    """Bring the index in line with these courses (idempotent): visible ones (re)indexed,
    drafts, archived and deleted ones removed."""
    wanted = set(course_ids)
    if not wanted:
        return
    entries: list[IndexEntry] = []
    found: set[int] = set()
    for course in _queryset().filter(pk__in=wanted):
        entry = course_entry(course)
        if entry is not None:
            entries.append(entry)
            found.add(course.pk)
    backend = get_backend()
    gone = {key_for(pk) for pk in wanted - found}
    if gone:
        backend.delete(gone)
    if entries:
        backend.index(entries)


def iter_all_entries() -> Iterator[IndexEntry]:
    """Every indexed course, for a full rebuild of the index."""
    courses = _queryset().filter(status=CourseStatus.PUBLISHED).order_by("pk")
    for course in courses:
        entry = course_entry(course)
        if entry is not None:
            yield entry
