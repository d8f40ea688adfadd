from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentKind, Folder


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def folder_choices(folders: list[Folder]) -> list[tuple[str, str]]:
    by_parent: dict[int | None, list[Folder]] = {}
    for folder in folders:
        by_parent.setdefault(folder.parent_id, []).append(folder)
    choices: list[tuple[str, str]] = [("", str(_("— Racine des documents —")))]

    def walk(parent: int | None, depth: int) -> None:
        for folder in sorted(by_parent.get(parent, []), key=lambda f: f.name.lower()):
            choices.append((str(folder.pk), "— " * depth + folder.name))
            walk(folder.pk, depth + 1)

    walk(None, 0)
    return choices


class _FolderMixin(forms.Form):
    folder = forms.TypedChoiceField(
        label=_("Dossier"), required=False, coerce=int, empty_value=None
    )

    def setup_folders(self, folders: list[Folder]) -> None:
        self._folders = {f.pk: f for f in folders}
        self.fields["folder"].choices = folder_choices(folders)  # type: ignore[attr-defined]

    def chosen_folder(self) -> Folder | None:
        pk = self.cleaned_data.get("folder")
        return self._folders.get(pk) if pk else None


class UploadForm(_FolderMixin):
    # Declared fields leave the class namespace, so this does not hide Form.files at runtime.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Fichiers"),
        help_text=_("Vous pouvez choisir plusieurs fichiers à la fois."),
        error_messages={"required": _("Choisissez au moins un fichier.")},
    )
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    title = forms.CharField(
        label=_("Titre"),
        required=False,
        max_length=200,
        help_text=_("Facultatif ; par défaut le nom du fichier. Ignoré pour plusieurs fichiers."),
    )
    meeting_date = forms.DateField(
        label=_("Date de la réunion (comptes rendus)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(
        label=_("Étiquettes"),
        required=False,
        help_text=_("Séparées par des virgules, par ex. budget, voirie"),
    )

    def __init__(self, *args: Any, folders: list[Folder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_folders(folders)

    def tag_names(self) -> list[str]:
        return [t for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]


class DocumentForm(_FolderMixin):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Type de document"), choices=DocumentKind.choices)
    meeting_date = forms.DateField(
        label=_("Date de la réunion"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(label=_("Étiquettes"), required=False)

    def __init__(self, *args: Any, folders: list[Folder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_folders(folders)

    def tag_names(self) -> list[str]:
        return [t for t in (self.cleaned_data.get("tags") or "").split(",") if t.strip()]


class VersionForm(forms.Form):
    file = forms.FileField(
        label=_("Nouveau fichier"),
        error_messages={
            "required": _("Choisissez un fichier."),
            "empty": _("Le fichier est vide."),
        },
    )
    note = forms.CharField(label=_("Note de version"), required=False, max_length=300)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mise en forme Markdown : **gras**, *italique*, listes, liens."),
    )


class FolderForm(_FolderMixin):
    name = forms.CharField(label=_("Nom du dossier"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, max_length=300)

    def __init__(self, *args: Any, folders: list[Folder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_folders(folders)
        self.fields["folder"].label = _("Dans le dossier")
        self.order_fields(["name", "folder", "description"])


class ShareForm(forms.Form):
    space = forms.TypedChoiceField(label=_("Espace"), coerce=int)


class CopyForm(forms.Form):
    space = forms.TypedChoiceField(label=_("Copier dans l'espace"), coerce=int)
