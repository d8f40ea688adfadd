"""The directory editors' list of cards to verify (stale cards), oldest first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from directory.services.freshness import StaleFilter, stale_card_page, stale_cards
from directory.visibility import is_directory_editor, stale_before

PER_PAGE = 50


@login_required
def stale_cards_list(request: HttpRequest) -> HttpResponse:
    if not is_directory_editor(request.user):
        raise Http404
    show = request.GET.get("voir", StaleFilter.ALL)
    choices = [
        (StaleFilter.ALL, _("Toutes les fiches à vérifier")),
        (StaleFilter.UNOWNED, _("Sans compte ni gestionnaire (personne ne sera relancé)")),
        (StaleFilter.PEOPLE, _("Personnes")),
        (StaleFilter.ORGANISATIONS, _("Organisations")),
    ]
    if show not in dict(choices):
        show = StaleFilter.ALL
    page = Paginator(stale_cards(show=show), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/stale_cards.html",
        {
            "page": page,
            "cards": stale_card_page(list(page.object_list)),
            "show": show,
            "choices": choices,
            "query": f"voir={show}" if show != StaleFilter.ALL else "",
            "limit": stale_before(),
            "crumbs": [{"label": _("Fiches à vérifier"), "url": ""}],
        },
    )
