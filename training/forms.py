"""Forms of the managers' and trainers' pages: courses, resources, sessions and their parts,
cancellation and attendance. They only validate input; the services write."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from training.models import (
    Attendance,
    Course,
    Format,
    Registration,
    ResourceKind,
    SessionStatus,
)

# The directory's kind of ICT access places (espaces numériques), offered first as places.
ICT_PLACE_KIND = "espace-numerique"
# Course fields a manager edits (trainers are chosen apart, among people).
COURSE_FIELDS = (
    "title",
    "summary",
    "description",
    "audience",
    "theme",
    "level",
    "duration_hours",
    "format",
    "prerequisites",
    "objectives",
    "reach",
)


class CourseForm(forms.ModelForm[Course]):
    """Every field of a course; trainers among the space's members (or by account e-mail)."""

    trainers = forms.ModelMultipleChoiceField(
        label=_("Formateurs"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Parmi les membres de l'espace."),
    )
    trainer_email = forms.EmailField(
        label=_("Ajouter un formateur par son adresse e-mail"),
        required=False,
        help_text=_(
            "La personne doit avoir un compte sur Maillage ; "
            "elle n'a pas besoin d'être membre de l'espace."
        ),
    )

    class Meta:
        model = Course
        fields = COURSE_FIELDS
        widgets = {
            "summary": forms.TextInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "prerequisites": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "audience": forms.Select(),
        }

    def __init__(self, *args: Any, people: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = people  # type: ignore[attr-defined]

    def clean_trainer_email(self) -> Any:
        from extranet.services.accounts import find_user_by_email

        email = self.cleaned_data.get("trainer_email") or ""
        if not email:
            return None
        user = find_user_by_email(email)
        if user is None or not user.is_active:
            raise forms.ValidationError(
                _("Aucun compte actif n'utilise cette adresse : invitez d'abord la personne.")
            )
        return user

    def chosen_trainers(self) -> list[Any]:
        chosen = list(self.cleaned_data.get("trainers") or [])
        extra = self.cleaned_data.get("trainer_email")
        if extra is not None and extra not in chosen:
            chosen.append(extra)
        return chosen

    def course_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in COURSE_FIELDS}


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de ressource"),
        choices=ResourceKind.choices,
        widget=forms.RadioSelect,
        initial=ResourceKind.LINK,
    )
    title = forms.CharField(label=_("Titre"), max_length=160)
    url = forms.URLField(
        label=_("Adresse web"),
        required=False,
        assume_scheme="https",
        help_text=_("Pour un lien ou un tutoriel."),
    )
    document = forms.TypedChoiceField(
        label=_("Document de l'espace"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Pour un document de l'espace."),
    )

    def __init__(self, *args: Any, documents: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = {d.pk: d for d in documents}
        self.fields["document"].choices = [  # type: ignore[attr-defined]
            ("", _("— Choisir un document —")),
            *((pk, d.title) for pk, d in self.documents.items()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ResourceKind.DOCUMENT:
            if not data.get("document"):
                self.add_error("document", _("Choisissez un document de l'espace."))
        elif kind and not data.get("url"):
            self.add_error("url", _("Indiquez l'adresse web du lien ou du tutoriel."))
        return data

    def chosen_document(self) -> Any:
        if self.cleaned_data.get("kind") != ResourceKind.DOCUMENT:
            return None
        return self.documents.get(self.cleaned_data["document"])


class PartForm(forms.Form):
    """One dated part of a session: a day, a start and an end time."""

    # The formats of HTML date and time inputs (the locale's 06/12/2026 would show empty).
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("La fin doit suivre le début."))
        return data

    def interval(self) -> tuple[datetime, datetime]:
        day = self.cleaned_data["day"]
        tz = timezone.get_current_timezone()
        return (
            datetime.combine(day, self.cleaned_data["start"], tzinfo=tz),
            datetime.combine(day, self.cleaned_data["end"], tzinfo=tz),
        )


class BasePartFormSet(forms.BaseFormSet[PartForm]):
    def intervals(self) -> list[tuple[datetime, datetime]]:
        """The filled, kept parts in date order (blank spare rows are ignored)."""
        chosen = []
        for index, form in enumerate(self.forms):
            if self.can_delete and form.cleaned_data.get("DELETE"):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            chosen.append(form.interval())
        return sorted(chosen)


PartFormSet = formset_factory(
    PartForm,
    formset=BasePartFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=20,
    validate_max=True,
    can_delete=True,
)


def place_choices(organisations: Iterable[tuple[int, str, str, str]]) -> list[Any]:
    """Directory organisations as grouped choices: ICT access places first."""
    ict: list[tuple[int, str]] = []
    others: list[tuple[int, str]] = []
    for pk, name, commune, kind in organisations:
        label = f"{name} ({commune})" if commune else name
        (ict if kind == ICT_PLACE_KIND else others).append((pk, label))
    groups = [
        (_("Espaces numériques"), ict),
        (_("Autres organisations de l'annuaire"), others),
    ]
    return [("", _("— Aucun : lieu saisi ci-dessous —")), *((g, c) for g, c in groups if c)]


def ict_first(queryset: QuerySet[Any]) -> QuerySet[Any]:
    ranked: QuerySet[Any] = queryset.annotate(
        ict_rank=Case(
            When(kind__code=ICT_PLACE_KIND, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("ict_rank", "name", "pk")
    return ranked


class SessionForm(forms.Form):
    # Only when creating: afterwards the course page opens a planned session's registrations.
    status = forms.TypedChoiceField(
        label=_("Inscriptions"),
        choices=[
            (SessionStatus.OPEN, _("Ouvrir les inscriptions maintenant")),
            (SessionStatus.PLANNED, _("Annoncer la session sans ouvrir les inscriptions")),
        ],
        widget=forms.RadioSelect,
        initial=SessionStatus.OPEN,
        required=False,
        empty_value=SessionStatus.OPEN,
        help_text=_(
            "Une session annoncée paraît au catalogue ; vous ouvrirez ses inscriptions depuis "
            "la page de la formation."
        ),
    )
    trainer = forms.TypedChoiceField(
        label=_("Formateur"), coerce=int, required=False, empty_value=None
    )
    capacity = forms.IntegerField(label=_("Nombre de places"), min_value=1, max_value=500)
    registration_deadline = forms.DateTimeField(
        label=_("Clôture des inscriptions"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        help_text=_("Facultatif : sans date, les inscriptions ferment au début de la session."),
    )
    place = forms.TypedChoiceField(
        label=_("Lieu de l'annuaire"), coerce=int, required=False, empty_value=None
    )
    place_name = forms.CharField(label=_("Ou nom du lieu"), max_length=160, required=False)
    address = forms.CharField(label=_("Adresse"), max_length=250, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=120, required=False)
    online_url = forms.URLField(
        label=_("Lien de la classe virtuelle"),
        required=False,
        assume_scheme="https",
        help_text=_("Pour une formation à distance ou mixte."),
    )
    notes = forms.CharField(
        label=_("Informations pratiques"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        course: Course,
        trainers: Sequence[Any],
        places: Iterable[tuple[int, str, str, str]],
        creating: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["status"]
        self.course = course
        self.trainers = {u.pk: u for u in trainers}
        self.fields["trainer"].choices = [  # type: ignore[attr-defined]
            ("", _("— À désigner —")),
            *((pk, str(u)) for pk, u in self.trainers.items()),
        ]
        self.fields["place"].choices = place_choices(places)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_place = bool(data.get("place") or data.get("place_name"))
        fmt = self.course.format
        if fmt in (Format.ONSITE, Format.BLENDED) and not has_place:
            self.add_error(
                "place", _("Choisissez un lieu de l'annuaire ou indiquez le nom du lieu.")
            )
        if fmt in (Format.DISTANCE, Format.BLENDED) and not data.get("online_url"):
            self.add_error("online_url", _("Une formation à distance ou mixte a besoin d'un lien."))
        return data

    def chosen_trainer(self) -> Any:
        pk = self.cleaned_data.get("trainer")
        return self.trainers.get(pk) if pk else None


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=300,
        help_text=_("Il figure dans le message envoyé aux inscrits."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttendanceForm(forms.Form):
    """A present/absent choice per confirmed registrant (field ``reg-<id>``)."""

    def __init__(self, *args: Any, registrations: Sequence[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        choices = [
            (Attendance.PRESENT, Attendance.PRESENT.label),
            (Attendance.ABSENT, Attendance.ABSENT.label),
        ]
        for registration in self.registrations:
            initial = (
                registration.attendance if registration.attendance != Attendance.UNKNOWN else None
            )
            self.fields[f"reg-{registration.pk}"] = forms.ChoiceField(
                label=registration.full_name,
                choices=choices,
                widget=forms.RadioSelect,
                required=False,
                initial=initial,
            )

    def rows(self) -> list[tuple[Registration, forms.BoundField]]:
        return [(r, self[f"reg-{r.pk}"]) for r in self.registrations]

    def marks(self) -> dict[int, str]:
        """Registration id → attendance, for the rows that were answered."""
        return {
            r.pk: self.cleaned_data[f"reg-{r.pk}"]
            for r in self.registrations
            if self.cleaned_data.get(f"reg-{r.pk}")
        }
