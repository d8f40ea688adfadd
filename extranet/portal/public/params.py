"""Query parameters of the feeds and the JSON API: strict, with a 400 that says what is wrong."""

from __future__ import annotations

import json as jsonlib
import re
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse

from extranet.portal.public.queries import Filters
from extranet.portal.public.sections import Section

MAX_TEXT = 200
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 200


@dataclass
class BadParameter(Exception):
    parameter: str
    message: str


def _date(request: HttpRequest, name: str) -> date | None:
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    if not _ISO_DATE.fullmatch(raw):
        raise BadParameter(name, "expected a date YYYY-MM-DD")
    try:
        value = date.fromisoformat(raw)  # far dates are clamped by the queries
    except ValueError as exc:
        raise BadParameter(name, "expected a date YYYY-MM-DD") from exc
    return value


def _text(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    if len(value) > MAX_TEXT:
        raise BadParameter(name, f"at most {MAX_TEXT} characters")
    # No stored name holds a NUL, and PostgreSQL refuses one in a query parameter.
    return value.replace("\x00", "")


def parse_filters(request: HttpRequest, section: Section) -> Filters:
    kind = _text(request, "kind")
    if kind and kind not in section.kind_names:
        raise BadParameter("kind", "one of: " + ", ".join(section.kind_names))
    # "to" before "from" is a valid, empty range.
    start, end = _date(request, "from"), _date(request, "to")
    return Filters(
        kind=kind,
        commune=_text(request, "commune"),
        theme=_text(request, "theme"),
        start=start,
        end=end,
    )


def _positive(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name, "")
    if raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise BadParameter(name, f"expected an integer between 1 and {maximum}")
    value = int(raw)
    if not 1 <= value <= maximum:
        raise BadParameter(name, f"expected an integer between 1 and {maximum}")
    return value


def parse_page(request: HttpRequest) -> tuple[int, int]:
    """(page, per_page) from ``page`` (1…) and ``per_page`` (1…200, default 50)."""
    return (
        _positive(request, "page", 1, 999_999),
        _positive(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    )


def bad_request(error: BadParameter, *, json: bool = True) -> HttpResponse:
    if json:
        body = jsonlib.dumps({"error": error.message, "parameter": error.parameter})
        return HttpResponse(body, status=400, content_type="application/json")
    return HttpResponse(
        f"{error.parameter}: {error.message}\n", status=400, content_type="text/plain"
    )
