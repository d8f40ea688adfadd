"""Forms of the participants' pages: registering a colleague, the satisfaction survey."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Organisation
from training.models import SurveyAnswer

RATINGS = [
    (5, _("5 — Très satisfait")),
    (4, _("4 — Satisfait")),
    (3, _("3 — Moyennement")),
    (2, _("2 — Peu satisfait")),
    (1, _("1 — Pas du tout satisfait")),
]
YES_NO = [(True, _("Oui")), (False, _("Non"))]


class RegisterOtherForm(forms.Form):
    """A person of an organisation whose directory card the user manages."""

    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Structure"), empty_label=None
    )
    full_name = forms.CharField(label=_("Nom et prénom"), max_length=160)
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("La confirmation et le rappel, avec l'invitation d'agenda, y seront envoyés."),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


def _rating(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=RATINGS, coerce=int, widget=forms.RadioSelect
    )


class SurveyForm(forms.Form):
    overall = _rating(SurveyAnswer._meta.get_field("overall").verbose_name)
    objectives_met = _rating(SurveyAnswer._meta.get_field("objectives_met").verbose_name)
    trainer_rating = _rating(SurveyAnswer._meta.get_field("trainer_rating").verbose_name)
    would_recommend = forms.TypedChoiceField(
        label=SurveyAnswer._meta.get_field("would_recommend").verbose_name,
        choices=YES_NO,
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Commentaire (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
