"""One card: the page, its print version, its vCard, its picture."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.text import slugify

from directory import publishing, selectors
from directory.views._common import picture_response, viewer_of
from directory.visibility import organisation_card, person_card
from extranet.portal.selectors import publication_status


def _person_context(request: HttpRequest, pk: int) -> dict[str, object]:
    person = selectors.person_for(request.user, pk)
    return {"card": person_card(viewer_of(request), person), "person": person}


def _organisation_context(request: HttpRequest, pk: int) -> dict[str, object]:
    organisation = selectors.organisation_for(request.user, pk)
    viewer = viewer_of(request)
    return {
        "card": organisation_card(viewer, organisation),
        "organisation": organisation,
        "members": selectors.organisation_people(viewer, organisation),
        "children": selectors.organisation_children(organisation),
    }


def _with_publication(context: dict[str, object], kind: str) -> dict[str, object]:
    """The card's state on the public portal, for those who may propose it."""
    card: Any = context["card"]
    if card.can_edit:
        context["publication"] = publication_status(kind, str(card.pk))
    return context


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    context = _with_publication(_person_context(request, pk), publishing.PERSON)
    return render(request, "directory/person.html", context)


@login_required
def person_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directory/print_person.html", _person_context(request, pk))


@login_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    context = _with_publication(_organisation_context(request, pk), publishing.ORGANISATION)
    return render(request, "directory/organisation.html", context)


@login_required
def organisation_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "directory/print_organisation.html", _organisation_context(request, pk))


def _vcard_response(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name) or "fiche"}.vcf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def person_vcard(request: HttpRequest, pk: int) -> HttpResponse:
    from directory import vcard

    card = person_card(viewer_of(request), selectors.person_for(request.user, pk))
    return _vcard_response(vcard.person_vcard(card), card.full_name)


@login_required
def organisation_vcard(request: HttpRequest, pk: int) -> HttpResponse:
    from directory import vcard

    card = organisation_card(viewer_of(request), selectors.organisation_for(request.user, pk))
    return _vcard_response(vcard.organisation_vcard(card), card.name)


@login_required
def person_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    target = selectors.person_for(request.user, pk)
    if not person_card(viewer_of(request), target).has_photo:
        raise Http404
    return picture_response(target.photo)


@login_required
def organisation_logo(request: HttpRequest, pk: int) -> HttpResponseBase:
    target = selectors.organisation_for(request.user, pk)
    if not organisation_card(viewer_of(request), target).has_logo:
        raise Http404
    return picture_response(target.logo)
