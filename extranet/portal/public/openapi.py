"""OpenAPI 3.1 description of the portal's JSON endpoints, built from the registry so that a
section registered later is documented without a change here."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from extranet.portal.public.api import api_list_path
from extranet.portal.public.conditional import no_kinds, public_resource
from extranet.portal.public.params import DEFAULT_PER_PAGE, MAX_PER_PAGE, MAX_TEXT
from extranet.portal.public.sections import collection, collection_names, sections

MEDIA_TYPE = "application/openapi+json;version=3.1"
ITEM_PLACEHOLDER = "{public_id}"


def _text_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "maxLength": MAX_TEXT},
    }


def _date_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "format": "date"},
    }


CONDITIONAL_HEADERS = [
    {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETag of a previous response: 304 when nothing changed.",
        "schema": {"type": "string"},
    },
]

RESPONSE_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Changes with the public content."},
    "Last-Modified": {"schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
}

COMPONENTS: dict[str, Any] = {
    "schemas": {
        "JsonLdObject": {
            "type": "object",
            "description": "A schema.org object (Event, Organization, Person, DigitalDocument, "
            "Course, CreativeWork…) in JSON-LD.",
            "required": ["@context", "@type", "@id", "url", "identifier", "name"],
            "properties": {
                "@context": {"const": "https://schema.org"},
                "@type": {
                    "oneOf": [
                        {"type": "string"},
                        {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    ]
                },
                "@id": {"type": "string", "format": "uri"},
                "url": {"type": "string", "format": "uri"},
                "identifier": {"type": "string", "description": "Stable public id."},
                "name": {"type": "string"},
                "dateModified": {"type": "string"},
                "version": {"type": "integer"},
            },
            "additionalProperties": True,
        },
        "ItemPage": {
            "type": "object",
            "required": ["items", "count", "page", "per_page", "pages", "next", "previous"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/JsonLdObject"}},
                "count": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 1},
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
            },
            "additionalProperties": False,
        },
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
        },
    },
    "responses": {
        "NotModified": {"description": "Not modified since the ETag or date given."},
        "BadRequest": {
            "description": "A parameter is invalid.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
        "NotFound": {
            "description": "Unknown, or no longer public.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    },
}


def _list_operation(name: str) -> dict[str, Any]:
    section, kind = collection(name)
    label = str(kind.label_plural if kind is not None else section.label)
    parameters = [
        {
            "name": "page",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": 999999, "default": 1},
        },
        {
            "name": "per_page",
            "in": "query",
            "required": False,
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PER_PAGE,
                "default": DEFAULT_PER_PAGE,
            },
        },
        _text_param("commune", "Exact name of a commune."),
        _text_param("theme", "Exact name of a theme."),
    ]
    if kind is None and len(section.kinds) > 1:
        parameters.append(
            {
                "name": "kind",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": section.kind_names},
            }
        )
    if section.is_dated:
        parameters.append(_date_param("from", "Items not over before this day."))
        parameters.append(_date_param("to", "Items starting on or before this day."))
    return {
        "get": {
            "operationId": f"list_{name.replace('-', '_')}",
            "summary": label,
            "tags": [section.slug],
            "parameters": parameters + CONDITIONAL_HEADERS,
            "responses": {
                "200": {
                    "description": "One page of items.",
                    "headers": RESPONSE_HEADERS,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ItemPage"}}
                    },
                },
                "304": {"$ref": "#/components/responses/NotModified"},
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    }


def _item_operation() -> dict[str, Any]:
    return {
        "get": {
            "operationId": "get_item",
            "summary": "One public item",
            "parameters": [
                {
                    "name": "public_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                },
                *CONDITIONAL_HEADERS,
            ],
            "responses": {
                "200": {
                    "description": "The item.",
                    "headers": RESPONSE_HEADERS,
                    "content": {
                        "application/ld+json": {
                            "schema": {"$ref": "#/components/schemas/JsonLdObject"}
                        }
                    },
                },
                "304": {"$ref": "#/components/responses/NotModified"},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        }
    }


def item_path_template() -> str:
    path = reverse("portal:api_item", kwargs={"public_id": "PLACEHOLDER"})
    return path.replace("PLACEHOLDER", ITEM_PLACEHOLDER)


def document() -> dict[str, Any]:
    """The OpenAPI document for the kinds registered now."""
    paths: dict[str, Any] = {
        api_list_path(name): _list_operation(name) for name in collection_names()
    }
    paths[item_path_template()] = _item_operation()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.PORTAL_SITE_NAME} — API",
            "version": "1",
            "description": (
                "Public, read-only data of the portal: only items approved by the general "
                "administrator. Objects are schema.org JSON-LD. Conditional requests "
                "(If-None-Match, If-Modified-Since) are answered with 304."
            ),
        },
        "servers": [{"url": settings.SITE_URL.rstrip("/")}],
        "tags": [
            {"name": section.slug, "description": str(section.label)} for section in sections()
        ],
        "paths": paths,
        "components": COMPONENTS,
    }


@public_resource(kinds=no_kinds, localised=False, cors=True, cache_body=True)
def openapi(request: HttpRequest) -> HttpResponse:
    body = json.dumps(document(), ensure_ascii=False, indent=2)
    return HttpResponse(body.encode(), content_type=f"{MEDIA_TYPE}; charset=utf-8")
