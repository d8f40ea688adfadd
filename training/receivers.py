"""Keep the search index in step with the catalogue (decoupled indexing only, no business rule).

Any save or delete of a course, a session or a session's part re-indexes the course after
commit (a rolled-back change indexes nothing; a failure of the index never loses the change).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from training.models import Course, Session, SessionPart


def course_changed(course_id: int | None) -> None:
    """Re-index the course once the current transaction commits."""
    if course_id is None:
        return

    def reindex() -> None:
        from training.indexing import index_courses

        index_courses([course_id])

    transaction.on_commit(reindex, robust=True)


@receiver(post_save, sender=Course)
@receiver(post_delete, sender=Course)
def course_saved_or_deleted(sender: Any, instance: Course, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        course_changed(instance.pk)


@receiver(post_save, sender=Session)
@receiver(post_delete, sender=Session)
def session_saved_or_deleted(sender: Any, instance: Session, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        course_changed(instance.course_id)


@receiver(post_save, sender=SessionPart)
@receiver(post_delete, sender=SessionPart)
def part_saved_or_deleted(sender: Any, instance: SessionPart, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    # The session may be going away in the same cascade: its own signal covers the course.
    course_id = (
        Session.objects.filter(pk=instance.session_id).values_list("course_id", flat=True).first()
    )
    course_changed(course_id)
