"""JSON API of the portal (``/portal/api/v1/``): schema.org JSON-LD objects, paginated.

- ``<collection>.json``: a section (``events``, ``brochures``…) or one kind (``event``…), with
  ``page``, ``per_page``, ``commune``, ``theme``, ``kind``, ``from``, ``to``;
- ``items/<public_id>.json``: one item.
The OpenAPI document (``openapi.py``) describes exactly these routes and parameters.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import urlencode

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from extranet.portal.public import queries
from extranet.portal.public.conditional import public_resource
from extranet.portal.public.jsonld import to_jsonld
from extranet.portal.public.links import absolute, is_export
from extranet.portal.public.params import BadParameter, bad_request, parse_filters, parse_page
from extranet.portal.public.sections import collection, find_section, section_of_kind

JSON = "application/json"
JSON_LD = "application/ld+json"


def json_response(payload: Any, *, status: int = 200, content_type: str = JSON) -> HttpResponse:
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode(), status=status, content_type=f"{content_type}; charset=utf-8")


def not_found() -> HttpResponse:
    return json_response({"error": "not found"}, status=404)


def collection_kinds(kwargs: dict[str, Any]) -> list[str]:
    name = str(kwargs.get("name", ""))
    section = find_section(name)
    if section is not None:
        return section.kind_names
    owner = section_of_kind(name)
    return [name] if owner is not None else []


@public_resource(kinds=collection_kinds, localised=False, cors=True, cache_body=True)
def api_list(request: HttpRequest, name: str) -> HttpResponse:
    try:
        section, kind = collection(name)
    except Http404:
        return not_found()
    try:
        filters = parse_filters(request, section)
        page, per_page = parse_page(request)
    except BadParameter as error:
        return bad_request(error)
    if kind is not None:
        if filters.kind and filters.kind != kind.name:
            return bad_request(BadParameter("kind", f"this collection holds only {kind.name}"))
        filters.kind = kind.name
    items = queries.filtered(section, filters).prefetch_related("files")
    count = items.count()
    if is_export(request):
        page, per_page = 1, max(count, 1)  # one file holds the whole collection
    pages = max(math.ceil(count / per_page), 1)
    offset = (page - 1) * per_page
    snapshots = list(items[offset : offset + per_page]) if offset < count else []
    base = absolute(request, request.path)

    def page_url(number: int) -> str | None:
        if is_export(request) or not 1 <= number <= pages:
            return None
        params = request.GET.copy()
        params["page"] = str(number)
        return f"{base}?{urlencode(sorted(params.items()))}"

    links = {"next": page_url(page + 1), "previous": page_url(page - 1)}
    response = json_response(
        {
            "items": [to_jsonld(item, request) for item in queries.public_items(snapshots)],
            "count": count,
            "page": page,
            "per_page": per_page,
            "pages": pages,
            **links,
        }
    )
    header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
    if header:
        response["Link"] = header
    return response


@public_resource(localised=False, cors=True)
def api_item(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        snapshot = queries.find_any_item(public_id)
    except Http404:
        return not_found()
    public = queries.public_item(snapshot)
    response = json_response(to_jsonld(public, request), content_type=JSON_LD)
    response["Link"] = f'<{absolute(request, public.url)}>; rel="alternate"; type="text/html"'
    return response


def api_list_path(name: str) -> str:
    return reverse("portal:api_list", kwargs={"name": name})
