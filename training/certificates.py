"""The attendance certificate (PDF, A4, in French) of a person marked present."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from extranet.pdf import new_pdf
from training import policy
from training.models import Registration
from training.services.errors import NotPresent


def certificate_number(registration: Registration) -> str:
    """Stable for a registration, so a certificate printed twice carries the same number."""
    issued_year = timezone.localtime(registration.session.starts_at or registration.created_at).year
    return f"FOR-{issued_year}-{registration.session_id:05d}-{registration.pk:06d}"


def _hours(value: Decimal) -> str:
    text = formats.number_format(value.normalize(), use_l10n=True)
    return (
        _("%(hours)s heure") % {"hours": text}
        if value == 1
        else _("%(hours)s heures") % {"hours": text}
    )


def _lines(registration: Registration) -> dict[str, Any]:
    session = registration.session
    course = session.course
    parts = [
        _("le %(day)s de %(start)s à %(end)s")
        % {
            "day": formats.date_format(timezone.localtime(p.starts_at), "l j F Y"),
            "start": formats.time_format(timezone.localtime(p.starts_at), "G \\h i"),
            "end": formats.time_format(timezone.localtime(p.ends_at), "G \\h i"),
        }
        for p in session.parts.all()
    ]
    place = ", ".join(v for v in (session.place_label, session.address, session.commune) if v)
    if not place and session.online_url:
        place = _("à distance (classe virtuelle)")
    return {
        "space": course.space.name,
        "name": registration.full_name,
        "organisation": registration.organisation.name if registration.organisation else "",
        "course": course.title,
        "parts": parts,
        "duration": _hours(course.duration_hours),
        "place": place,
        "trainer": session.trainer.get_full_name() if session.trainer else "",
        "number": certificate_number(registration),
        "issued": formats.date_format(timezone.localdate(), "j F Y"),
    }


def certificate_pdf(*, user: Any, registration: Registration) -> bytes:
    """The certificate of ``registration``, for the person, who registered them, the trainer
    and the course's managers; only when the person was marked present."""
    from fpdf.enums import XPos, YPos

    if not policy.can_see_registration(user, registration):
        raise PermissionDenied
    if not policy.can_get_certificate(user, registration):
        raise NotPresent
    with translation.override(settings.LANGUAGE_CODE):
        lines = _lines(registration)
        title = _("Attestation de présence")

    pdf, fonts = new_pdf(
        title=f"{title} · {lines['name']}", author=lines["space"], margins=(25, 25, 25), bottom=20
    )
    family, text = fonts.family, fonts.text

    def write(value: str, *, size: float = 11, style: str = "", align: str = "L") -> None:
        pdf.set_font(family, style=style, size=size)
        pdf.multi_cell(
            0, size * 0.55, text(value), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    with translation.override(settings.LANGUAGE_CODE):
        pdf.set_text_color(90, 90, 90)
        write(lines["space"], size=10)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(18)
        write(title.upper(), size=20, style="B", align="C")
        pdf.ln(4)
        write(_("N° %(number)s") % {"number": lines["number"]}, size=10, align="C")
        pdf.ln(16)
        write(_("L'espace « %(space)s » atteste que") % {"space": lines["space"]})
        pdf.ln(4)
        write(lines["name"], size=16, style="B", align="C")
        if lines["organisation"]:
            write(lines["organisation"], size=11, align="C")
        pdf.ln(4)
        write(_("a suivi la formation"))
        pdf.ln(2)
        write(f"« {lines['course']} »", size=14, style="B", align="C")
        pdf.ln(8)
        write(_("Dates :"), style="B")
        for part in lines["parts"]:
            write(f"- {part}")
        pdf.ln(3)
        write(_("Durée : %(duration)s") % {"duration": lines["duration"]})
        if lines["place"]:
            write(_("Lieu : %(place)s") % {"place": lines["place"]})
        if lines["trainer"]:
            write(_("Formateur ou formatrice : %(trainer)s") % {"trainer": lines["trainer"]})
        pdf.ln(16)
        write(
            _("Fait le %(date)s, pour servir et valoir ce que de droit.")
            % {"date": lines["issued"]}
        )
        pdf.ln(20)
        pdf.set_text_color(90, 90, 90)
        write(
            _("Attestation délivrée par Maillage pour « %(space)s ».") % {"space": lines["space"]},
            size=9,
        )
    return bytes(pdf.output())
