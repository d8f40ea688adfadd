"""Forms of the directory pages. They check what a person typed and explain each problem in
French; the services check again and write."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.models import (
    DEFAULT_CONTACT_AUDIENCE,
    ORGANISATION_FIELD_AUDIENCES,
    PERSON_FIELD_AUDIENCES,
    Audience,
    ContactKind,
    OrganisationKind,
    PortalIntent,
    Theme,
)
from directory.services.cards import (
    MAX_CONTACTS,
    MAX_FUNCTIONS,
    ContactInput,
    FunctionInput,
    normalise_contact_value,
    normalise_website,
)
from extranet.models import Space


def audience_field(label: Any, initial: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Audience.choices,
        initial=initial,
        error_messages={"invalid_choice": _("Choisissez qui peut voir ce champ.")},
    )


def _themes_field() -> forms.ModelMultipleChoiceField[Theme]:
    return forms.ModelMultipleChoiceField(
        label=_("Thèmes et compétences"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ContactForm(forms.Form):
    """One contact point; a blank extra row is ignored."""

    kind = forms.ChoiceField(
        label=_("Type"), choices=ContactKind.choices, initial=ContactKind.PHONE
    )
    label = forms.CharField(
        label=_("Libellé (facultatif)"),
        max_length=60,
        required=False,
        help_text=_("Par exemple : accueil, standard, ligne directe."),
    )
    value = forms.CharField(
        label=_("Numéro, adresse e-mail ou site"),
        max_length=254,
        required=False,
    )
    audience = forms.ChoiceField(
        label=_("Visible par"),
        choices=Audience.choices,
        initial=Audience.SPACES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez qui peut voir cette coordonnée.")},
    )

    def is_blank(self) -> bool:
        return not getattr(self, "cleaned_data", {}).get("value")

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        kind, value = data.get("kind"), data.get("value", "")
        if data.get("DELETE") or (not value and not data.get("label")):
            # An emptied row is a removed one.
            data["value"] = ""
            return data
        if kind:
            try:
                data["value"] = normalise_contact_value(kind, value)
            except ValidationError as exc:
                self.add_error("value", exc)
        return data

    def as_input(self) -> ContactInput:
        data = self.cleaned_data
        return ContactInput(
            kind=data["kind"],
            value=data["value"],
            audience=data.get("audience") or DEFAULT_CONTACT_AUDIENCE[data["kind"]],
            label=data.get("label", ""),
        )


class _BaseRowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    row_label: Any = ""

    def kept_forms(self) -> list[Any]:
        """Rows to save: filled in and not marked for deletion, in page order."""
        return [
            form
            for form in self.forms
            if not form.is_blank()
            and not (self.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"))
        ]


class _ContactFormSet(_BaseRowFormSet):
    row_label = _("Coordonnée")

    def inputs(self) -> list[ContactInput]:
        return [form.as_input() for form in self.kept_forms()]


ContactFormSet = formset_factory(
    ContactForm,
    formset=_ContactFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_CONTACTS,
    validate_max=True,
)


class FunctionForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choisissez une organisation de la liste.")},
    )
    title = forms.CharField(
        label=_("Fonction"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : secrétaire de mairie, maire, animatrice numérique."),
    )

    def __init__(self, *args: Any, organisation_choices: Sequence[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.choices = [("", _("— choisir —")), *organisation_choices]

    def is_blank(self) -> bool:
        return getattr(self, "cleaned_data", {}).get("organisation") is None

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("DELETE") or (data.get("organisation") is None and not data.get("title")):
            data["organisation"] = None
            return data
        if data.get("organisation") is None and "organisation" not in self.errors:
            self.add_error("organisation", _("Choisissez l'organisation où s'exerce la fonction."))
        if not data.get("title"):
            self.add_error("title", _("Précisez la fonction exercée dans cette organisation."))
        return data


class _FunctionFormSet(_BaseRowFormSet):
    row_label = _("Fonction")

    def inputs(self) -> list[FunctionInput]:
        return [
            FunctionInput(form.cleaned_data["organisation"], form.cleaned_data["title"])
            for form in self.kept_forms()
        ]


FunctionFormSet = formset_factory(
    FunctionForm,
    formset=_FunctionFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_FUNCTIONS,
    validate_max=True,
)


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=80, required=False)
    last_name = forms.CharField(
        label=pgettext_lazy("last name", "Nom"),
        max_length=80,
        error_messages={"required": _("Indiquez le nom de famille.")},
    )
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    commune_audience = audience_field(_("Commune visible par"), PERSON_FIELD_AUDIENCES["commune"])
    languages = forms.CharField(
        label=_("Langues parlées"),
        max_length=200,
        required=False,
        help_text=_("Séparées par des virgules, par exemple : français, anglais, LSF."),
    )
    languages_audience = audience_field(
        _("Langues visibles par"), PERSON_FIELD_AUDIENCES["languages"]
    )
    bio = forms.CharField(
        label=_("Présentation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Quelques lignes sur votre rôle et ce pour quoi on peut vous contacter."),
    )
    bio_audience = audience_field(_("Présentation visible par"), PERSON_FIELD_AUDIENCES["bio"])
    themes = _themes_field()

    AUDIENCE_FIELDS = ("commune", "languages", "bio")

    def audiences(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"{name}_audience"] for name in self.AUDIENCE_FIELDS}


class NewPersonForm(PersonForm):
    account_email = forms.EmailField(
        label=_("Compte Maillage associé (facultatif)"),
        required=False,
        help_text=_(
            "L'adresse e-mail de connexion de la personne, si elle a un compte : elle pourra "
            "alors modifier sa fiche."
        ),
        error_messages={"invalid": _("Saisissez une adresse e-mail valide.")},
    )

    def clean_account_email(self) -> Any:
        email = self.cleaned_data["account_email"].strip()
        if not email:
            return None
        account = get_user_model().objects.filter(email__iexact=email).first()
        if account is None:
            raise ValidationError(_("Aucun compte n'a cette adresse e-mail."))
        if hasattr(account, "directory_card") and account.directory_card is not None:
            raise ValidationError(_("Ce compte a déjà une fiche dans l'annuaire."))
        return account


class PictureForm(forms.Form):
    picture = forms.FileField(
        label=_("Image (JPEG, PNG, WebP ou GIF)"),
        error_messages={
            "required": _("Choisissez une image à envoyer."),
            "empty": _("Le fichier envoyé est vide."),
        },
    )
    audience = audience_field(_("Visible par"), Audience.TERRITORY)


class OrganisationForm(forms.Form):
    kind = forms.ModelChoiceField(
        label=_("Type d'organisation"),
        queryset=OrganisationKind.objects.order_by("position", "name"),
        error_messages={
            "required": _("Choisissez le type d'organisation."),
            "invalid_choice": _("Choisissez un type de la liste."),
        },
    )
    name = forms.CharField(
        label=_("Nom"),
        max_length=200,
        error_messages={"required": _("Donnez le nom de l'organisation.")},
    )
    parent = forms.TypedChoiceField(
        label=_("Organisation parente (facultatif)"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Par exemple, la communauté de communes dont dépend une médiathèque."),
        error_messages={"invalid_choice": _("Choisissez une organisation de la liste.")},
    )
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    postal_code = forms.RegexField(
        label=_("Code postal"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("Un code postal a 5 chiffres, par exemple 79170.")},
    )
    address = forms.CharField(
        label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    address_audience = audience_field(
        _("Adresse visible par"), ORGANISATION_FIELD_AUDIENCES["address"]
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        localize=True,
        help_text=_("En degrés décimaux, par exemple 46,123456."),
        error_messages={"invalid": _("Saisissez un nombre, par exemple 46,123456.")},
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        localize=True,
        help_text=_("En degrés décimaux, par exemple -0,345678."),
        error_messages={"invalid": _("Saisissez un nombre, par exemple -0,345678.")},
    )
    coordinates_audience = audience_field(
        _("Coordonnées GPS visibles par"), ORGANISATION_FIELD_AUDIENCES["coordinates"]
    )
    website = forms.CharField(label=_("Site web"), max_length=200, required=False)
    website_audience = audience_field(
        _("Site web visible par"), ORGANISATION_FIELD_AUDIENCES["website"]
    )
    opening_hours = forms.CharField(
        label=_("Horaires d'ouverture"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : du lundi au vendredi, 9 h – 12 h 30."),
    )
    opening_hours_audience = audience_field(
        _("Horaires visibles par"), ORGANISATION_FIELD_AUDIENCES["opening_hours"]
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_audience = audience_field(
        _("Description visible par"), ORGANISATION_FIELD_AUDIENCES["description"]
    )
    themes = _themes_field()

    AUDIENCE_FIELDS = ("address", "coordinates", "website", "opening_hours", "description")

    def __init__(
        self,
        *args: Any,
        organisation_choices: Sequence[tuple[int, str]],
        can_manage_access: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        parent: Any = self.fields["parent"]
        parent.choices = [("", _("— aucune —")), *organisation_choices]
        if can_manage_access:
            self.fields["managers"] = forms.CharField(
                label=_("Gestionnaires de la fiche"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "Adresses e-mail de connexion, une par ligne : ces personnes pourront "
                    "modifier la fiche de l'organisation."
                ),
            )
            self.fields["spaces"] = forms.ModelMultipleChoiceField(
                label=_("Espaces du réseau"),
                queryset=Space.objects.filter(is_archived=False).order_by("name"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "Les membres de ces espaces voient les champs « Membres de mes espaces »."
                ),
            )

    def clean_website(self) -> str:
        value: str = self.cleaned_data["website"]
        return normalise_website(value) if value.strip() else ""

    def clean_managers(self) -> list[Any]:
        emails = [line.strip() for line in self.cleaned_data["managers"].split() if line.strip()]
        users = {
            user.email.lower(): user
            for user in get_user_model().objects.filter(email__in=emails, is_active=True)
        }
        unknown = [email for email in emails if email.lower() not in users]
        if unknown:
            raise ValidationError(
                _("Aucun compte actif pour : %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return list(users.values())

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not (
            "latitude" in self.errors or "longitude" in self.errors
        ):
            self.add_error(
                "longitude" if data.get("longitude") is None else "latitude",
                _("Donnez la latitude et la longitude, ou aucune des deux."),
            )
        return data

    def audiences(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"{name}_audience"] for name in self.AUDIENCE_FIELDS}


class PortalIntentForm(forms.Form):
    intent = forms.ChoiceField(
        label=_("Proposer au portail"),
        choices=PortalIntent.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une réponse.")},
    )
