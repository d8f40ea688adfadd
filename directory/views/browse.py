"""Finding cards: the directory home, the search results, the lists of people and
organisations with their filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from directory import policy, selectors
from directory.models import Organisation, Person
from directory.selectors import Filters, page_number
from directory.views._common import query_without_page, viewer_of
from directory.visibility import stale_before

SEARCH_PREVIEW = 8


# Editors' pages of the CSV import and the freshness list (engineer C's URL names): linked
# from the home page when they exist.
EDITOR_PAGES = (
    ("directory:import", _("Importer un fichier CSV")),
    ("directory:stale_cards", _("Fiches à vérifier")),
)


def _editor_links() -> list[dict[str, str]]:
    links = []
    for name, label in EDITOR_PAGES:
        try:
            links.append({"url": reverse(name), "label": str(label)})
        except NoReverseMatch:
            continue
    return links


@login_required
def home(request: HttpRequest) -> HttpResponse:
    can_create = policy.can_create(request.user)
    own = selectors.own_person(request.user)
    return render(
        request,
        "directory/home.html",
        {
            "choices": selectors.filter_choices(),
            "recent": selectors.recently_verified(),
            "totals": selectors.totals(),
            "own": own,
            "own_is_stale": own is not None and own.last_verified_at < stale_before(),
            "can_create": can_create,
            "editor_links": _editor_links() if can_create else [],
            "stale_count": selectors.stale_count() if can_create else None,
            "letters": selectors.letter_index(Person),
        },
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """People and organisations matching the words typed on the directory home."""
    filters = Filters(text=Filters.from_query(request.GET).text)
    if not filters.text:
        return redirect("directory:home")
    viewer = viewer_of(request)
    return render(
        request,
        "directory/search.html",
        {
            "filters": filters,
            "people": selectors.people_page(viewer, filters, 1, SEARCH_PREVIEW),
            "organisations": selectors.organisations_page(viewer, filters, 1, SEARCH_PREVIEW),
            "query": query_without_page(request),
        },
    )


@login_required
def people(request: HttpRequest) -> HttpResponse:
    filters = Filters.from_query(request.GET)
    return render(
        request,
        "directory/people.html",
        {
            "filters": filters,
            "page": selectors.people_page(
                viewer_of(request), filters, page_number(request.GET.get("page"))
            ),
            "choices": selectors.filter_choices(),
            "query": query_without_page(request),
            "letters": selectors.letter_index(Person),
            "can_create": policy.can_create(request.user),
        },
    )


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    filters = Filters.from_query(request.GET)
    return render(
        request,
        "directory/organisations.html",
        {
            "filters": filters,
            "page": selectors.organisations_page(
                viewer_of(request), filters, page_number(request.GET.get("page"))
            ),
            "choices": selectors.filter_choices(),
            "query": query_without_page(request),
            "letters": selectors.letter_index(Organisation),
            "can_create": policy.can_create(request.user),
        },
    )
