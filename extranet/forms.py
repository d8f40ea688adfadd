from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from extranet.models import Space
from extranet.models.spaces import MFA_MANDATORY_KINDS, SpaceKind, Visibility
from extranet.roles import Role


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        error_messages={
            "invalid": _("Saisissez une adresse e-mail valide, par ex. nom@mairie.fr.")
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Role.choices,
        initial=Role.MEMBER,
        error_messages={
            "invalid_choice": _("Ce rôle n'existe pas : choisissez-en un de la liste.")
        },
    )
    message = forms.CharField(
        label=_("Message personnel (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Role.choices,
        error_messages={
            "invalid_choice": _("Ce rôle n'existe pas : choisissez-en un de la liste.")
        },
    )


class SpaceSettingsForm(forms.ModelForm[Space]):
    class Meta:
        model = Space
        fields = ["name", "description", "visibility", "mfa_required"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.kind in MFA_MANDATORY_KINDS:
            field = self.fields["mfa_required"]
            field.disabled = True
            field.help_text = _("Toujours activée pour les espaces de santé.")


class SpaceCreateForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    slug = forms.SlugField(
        label=_("Identifiant"),
        max_length=60,
        help_text=_("Lettres minuscules, chiffres et tirets ; utilisé dans l'adresse /s/…/."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=SpaceKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Visibilité"), choices=Visibility.choices, initial=Visibility.PRIVATE
    )
    mfa_required = forms.BooleanField(
        label=_("Double authentification obligatoire"),
        required=False,
        help_text=_("Toujours activée pour les espaces de santé."),
    )
    admin_email = forms.EmailField(
        label=_("Premier administrateur (e-mail)"),
        required=False,
        help_text=_("Recevra une invitation comme administrateur de l'espace."),
    )


class AcceptWithNewAccountForm(forms.Form):
    full_name = forms.CharField(label=_("Prénom et nom"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Au moins 10 caractères, pas uniquement des chiffres."),
    )
    password2 = forms.CharField(
        label=_("Mot de passe (confirmation)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            from extranet.models import User

            try:
                validate_password(
                    p1, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
