"""The short satisfaction survey: answered once by each person marked present; results per
session for the trainer and the course's managers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction

from training import policy
from training.models import Registration, Session, SurveyAnswer
from training.services import _effects
from training.services.errors import InvalidRating, SurveyAlreadyAnswered

# The rated questions (1 to 5), in the order they are asked and shown.
RATED_QUESTIONS = ("overall", "objectives_met", "trainer_rating")
COMMENT_MAX = 2000


@dataclass(frozen=True)
class SurveyResults:
    """``averages`` and ``distribution`` are keyed by ``RATED_QUESTIONS``; ``distribution``
    lists how many answers gave 1, 2, 3, 4 and 5; ``recommend_share`` is between 0 and 1.
    Averages and the share are None when nobody answered."""

    count: int
    averages: dict[str, float | None]
    distribution: dict[str, list[int]]
    recommend_share: float | None
    comments: list[str] = field(default_factory=list)

    @staticmethod
    def labels() -> dict[str, str]:
        """The questions as asked (the model's field names), keyed like ``averages``."""
        return {name: str(_field(name).verbose_name) for name in RATED_QUESTIONS}


def _field(name: str) -> models.Field[Any, Any]:
    found = SurveyAnswer._meta.get_field(name)
    assert isinstance(found, models.Field)  # noqa: S101 - a plain column, by construction
    return found


@transaction.atomic
def answer_survey(
    *,
    user: Any,
    registration: Registration,
    overall: int,
    objectives_met: int,
    trainer_rating: int,
    would_recommend: bool,
    comment: str = "",
) -> SurveyAnswer:
    """The registrant's own answer, once they were marked present; only once."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("session__course__space")
        .get(pk=registration.pk)
    )
    if SurveyAnswer.objects.filter(registration=registration).exists():
        if registration.user_id == getattr(user, "pk", None):
            raise SurveyAlreadyAnswered
        raise PermissionDenied
    if not policy.can_answer_survey(user, registration):
        raise PermissionDenied
    ratings = (overall, objectives_met, trainer_rating)
    if any(not isinstance(r, int) or not 1 <= r <= 5 for r in ratings):
        raise InvalidRating
    try:
        with transaction.atomic():
            answer = SurveyAnswer.objects.create(
                registration=registration,
                overall=overall,
                objectives_met=objectives_met,
                trainer_rating=trainer_rating,
                would_recommend=bool(would_recommend),
                comment=comment.strip()[:COMMENT_MAX],
            )
    except IntegrityError as error:
        raise SurveyAlreadyAnswered from error
    session = registration.session
    _effects.audit(
        user=user,
        action="training.survey_answered",
        course=session.course,
        target=str(session),
        session=session.pk,
    )
    return answer


def survey_results(*, user: Any, session: Session) -> SurveyResults:
    """The answers of a session, summed up (the trainer and the course's managers)."""
    if not policy.can_see_survey_results(user, session):
        raise PermissionDenied
    answers = list(
        SurveyAnswer.objects.filter(registration__session=session).order_by("submitted_at", "pk")
    )
    count = len(answers)
    averages: dict[str, float | None] = {}
    distribution: dict[str, list[int]] = {}
    for name in RATED_QUESTIONS:
        values = [getattr(a, name) for a in answers]
        averages[name] = round(sum(values) / count, 2) if count else None
        distribution[name] = [values.count(n) for n in range(1, 6)]
    recommend = sum(1 for a in answers if a.would_recommend)
    return SurveyResults(
        count=count,
        averages=averages,
        distribution=distribution,
        recommend_share=round(recommend / count, 4) if count else None,
        comments=[a.comment for a in answers if a.comment],
    )
