"""The training app's audit actions (every write of its services is recorded)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from extranet.audit import register_audit_actions

register_audit_actions(
    {
        "training.course_created": _("Formation créée"),
        "training.course_updated": _("Formation modifiée"),
        "training.course_status_changed": _("État d'une formation changé"),
        "training.resource_added": _("Ressource ajoutée à une formation"),
        "training.resource_removed": _("Ressource retirée d'une formation"),
        "training.session_created": _("Session de formation créée"),
        "training.session_updated": _("Session de formation modifiée"),
        "training.session_cancelled": _("Session de formation annulée"),
        "training.session_done": _("Session de formation terminée"),
        "training.session_opened": _("Inscriptions ouvertes à une session de formation"),
        "training.registered": _("Inscription à une session de formation"),
        "training.registration_cancelled": _("Inscription à une formation annulée"),
        "training.promoted": _("Inscription confirmée depuis la liste d'attente"),
        "training.attendance_marked": _("Présences notées"),
        "training.survey_answered": _("Questionnaire de satisfaction rempli"),
        "training.registrants_exported": _("Liste des inscrits exportée"),
        "training.reminders_sent": _("Rappels de formation envoyés"),
    }
)
