"""Template helpers of the public portal: one item's public fields, ready to display.

The data of a public item is user text: every value goes through autoescaping except
descriptions, which go through ``render_markdown`` (sanitised). Nothing here marks data safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.dateparse import parse_date, parse_datetime

from extranet.markdown import render_markdown

register = template.Library()

# Fields whose text is Markdown written by contributors (rendered, then sanitised).
MARKDOWN_FIELDS = frozenset({"description", "summary", "body", "presentation"})
SIZE_FIELDS = frozenset({"file_size", "size"})
# Shown elsewhere (heading) or meaningless to the public as such.
HIDDEN_FIELDS = frozenset({"title", "name"})

_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{5,}[0-9]$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Value:
    """One displayable value: ``kind`` picks the markup, ``text`` is shown, ``href`` linked."""

    kind: str  # text | markdown | link | email | phone | datetime | date | bool | size
    text: Any
    href: str = ""


@dataclass(frozen=True)
class Row:
    name: str
    label: Any
    values: list[Value]
    is_list: bool
    # The kind's own display of this field (``PublicField.template``) and the raw value it gets.
    template: str = ""
    raw: Any = None


def _value(name: str, raw: Any) -> Value | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return Value("bool", raw)
    if isinstance(raw, int | float):
        return Value("size", raw) if name in SIZE_FIELDS else Value("text", raw)
    if isinstance(raw, dict):
        parts = [f"{key} : {val}" for key, val in raw.items() if val not in (None, "")]
        return Value("text", " · ".join(parts)) if parts else None
    text = str(raw).strip()
    if not text:
        return None
    if name in MARKDOWN_FIELDS:
        return Value("markdown", render_markdown(text))
    if _URL.match(text):
        return Value("link", text, text)
    if _EMAIL.match(text):
        return Value("email", text, "mailto:" + text)
    if _PHONE.match(text) and name.startswith(("phone", "tel", "fax")):
        return Value("phone", text, "tel:" + re.sub(r"[^0-9+]", "", text))
    if _ISO_DATETIME.match(text):
        parsed = parse_datetime(text.replace(" ", "T", 1))
        if parsed is not None:
            return Value("datetime", parsed)
    if _ISO_DATE.match(text):
        day = parse_date(text)
        if day is not None:
            return Value("date", day)
    return Value("text", text)


def _kind_fields(kind: Any) -> Iterable[tuple[str, Any, str]]:
    for field in getattr(kind, "fields", ()) or ():
        yield field.name, field.label, getattr(field, "template", "")


# Shown in the summary line of a detail page (date, commune, theme) when ``compact``.
SUMMARY_FIELDS = frozenset({"start", "end", "all_day", "commune", "theme"})


@register.simple_tag
def portal_fields(item: Any, compact: bool = False) -> list[Row]:
    """The item's public fields in the kind's order, empty ones left out (and, when
    ``compact``, those the page already shows in its summary line)."""
    data = getattr(item, "data", None) or {}
    if not hasattr(data, "get"):
        return []
    skipped = HIDDEN_FIELDS | SUMMARY_FIELDS if compact else HIDDEN_FIELDS
    rows: list[Row] = []
    for name, label, field_template in _kind_fields(getattr(item, "kind", None)):
        if name in skipped:
            continue
        raw = data.get(name)
        if field_template:
            if raw not in (None, "", [], {}):
                rows.append(Row(name, label, [], is_list=False, template=field_template, raw=raw))
            continue
        if isinstance(raw, list | tuple):
            values = [v for v in (_value(name, element) for element in raw) if v is not None]
            if values:
                rows.append(Row(name, label, values, is_list=len(values) > 1))
            continue
        value = _value(name, raw)
        if value is not None:
            rows.append(Row(name, label, [value], is_list=False))
    return rows


@dataclass(frozen=True)
class FileEntry:
    name: str
    content_type: str
    size: int | None
    url: str


@register.simple_tag
def portal_files(item: Any) -> list[FileEntry]:
    """The item's files: PublicFile rows (with their public URL when known), or the
    ``(name, content_type, bytes)`` tuples a kind's ``files`` callable returns (preview)."""
    files = getattr(item, "files", None)
    if files is None:
        return []
    if hasattr(files, "all"):
        files = files.all()
    urls = getattr(item, "file_urls", None) or {}
    entries: list[FileEntry] = []
    for entry in files:
        if isinstance(entry, tuple | list):
            name = str(entry[0]) if entry else ""
            content_type = str(entry[1]) if len(entry) > 1 else ""
            size = len(entry[2]) if len(entry) > 2 and isinstance(entry[2], bytes) else None
            entries.append(FileEntry(name, content_type, size, ""))
        elif isinstance(entry, str):
            entries.append(FileEntry(entry, "", None, ""))
        else:
            entries.append(
                FileEntry(
                    str(getattr(entry, "name", "")),
                    str(getattr(entry, "content_type", "")),
                    getattr(entry, "size", None),
                    urls.get(getattr(entry, "pk", None), ""),
                )
            )
    return entries


@dataclass(frozen=True)
class When:
    all_day: bool
    start: Any  # date (all day) or aware datetime
    end: Any  # last day (inclusive) or end instant; None when it is the start
    same_day: bool


@register.simple_tag
def portal_when(item: Any) -> When | None:
    """When a dated item happens, as people read it: all-day items end on their last day
    (``ends_at`` is the exclusive instant after it)."""
    from datetime import timedelta

    from django.utils import timezone

    snapshot = getattr(item, "snapshot", item)
    starts_at = getattr(snapshot, "starts_at", None)
    if starts_at is None:
        return None
    ends_at = getattr(snapshot, "ends_at", None)
    data = getattr(snapshot, "data", None) or {}
    if isinstance(data, dict) and data.get("all_day"):
        first = timezone.localtime(starts_at).date()
        last = first
        if ends_at is not None and ends_at > starts_at:
            last = timezone.localtime(ends_at - timedelta(microseconds=1)).date()
        return When(True, first, last if last > first else None, last <= first)
    if ends_at is None or ends_at <= starts_at:
        return When(False, starts_at, None, True)
    same = timezone.localtime(ends_at).date() == timezone.localtime(starts_at).date()
    return When(False, starts_at, ends_at, same)


@register.filter
def portal_datetime(value: Any) -> Any:
    """An ISO 8601 string of a public item's data as a local datetime (or date), for the
    ``date``/``time`` filters of kinds' field templates; "" when it is not one."""
    from django.utils import timezone

    text = str(value or "").strip()
    if _ISO_DATETIME.match(text):
        parsed = parse_datetime(text.replace(" ", "T", 1))
        if parsed is not None:
            return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
    if _ISO_DATE.match(text):
        return parse_date(text) or ""
    return ""
