"""Who may do what with training: the one place these rules live (views, templates, selectors,
the portal kind and the DAV rights all ask here).

- A published course of reach ``territory`` is seen by every active signed-in user; of reach
  ``space`` by the members of its space (access door rules, MFA included). Drafts and archived
  courses are seen by their managers and trainers only.
- The course's space editors (ability ``training.manage``) write courses and sessions, see
  every registrant, mark attendance and read survey results.
- A session's trainer sees that session's registrants, marks attendance, exports the list and
  reads the survey results; a course's trainers see the course even as a draft.
- A person sees and cancels their own registrations; an organisation's card managers
  (directory) register people of their organisation and see and cancel the registrations they
  made.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from extranet.access import check_membership, membership_for
from extranet.models import Membership, Space
from extranet.roles import Role, register_abilities
from training.models import (
    REGISTRABLE,
    Course,
    CourseResource,
    CourseStatus,
    Reach,
    Registration,
    ResourceKind,
    Session,
)

register_abilities({"training.view": Role.READER, "training.manage": Role.EDITOR})


def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def space_membership(user: Any, space: Space, need: str) -> Membership | None:
    """The user's membership of ``space`` if the door lets them ``need`` there, else None."""
    try:
        return check_membership(membership_for(user, space.slug), need=need)
    except (Http404, PermissionDenied):
        return None


def can_manage_space_courses(user: Any, space: Space) -> bool:
    return is_signed_in(user) and space_membership(user, space, "training.manage") is not None


def can_manage_course(user: Any, course: Course) -> bool:
    return can_manage_space_courses(user, course.space)


def is_course_trainer(user: Any, course: Course) -> bool:
    return is_signed_in(user) and course.trainers.filter(pk=user.pk).exists()


def can_see_course(user: Any, course: Course) -> bool:
    if not is_signed_in(user):
        return False
    if course.status == CourseStatus.PUBLISHED:
        if course.reach == Reach.TERRITORY:
            return True
        if space_membership(user, course.space, "training.view") is not None:
            return True
    return can_manage_course(user, course) or is_course_trainer(user, course)


def is_session_trainer(user: Any, session: Session) -> bool:
    return is_signed_in(user) and session.trainer_id is not None and session.trainer_id == user.pk


def can_see_registrants(user: Any, session: Session) -> bool:
    """The registrants' names, e-mails, organisations, attendance and answers."""
    return is_session_trainer(user, session) or can_manage_course(user, session.course)


# Marking attendance, exporting the list and reading survey results follow the same rule.
can_mark_attendance = can_see_registrants
can_export_registrants = can_see_registrants
can_see_survey_results = can_see_registrants


def registration_is_open(session: Session, *, now: Any = None) -> bool:
    """Whether the session takes registrations now (open or full, before its deadline and
    before it starts)."""
    now = now or timezone.now()
    if session.status not in REGISTRABLE or session.course.status != CourseStatus.PUBLISHED:
        return False
    if session.registration_deadline and now >= session.registration_deadline:
        return False
    return not (session.starts_at and now >= session.starts_at)


def can_register(user: Any, session: Session) -> bool:
    return can_see_course(user, session.course) and registration_is_open(session)


def organisations_managed_by(user: Any) -> Any:
    """Directory organisations whose card ``user`` manages: they may register its people."""
    from directory.models import Organisation

    if not is_signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(managers=user)


def can_register_others(user: Any, session: Session) -> bool:
    return can_register(user, session) and organisations_managed_by(user).exists()


def can_see_registration(user: Any, registration: Registration) -> bool:
    if not is_signed_in(user):
        return False
    if registration.user_id == user.pk or registration.registered_by_id == user.pk:
        return True
    return can_see_registrants(user, registration.session)


def can_cancel_registration(user: Any, registration: Registration) -> bool:
    return registration.is_active and can_see_registration(user, registration)


def can_get_certificate(user: Any, registration: Registration) -> bool:
    """Certificates exist only for people marked present."""
    from training.models import Attendance

    return registration.attendance == Attendance.PRESENT and can_see_registration(
        user, registration
    )


def can_answer_survey(user: Any, registration: Registration) -> bool:
    """The registrant themself, once marked present, once."""
    from training.models import Attendance

    return (
        is_signed_in(user)
        and registration.user_id == user.pk
        and registration.attendance == Attendance.PRESENT
        and not hasattr(registration, "survey_answer")
    )


# --- participants' pages (WEB-CAT) ---


def can_open_resource(user: Any, resource: CourseResource) -> bool:
    """Whether the course page links a resource for ``user`` (who already sees the course).

    Links and tutorials: yes. A document of the course's space: only for whom the door lets
    read that space's documents (MFA included), and never once it is in the trash.
    """
    if resource.kind != ResourceKind.DOCUMENT:
        return True
    document = resource.document
    course = resource.course
    if document is None or document.deleted_at is not None or document.space_id != course.space_id:
        return False
    return space_membership(user, course.space, "documents.view") is not None


def can_join_online(user: Any, session: Session) -> bool:
    """The virtual classroom link: confirmed registrants, the trainer and the managers."""
    from training.models import RegistrationStatus

    if not is_signed_in(user):
        return False
    if can_see_registrants(user, session):
        return True
    return session.registrations.filter(user=user, status=RegistrationStatus.CONFIRMED).exists()


# --- published calendars (CAL: training/calendars.py, the DAV rights of its read-only
# calendars and of their iCal feed URLs) ---


def can_read_catalogue_calendar(user: Any) -> bool:
    """The "Formations · catalogue" calendar: the people who subscribed to it (it holds only
    published territory-reach courses, which every signed-in user sees)."""
    from training.models import CatalogueSubscription

    return is_signed_in(user) and CatalogueSubscription.objects.filter(user=user).exists()


def can_read_own_training_calendar(user: Any, owner_id: int) -> bool:
    """A trainer's "Mes sessions de formateur" and a person's "Mes formations": their owner
    only."""
    return is_signed_in(user) and user.pk == owner_id


# --- the public portal (WEB-MGT: the managers' course page, and the withdrawal of pending
# proposals in training/services/courses.py; training/publishing.py refuses the rest with a
# message) ---


def is_portal_eligible(course: Course) -> bool:
    """Whether the course may be (or stay) proposed for the public portal: published in the
    catalogue with the territory reach."""
    return course.status == CourseStatus.PUBLISHED and course.reach == Reach.TERRITORY
