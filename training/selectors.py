"""Reads of the training catalogue. Every query of courses starts from ``courses_visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from extranet.models import Membership
from training.models import Course, CourseStatus, Reach
from training.policy import is_signed_in, space_membership


def _space_ids(user: Any, need: str) -> list[int]:
    """Spaces where the door lets ``user`` exercise ``need`` (MFA rule included)."""
    memberships = Membership.objects.filter(user=user).select_related("space", "user")
    return [m.space_id for m in memberships if space_membership(user, m.space, need) is not None]


def courses_visible_to(user: Any, *, queryset: QuerySet[Course] | None = None) -> QuerySet[Course]:
    """Courses ``user`` may see: published ones within their reach, plus the drafts of the
    spaces they manage courses in and of the courses they train."""
    courses = Course.objects.all() if queryset is None else queryset
    if not is_signed_in(user):
        return courses.none()
    published = Q(status=CourseStatus.PUBLISHED) & (
        Q(reach=Reach.TERRITORY) | Q(space_id__in=_space_ids(user, "training.view"))
    )
    managed = Q(space_id__in=_space_ids(user, "training.manage")) | Q(trainers=user)
    ids = courses.filter(published | managed).values("pk")
    return courses.filter(pk__in=ids)
