"""Writing courses and their resources (the course's space editors, ``training.manage``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from documents.models import Document
from extranet.models import Membership, PublicationRequest
from extranet.portal.services import AlreadyReviewed, ask_to_unpublish, withdraw_publication
from training import policy, publishing
from training.models import (
    Audience,
    Course,
    CourseResource,
    CourseStatus,
    Format,
    Level,
    Reach,
    ResourceKind,
)
from training.services import _effects
from training.services.errors import InvalidCourse, InvalidResource, InvalidStatus

EDITABLE_FIELDS = (
    "title",
    "summary",
    "theme",
    "duration_hours",
    "objectives",
    "audience",
    "level",
    "format",
    "description",
    "prerequisites",
    "reach",
    "status",
)


# Words the space's training URLs use after /s/<slug>/formations/: never a course's address.
RESERVED_SLUGS = frozenset({"nouvelle", "sessions"})


def _unique_slug(course: Course) -> str:
    base = slugify(course.title)[:70].strip("-") or "formation"
    if base in RESERVED_SLUGS:
        base = f"{base}-formation"
    taken = set(
        Course.objects.filter(space_id=course.space_id, slug__startswith=base)
        .exclude(pk=course.pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _validate(course: Course) -> None:
    """The model's own field rules (choices, lengths, duration bounds) as a domain error."""
    try:
        course.full_clean(exclude=["space", "slug", "created_by"], validate_unique=False)
    except ValidationError as error:
        raise InvalidCourse(" ".join(error.messages)) from error


def _refresh_sessions(course: Course) -> None:
    """Titles, reach and status show in the published calendars of the course's sessions."""
    sessions = list(course.sessions.all())
    if sessions:
        _effects.refresh_calendars(sessions=sessions)


def _withdraw_portal_proposals(
    user: Any, course: Course, *, was_eligible: bool
) -> list[PublicationRequest]:
    """A course that stops being publishable (a draft, archived, or kept for the space's
    members) takes back its proposal awaiting review, so it cannot be approved as it was.

    What is already public stays until the portal's general administrator unpublishes it: as
    for directory cards and brochures, taking something off the portal is their action (the
    portal's ``unpublish`` is theirs only). They are told at once; the course page tells its
    managers so."""
    if policy.is_portal_eligible(course):
        return []
    pending = PublicationRequest.objects.for_source(
        publishing.KIND, publishing.source_key(course)
    ).pending()
    withdrawn = []
    for request in pending:
        try:
            withdrawn.append(withdraw_publication(user=user, request=request))
        except AlreadyReviewed:
            # Reviewed meanwhile: an approval is public now, and the page says it stays so.
            continue
    if was_eligible:  # told once, when the course leaves the public reach
        ask_to_unpublish(user=user, kind=publishing.KIND, source_key=publishing.source_key(course))
    return withdrawn


@transaction.atomic
def create_course(
    *,
    membership: Membership,
    title: str,
    summary: str,
    theme: str,
    duration_hours: Decimal,
    objectives: str,
    audience: str = Audience.ALL,
    level: str = Level.BEGINNER,
    format: str = Format.ONSITE,  # noqa: A002 - the model's field name
    description: str = "",
    prerequisites: str = "",
    reach: str = Reach.TERRITORY,
    trainers: Iterable[Any] = (),
    status: str = CourseStatus.DRAFT,
) -> Course:
    """A course of the membership's space; its address (slug) comes from the title."""
    if not policy.can_manage_space_courses(membership.user, membership.space):
        raise PermissionDenied
    course = Course(
        space=membership.space,
        title=title.strip(),
        summary=summary.strip(),
        theme=theme,
        duration_hours=duration_hours,
        objectives=objectives.strip(),
        audience=audience,
        level=level,
        format=format,
        description=description.strip(),
        prerequisites=prerequisites.strip(),
        reach=reach,
        status=status,
        created_by=membership.user,
    )
    _validate(course)
    course.slug = _unique_slug(course)
    course.save()
    course.trainers.set(list(trainers))
    _effects.audit(user=membership.user, action="training.course_created", course=course)
    return course


@transaction.atomic
def update_course(
    *,
    user: Any,
    course: Course,
    data: Mapping[str, Any],
    trainers: Iterable[Any] | None = None,
) -> Course:
    """Change the fields given in ``data`` (model field names); the address stays."""
    if not policy.can_manage_course(user, course):
        raise PermissionDenied
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    course = Course.objects.select_for_update().get(pk=course.pk)
    was_eligible = policy.is_portal_eligible(course)
    changed = []
    for field, value in data.items():
        cleaned = value.strip() if isinstance(value, str) else value
        if getattr(course, field) != cleaned:
            setattr(course, field, cleaned)
            changed.append(field)
    _validate(course)
    course.save()
    if trainers is not None:
        before = set(course.trainers.values_list("pk", flat=True))
        course.trainers.set(list(trainers))
        if before != set(course.trainers.values_list("pk", flat=True)):
            changed.append("trainers")
    if changed:
        _effects.audit(user=user, action="training.course_updated", course=course, fields=changed)
        _refresh_sessions(course)
    if {"status", "reach"} & set(changed):
        _withdraw_portal_proposals(user, course, was_eligible=was_eligible)
    return course


@transaction.atomic
def set_course_status(*, user: Any, course: Course, status: str) -> Course:
    """Publish, archive or take a course back to draft."""
    if not policy.can_manage_course(user, course):
        raise PermissionDenied
    if status not in CourseStatus.values:
        raise InvalidStatus
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != status:
        previous = course.status
        was_eligible = policy.is_portal_eligible(course)
        course.status = status
        course.save(update_fields=["status", "updated_at"])
        _effects.audit(
            user=user,
            action="training.course_status_changed",
            course=course,
            previous=previous,
            status=status,
        )
        _refresh_sessions(course)
        _withdraw_portal_proposals(user, course, was_eligible=was_eligible)
    return course


@transaction.atomic
def add_resource(
    *,
    user: Any,
    course: Course,
    kind: str,
    title: str,
    url: str = "",
    document: Document | None = None,
) -> CourseResource:
    """A document of the course's own space, or a link/tutorial (a web address)."""
    if not policy.can_manage_course(user, course):
        raise PermissionDenied
    if kind not in ResourceKind.values:
        raise InvalidResource
    if kind == ResourceKind.DOCUMENT:
        if document is None or document.deleted_at is not None:
            raise InvalidResource
        if document.space_id != course.space_id:
            raise PermissionDenied
        url = ""
    else:
        document = None
        if not url.strip():
            raise InvalidResource
    title = title.strip() or (document.title if document is not None else "")
    if not title:
        raise InvalidResource
    resource = CourseResource(
        course=course, kind=kind, title=title, url=url.strip(), document=document
    )
    try:
        resource.full_clean(exclude=["course", "document", "position"])
    except ValidationError as error:
        raise InvalidResource from error
    last = course.resources.aggregate(last=Max("position"))["last"]
    resource.position = 0 if last is None else last + 1
    resource.save()
    _effects.audit(
        user=user,
        action="training.resource_added",
        course=course,
        target=resource.title,
        resource=resource.pk,
        kind=kind,
    )
    return resource


@transaction.atomic
def remove_resource(*, user: Any, resource: CourseResource) -> None:
    course = resource.course
    if not policy.can_manage_course(user, course):
        raise PermissionDenied
    _effects.audit(
        user=user,
        action="training.resource_removed",
        course=course,
        target=resource.title,
        resource=resource.pk,
    )
    resource.delete()
