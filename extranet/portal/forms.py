"""Forms of the moderation pages: edit-then-approve, reject with a note, unpublish."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from extranet.portal.registry import PublishableKind

# Fields shown as a multi-line box (the others are one line).
LONG_FIELDS = frozenset({"description", "summary", "body", "presentation", "opening_hours"})
MAX_LENGTH = 5000


class ApproveForm(forms.Form):
    """The proposal's editable fields, pre-filled: what the administrator leaves or corrects
    is what goes public."""

    fingerprint = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note pour l'auteur (facultative)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Envoyée à l'auteur avec l'avis de publication."),
    )

    def __init__(
        self, *args: Any, kind: PublishableKind, payload: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.payload = payload
        self.editable_names: list[str] = []
        fields: dict[str, forms.Field] = {}
        for public_field in kind.editable_fields:
            current = payload.get(public_field.name)
            if current is not None and not isinstance(current, str):
                continue  # only text is edited here; dates, numbers and lists stay as proposed
            long = public_field.name in LONG_FIELDS
            fields[f"field_{public_field.name}"] = forms.CharField(
                label=public_field.label,
                required=public_field.name in ("title", "name"),
                max_length=MAX_LENGTH if long else 300,
                initial=current or "",
                strip=True,
                widget=forms.Textarea(attrs={"rows": 6}) if long else forms.TextInput(),
            )
            self.editable_names.append(public_field.name)
        # Editable fields first, then the note and the hidden fingerprint.
        self.fields = {**fields, **self.fields}

    def edits(self) -> dict[str, str]:
        """The fields the administrator changed (to pass as ``edited``)."""
        changed = {}
        for name in self.editable_names:
            value = self.cleaned_data.get(f"field_{name}", "")
            if value != (self.payload.get(name) or ""):
                changed[name] = value
        return changed


class RejectForm(forms.Form):
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Motif du refus"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire : l'auteur le reçoit et peut proposer à nouveau."),
    )


class UnpublishForm(forms.Form):
    note = forms.CharField(
        label=_("Motif (facultatif, gardé au journal)"),
        required=False,
        max_length=500,
    )
