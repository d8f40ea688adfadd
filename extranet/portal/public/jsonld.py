"""schema.org JSON-LD of public items: the kind's ``schema_org`` callable when it has one, else a
sane default per kind or section (Event, Organization, Person, DigitalDocument, Course,
CreativeWork). Every object carries ``@context``, ``@type``, ``@id``, ``url`` and ``identifier``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from extranet.portal.public.links import absolute, file_path
from extranet.portal.public.queries import PublicItem

logger = logging.getLogger(__name__)

CONTEXT = "https://schema.org"
TYPE_BY_KIND = {
    "event": "Event",
    "session": "Event",
    "organisation": "Organization",
    "organization": "Organization",
    "establishment": "Organization",
    "person": "Person",
    "brochure": "DigitalDocument",
    "document": "DigitalDocument",
    "course": "Course",
}
TYPE_BY_SECTION = {
    "events": "Event",
    "directory": "Organization",
    "brochures": "DigitalDocument",
    "training": "Course",
}


def schema_type(item: PublicItem) -> str:
    return TYPE_BY_KIND.get(item.kind.name) or TYPE_BY_SECTION.get(
        item.section.slug, "CreativeWork"
    )


def _text(data: dict[str, Any], *names: str) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    if value in (None, ""):
        return []
    return [str(value)]


def _one_or_many(values: list[str]) -> Any:
    return values[0] if len(values) == 1 else values


def _address(data: dict[str, Any], commune: str) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "FR"}
    street = _text(data, "address", "street")
    if street:
        address["streetAddress"] = street
    if commune:
        address["addressLocality"] = commune
    return address


def _default(item: PublicItem, type_name: str) -> dict[str, Any]:
    data, snapshot = item.data, item.snapshot
    commune = _text(data, "commune") or snapshot.commune
    theme = _text(data, "theme") or snapshot.theme
    obj: dict[str, Any] = {"@context": CONTEXT, "@type": type_name}
    description = _text(data, "description", "summary")
    if description:
        obj["description"] = description
    keywords = _list(data.get("themes")) or _list(theme)
    if keywords:
        obj["keywords"] = ", ".join(keywords)
    if type_name == "Event":
        start = _text(data, "start") or (
            snapshot.starts_at.isoformat() if snapshot.starts_at else ""
        )
        end = _text(data, "end") or (snapshot.ends_at.isoformat() if snapshot.ends_at else "")
        if start:
            obj["startDate"] = start
        if end:
            obj["endDate"] = end
        obj["eventStatus"] = "https://schema.org/EventScheduled"
        obj["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        place: dict[str, Any] = {"@type": "Place", "address": _address(data, commune)}
        place["name"] = _text(data, "location") or commune or item.title
        obj["location"] = place
        organizer = _text(data, "organizer")
        if organizer:
            obj["organizer"] = {"@type": "Organization", "name": organizer}
        if _text(data, "url"):
            obj["sameAs"] = _text(data, "url")
    elif type_name in ("Organization", "Person"):
        phones, emails = _list(data.get("phones")), _list(data.get("emails"))
        if phones:
            obj["telephone"] = _one_or_many(phones)
        if emails:
            obj["email"] = _one_or_many(emails)
        if type_name == "Organization":
            obj["address"] = _address(data, commune)
            if _text(data, "website"):
                obj["sameAs"] = _text(data, "website")
        else:
            functions = _list(data.get("functions"))
            if functions:
                obj["jobTitle"] = _one_or_many(functions)
            if commune:
                obj["workLocation"] = {"@type": "Place", "address": _address({}, commune)}
    else:
        if commune:
            obj["spatialCoverage"] = {"@type": "Place", "name": commune}
        language = _text(data, "language")
        if language:
            obj["inLanguage"] = language
        organizer = _text(data, "organizer", "provider")
        if organizer and type_name == "Course":
            obj["provider"] = {"@type": "Organization", "name": organizer}
    return obj


def to_jsonld(item: PublicItem, request: HttpRequest | None) -> dict[str, Any]:
    """One public item as a schema.org JSON-LD object."""
    url = absolute(request, item.url)
    obj: dict[str, Any] | None = None
    if item.kind.schema_org is not None:
        try:
            obj = dict(item.kind.schema_org(item.data, url))
        except Exception:
            # A kind's mapping must not take the whole feed down: fall back to the default.
            logger.exception("schema_org of kind %s failed", item.kind.name)
    if not obj or not isinstance(obj.get("@type"), str | list):
        obj = _default(item, schema_type(item))
    obj["@context"] = CONTEXT
    obj.setdefault("@id", url)
    obj.setdefault("url", url)
    obj.setdefault("name", item.title)
    obj["identifier"] = item.snapshot.public_id
    obj.setdefault("dateModified", item.snapshot.approved_at.isoformat())
    obj.setdefault("version", item.snapshot.version)
    files = item.files
    if files:
        media = [
            {
                "@type": "MediaObject",
                "name": f.name,
                "contentUrl": absolute(
                    request, file_path(item.section.slug, item.snapshot.public_id, f)
                ),
                "encodingFormat": f.content_type,
                "contentSize": f"{f.size} B",
                "sha256": f.sha256,
            }
            for f in files
        ]
        obj.setdefault("encoding", _one_or_many_media(media))
    return obj


def _one_or_many_media(media: list[dict[str, Any]]) -> Any:
    return media[0] if len(media) == 1 else media
