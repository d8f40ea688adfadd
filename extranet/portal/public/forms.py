"""The filter form of a portal section (GET): kind, commune, theme and, for dated sections,
a date range."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from extranet.portal.public.queries import Filters, choices
from extranet.portal.public.sections import Section


class SectionFilterForm(forms.Form):
    def __init__(self, section: Section, data: Any = None) -> None:
        super().__init__(data=data, auto_id="f-%s")
        self.section = section
        if len(section.kinds) > 1:
            self.fields["kind"] = forms.ChoiceField(
                label=_("Type"),
                required=False,
                choices=[("", _("Tous"))] + [(k.name, k.label) for k in section.kinds],
            )
        communes = choices(section, "commune")
        if communes:
            self.fields["commune"] = forms.ChoiceField(
                label=_("Commune"),
                required=False,
                choices=[("", _("Toutes"))] + [(c, c) for c in communes],
            )
        themes = choices(section, "theme")
        if themes:
            self.fields["theme"] = forms.ChoiceField(
                label=_("Thème"),
                required=False,
                choices=[("", _("Tous"))] + [(t, t) for t in themes],
            )
        if section.is_dated:
            date_widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            self.fields["from"] = forms.DateField(
                label=_("Du"), required=False, widget=date_widget, input_formats=["%Y-%m-%d"]
            )
            self.fields["to"] = forms.DateField(
                label=_("Au"), required=False, widget=date_widget, input_formats=["%Y-%m-%d"]
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and last < first:
            self.add_error("to", _("La date de fin précède la date de début."))
        return cleaned

    def filters(self) -> Filters:
        """The valid filters (an invalid field is ignored, its error shown)."""
        cleaned = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return Filters(
            kind=cleaned.get("kind") or "",
            commune=cleaned.get("commune") or "",
            theme=cleaned.get("theme") or "",
            start=cleaned.get("from"),
            end=cleaned.get("to"),
        )

    @property
    def has_filters(self) -> bool:
        return self.is_bound and any(
            self.data.get(name) for name in ("kind", "commune", "theme", "from", "to")
        )
