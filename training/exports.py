"""The registrants of a session with their status, attendance and survey answers, as CSV for
a spreadsheet (semicolons and a UTF-8 byte order mark, which is what French Excel opens)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from training import policy
from training.models import Session
from training.services import _effects

BOM = "\ufeff"
# A cell starting with one of these is a formula for a spreadsheet: typed by a registrant
# (a name, a comment), it could run there. Such cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def registrants_csv(*, user: Any, session: Session) -> str:
    """One row per registration (cancelled ones included), in registration order."""
    if not policy.can_export_registrants(user, session):
        raise PermissionDenied
    registrations = session.registrations.select_related(
        "organisation", "registered_by", "survey_answer"
    ).order_by("created_at", "pk")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    with translation.override(settings.LANGUAGE_CODE):
        writer.writerow(
            [
                _("Nom"),
                _("E-mail"),
                _("Structure"),
                _("État"),
                _("Inscrit le"),
                _("Place obtenue le (liste d'attente)"),
                _("Annulé le"),
                _("Inscrit par"),
                _("Présence"),
                _("Satisfaction générale (1-5)"),
                _("Objectifs atteints (1-5)"),
                _("Qualité de l'animation (1-5)"),
                _("Recommanderait"),
                _("Commentaire"),
            ]
        )
        yes, no = _("oui"), _("non")
        for r in registrations:
            try:
                answer = r.survey_answer
            except ObjectDoesNotExist:
                answer = None
            by = r.registered_by
            writer.writerow(
                _cell(v)
                for v in (
                    r.full_name,
                    r.email,
                    r.organisation.name if r.organisation else "",
                    r.get_status_display(),
                    _when(r.created_at),
                    _when(r.promoted_at),
                    _when(r.cancelled_at),
                    by.get_full_name() if by and by.pk != r.user_id else "",
                    r.get_attendance_display(),
                    answer.overall if answer else "",
                    answer.objectives_met if answer else "",
                    answer.trainer_rating if answer else "",
                    (yes if answer.would_recommend else no) if answer else "",
                    answer.comment if answer else "",
                )
            )
    with transaction.atomic():
        # Personal data leaving the application: who took it, and when.
        _effects.audit(
            user=user,
            action="training.registrants_exported",
            course=session.course,
            target=str(session),
            session=session.pk,
        )
    return BOM + out.getvalue()
