"""Global search across the spaces the caller may read, filtered inside the engine's query."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe

from extranet.search import TERRITORY_SPACE_ID, SearchQuery, get_backend
from extranet.search_ui import facet_names, search_kinds
from extranet.selectors import members_of, readable_memberships


def _date(value: str) -> date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


@login_required
def search(request: HttpRequest) -> HttpResponse:
    memberships = readable_memberships(request.user)
    by_slug = {m.space.slug: m for m in memberships}
    params = request.GET
    text = params.get("q", "").strip()[:200]
    space_slug = params.get("space", "")
    chosen = by_slug.get(space_slug)
    # Territory-wide entries (the directory) are for every signed-in user, unless the search
    # is narrowed to one space.
    space_ids = [chosen.space_id] if chosen else [m.space_id for m in memberships]
    if not space_slug:
        space_ids.append(TERRITORY_SPACE_ID)
    if space_slug and chosen is None:
        space_ids = []  # not a member (or no such space): nothing, and nothing revealed
    facets = {name: params[name] for name in facet_names() if params.get(name)}
    author = params.get("author", "")
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    results = None
    if text or facets:
        query = SearchQuery(
            text=text,
            space_ids=space_ids,
            kinds=[params["kind"]] if params.get("kind") else [],
            facets=facets,
            author_id=int(author) if author.isdigit() else None,
            date_from=_date(params.get("from", "")),
            date_to=_date(params.get("to", "")),
            order="date" if params.get("order") == "date" else "relevance",
            page=page,
        )
        results = get_backend().search(query)
    spaces: dict[int, object] = {m.space_id: m.space for m in memberships}
    # A territory-wide hit is labelled by its kind ("Annuaire : personnes") instead of a space.
    kind_labels = {kind.name: {"name": kind.label} for kind in search_kinds()}
    hits = [
        {
            "hit": hit,
            "space": spaces.get(hit.space_id) or kind_labels.get(hit.kind),
            "snippet": mark_safe(hit.snippet_html),  # noqa: S308 — backends escape user text
        }
        for hit in (results.hits if results else [])
    ]

    def page_query(number: int) -> str:
        query = params.copy()
        query["page"] = str(number)
        return query.urlencode()

    return render(
        request,
        "extranet/search.html",
        {
            "kinds": search_kinds(),
            "authors": members_of(chosen) if chosen else [],
            "prev_query": page_query(page - 1),
            "next_query": page_query(page + 1),
            "q": text,
            "results": results,
            "hits": hits,
            "memberships": memberships,
            "space_slug": space_slug,
            "params": params,
        },
    )
