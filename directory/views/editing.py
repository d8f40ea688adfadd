"""Changing cards: one's own card, organisations (managers, editors), new cards (editors),
pictures, "my card is up to date", and the wish for the public portal.

A form with an error is shown again with everything that was typed and a summary of the
problems at its top (status 400); nothing is saved until every part is right.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory import policy, publishing, selectors
from directory.forms import (
    ContactFormSet,
    FunctionFormSet,
    NewPersonForm,
    OrganisationForm,
    PersonForm,
    PictureForm,
    PortalIntentForm,
)
from directory.models import Organisation, Person, PortalIntent
from directory.services import cards as services
from directory.services.publication import propose_card_for_portal
from directory.views._common import error_summary
from extranet.portal.selectors import publication_status
from extranet.portal.services import PublicationError


def _contacts_initial(card: Person | Organisation) -> list[dict[str, Any]]:
    return [
        {"kind": c.kind, "label": c.label, "value": c.value, "audience": c.audience}
        for c in card.contacts.all()
    ]


def _person_forms(
    request: HttpRequest, person: Person | None, options: list[tuple[int, str]]
) -> tuple[PersonForm, Any, Any]:
    data = request.POST if request.method == "POST" else None
    form_class = PersonForm if person is not None else NewPersonForm
    initial: dict[str, Any] = {}
    functions: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    if person is not None:
        initial = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "commune": person.commune,
            "languages": person.languages,
            "bio": person.bio,
            "themes": list(person.themes.all()),
            **{f"{f}_audience": person.audience_of(f) for f in PersonForm.AUDIENCE_FIELDS},
        }
        functions = [
            {"organisation": f.organisation_id, "title": f.title} for f in person.functions.all()
        ]
        contacts = _contacts_initial(person)
    return (
        form_class(data, initial=initial),
        ContactFormSet(data, initial=contacts, prefix="contacts"),
        FunctionFormSet(
            data,
            initial=functions,
            prefix="functions",
            form_kwargs={"organisation_choices": options},
        ),
    )


def _render_person_form(
    request: HttpRequest,
    person: Person | None,
    forms: tuple[Any, Any, Any],
    picture_form: PictureForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form, contacts, functions = forms
    return render(
        request,
        "directory/person_form.html",
        {
            "person": person,
            "form": form,
            "contacts": contacts,
            "functions": functions,
            "picture_form": picture_form
            or PictureForm(
                initial={"audience": person.audience_of("photo") if person else None},
                auto_id="picture-%s",
            ),
            "errors": error_summary(form, contacts, functions, picture_form),
            "max_mb": settings.DIRECTORY_MAX_IMAGE_MB,
        },
        status=status,
    )


def _all_valid(*forms: Any) -> bool:
    # Every form is validated (no short circuit), so every error is shown at once.
    results = [form.is_valid() for form in forms]
    return all(results)


@login_required
def my_card(request: HttpRequest) -> HttpResponse:
    """ "Ma fiche": one's own card, or a page offering to create it."""
    own = selectors.own_person(request.user)
    if request.method == "POST":
        own = services.ensure_person_for_user(user=request.user)
        messages.success(request, _("Votre fiche est créée : complétez-la."))
        return redirect("directory:person_edit", pk=own.pk)
    if own is not None:
        return redirect(own)
    return render(request, "directory/my_card.html")


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_for(request.user, pk)
    if not policy.can_edit_person(request.user, person):
        raise PermissionDenied
    forms = _person_forms(request, person, selectors.organisation_options())
    if request.method != "POST":
        return _render_person_form(request, person, forms)
    form, contacts, functions = forms
    if _all_valid(*forms):
        try:
            services.update_person(
                actor=request.user,
                person=person,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                commune=form.cleaned_data["commune"],
                languages=form.cleaned_data["languages"],
                bio=form.cleaned_data["bio"],
                themes=form.cleaned_data["themes"],
                audiences=form.audiences(),
                contacts=contacts.inputs(),
                functions=functions.inputs(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La fiche est enregistrée."))
            return redirect(person)
    return _render_person_form(request, person, forms, status=400)


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_create(request.user):
        raise PermissionDenied
    forms = _person_forms(request, None, selectors.organisation_options())
    if request.method != "POST":
        return _render_person_form(request, None, forms)
    form, contacts, functions = forms
    if _all_valid(*forms):
        try:
            person = services.create_person(
                actor=request.user,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                commune=form.cleaned_data["commune"],
                languages=form.cleaned_data["languages"],
                bio=form.cleaned_data["bio"],
                themes=form.cleaned_data["themes"],
                audiences=form.audiences(),
                contacts=contacts.inputs(),
                functions=functions.inputs(),
                account=form.cleaned_data.get("account_email"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La fiche de %(name)s est créée.") % {"name": person})
            return redirect(person)
    return _render_person_form(request, None, forms, status=400)


@require_POST
@login_required
def person_picture(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a new photo, or remove it (``remove`` in the form)."""
    person = selectors.person_for(request.user, pk)
    if not policy.can_edit_person(request.user, person):
        raise PermissionDenied

    def save(**kwargs: Any) -> None:
        services.set_person_photo(actor=request.user, person=person, **kwargs)

    outcome = _save_picture(
        request,
        save=save,
        edit_url=reverse("directory:person_edit", kwargs={"pk": person.pk}),
        saved=_("La photo est enregistrée."),
        removed=_("La photo est retirée."),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    picture_form = outcome
    forms = _person_forms(_as_get(request), person, selectors.organisation_options())
    return _render_person_form(request, person, forms, picture_form, status=400)


def _save_picture(
    request: HttpRequest,
    *,
    save: Callable[..., None],
    edit_url: str,
    saved: str,
    removed: str,
) -> HttpResponse | PictureForm:
    """The photo/logo form of a card: remove, or validate and save the upload. Returns the
    redirect after success, or the bound form with its errors."""
    if "remove" in request.POST:
        save(upload=None)
        messages.success(request, removed)
        return redirect(edit_url)
    picture_form = PictureForm(request.POST, request.FILES, auto_id="picture-%s")
    if picture_form.is_valid():
        try:
            save(
                upload=picture_form.cleaned_data["picture"],
                audience=picture_form.cleaned_data["audience"],
            )
        except services.InvalidImage as exc:
            picture_form.add_error("picture", str(exc))
        else:
            messages.success(request, saved)
            return redirect(edit_url)
    return picture_form


def _as_get(request: HttpRequest) -> HttpRequest:
    """The request seen as a GET, to show the other forms of the page unbound."""

    class _Get:
        method = "GET"
        POST = None

    return _Get()  # type: ignore[return-value]


# --- Organisations -----------------------------------------------------------------------------


def _organisation_forms(
    request: HttpRequest, organisation: Organisation | None, options: list[tuple[int, str]]
) -> tuple[OrganisationForm, Any]:
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    contacts: list[dict[str, Any]] = []
    if organisation is not None:
        options = [option for option in options if option[0] != organisation.pk]
        initial = {
            "kind": organisation.kind_id,
            "name": organisation.name,
            "parent": organisation.parent_id,
            "commune": organisation.commune,
            "postal_code": organisation.postal_code,
            "address": organisation.address,
            "latitude": organisation.latitude,
            "longitude": organisation.longitude,
            "website": organisation.website,
            "opening_hours": organisation.opening_hours,
            "description": organisation.description,
            "themes": list(organisation.themes.all()),
            "managers": "\n".join(m.email for m in organisation.managers.all()),
            "spaces": list(organisation.spaces.all()),
            **{
                f"{f}_audience": organisation.audience_of(f)
                for f in OrganisationForm.AUDIENCE_FIELDS
            },
        }
        contacts = _contacts_initial(organisation)
    form = OrganisationForm(
        data,
        initial=initial,
        organisation_choices=options,
        can_manage_access=policy.can_manage_organisation_access(request.user),
    )
    return form, ContactFormSet(data, initial=contacts, prefix="contacts")


def _render_organisation_form(
    request: HttpRequest,
    organisation: Organisation | None,
    forms: tuple[OrganisationForm, Any],
    picture_form: PictureForm | None = None,
    status: int = 200,
) -> HttpResponse:
    form, contacts = forms
    return render(
        request,
        "directory/organisation_form.html",
        {
            "organisation": organisation,
            "form": form,
            "contacts": contacts,
            "picture_form": picture_form
            or PictureForm(
                initial={"audience": organisation.audience_of("logo") if organisation else None},
                auto_id="picture-%s",
            ),
            "errors": error_summary(form, contacts, picture_form),
            "max_mb": settings.DIRECTORY_MAX_IMAGE_MB,
        },
        status=status,
    )


def _organisation_values(user: Any, form: OrganisationForm, contacts: Any) -> dict[str, Any]:
    data = form.cleaned_data
    parent_id = data.get("parent")
    values: dict[str, Any] = {
        "kind": data["kind"],
        "name": data["name"],
        "parent": selectors.organisation_or_none(user, parent_id) if parent_id else None,
        "commune": data["commune"],
        "postal_code": data["postal_code"],
        "address": data["address"],
        "latitude": data["latitude"],
        "longitude": data["longitude"],
        "website": data["website"],
        "opening_hours": data["opening_hours"],
        "description": data["description"],
        "themes": data["themes"],
        "audiences": form.audiences(),
        "contacts": contacts.inputs(),
    }
    if "managers" in form.fields:
        values["managers"] = data["managers"]
        values["spaces"] = data["spaces"]
    return values


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(request.user, pk)
    if not policy.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    forms = _organisation_forms(request, organisation, selectors.organisation_options())
    if request.method != "POST":
        return _render_organisation_form(request, organisation, forms)
    form, contacts = forms
    if _all_valid(*forms):
        try:
            services.update_organisation(
                actor=request.user,
                organisation=organisation,
                **_organisation_values(request.user, form, contacts),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La fiche est enregistrée."))
            return redirect(organisation)
    return _render_organisation_form(request, organisation, forms, status=400)


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not policy.can_create(request.user):
        raise PermissionDenied
    forms = _organisation_forms(request, None, selectors.organisation_options())
    if request.method != "POST":
        return _render_organisation_form(request, None, forms)
    form, contacts = forms
    if _all_valid(*forms):
        try:
            organisation = services.create_organisation(
                actor=request.user, **_organisation_values(request.user, form, contacts)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("La fiche de %(name)s est créée.") % {"name": organisation})
            return redirect(organisation)
    return _render_organisation_form(request, None, forms, status=400)


@require_POST
@login_required
def organisation_picture(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_for(request.user, pk)
    if not policy.can_edit_organisation(request.user, organisation):
        raise PermissionDenied

    def save(**kwargs: Any) -> None:
        services.set_organisation_logo(actor=request.user, organisation=organisation, **kwargs)

    outcome = _save_picture(
        request,
        save=save,
        edit_url=reverse("directory:organisation_edit", kwargs={"pk": organisation.pk}),
        saved=_("Le logo est enregistré."),
        removed=_("Le logo est retiré."),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    picture_form = outcome
    forms = _organisation_forms(_as_get(request), organisation, selectors.organisation_options())
    return _render_organisation_form(request, organisation, forms, picture_form, status=400)


# --- Both kinds of card ------------------------------------------------------------------------


def _card(request: HttpRequest, kind: str, pk: int) -> Person | Organisation:
    if kind == "person":
        return selectors.person_for(request.user, pk)
    return selectors.organisation_for(request.user, pk)


@require_POST
@login_required
def verify(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    card = _card(request, kind, pk)
    services.verify_card(actor=request.user, card=card)
    messages.success(request, _("Merci : la fiche est marquée comme vérifiée aujourd'hui."))
    return redirect(card)


@login_required
def portal_intent(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """What the card's owner would like to see on the public portal: the choice is recorded and
    proposed to the portal's general administrator (or the pending proposal withdrawn)."""
    card = _card(request, kind, pk)
    allowed = (
        policy.can_edit_person(request.user, card)
        if isinstance(card, Person)
        else policy.can_edit_organisation(request.user, card)
    )
    if not allowed:
        raise PermissionDenied
    form = PortalIntentForm(request.POST or None, initial={"intent": card.portal_intent})
    if request.method == "POST" and form.is_valid():
        intent = form.cleaned_data["intent"]
        try:
            proposal = propose_card_for_portal(actor=request.user, card=card, intent=intent)
        except PublicationError as exc:
            form.add_error("intent", exc.message)
        else:
            messages.success(request, _portal_message(intent, proposal))
            return redirect(card)
    return render(
        request,
        "directory/portal_intent.html",
        {
            "card_object": card,
            "form": form,
            "kind": kind,
            "errors": error_summary(form),
            "publication": publication_status(publishing.kind_name(card), str(card.pk)),
        },
        status=400 if form.errors else 200,
    )


def _portal_message(intent: str, proposal: Any) -> str:
    if intent != PortalIntent.NONE:
        return _(
            "Votre proposition est transmise à l'équipe du portail : elle la relira avant toute "
            "publication."
        )
    if proposal is not None:
        return _("Votre choix est enregistré et la proposition en attente est retirée.")
    return _(
        "Votre choix est enregistré. Si la fiche est déjà sur le portail, l'équipe du portail "
        "la retirera."
    )
