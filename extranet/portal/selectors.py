"""Reads of the editorial workflow: the moderation queue, an item's publication state, the
preview and the field-by-field comparison with the current public version."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from extranet.models import PublicationRequest, PublicationState, PublicSnapshot
from extranet.portal.registry import PublicField, PublishableKind, publishable_kind

# --- the queue and the lists ------------------------------------------------------------------


def pending_requests(*, kind: str = "") -> QuerySet[PublicationRequest]:
    """Proposals awaiting review, oldest first (the order they should be handled in)."""
    requests = PublicationRequest.objects.pending().select_related("space", "submitted_by")
    if kind:
        requests = requests.filter(kind=kind)
    return requests.order_by("submitted_at", "pk")


def request_for_review(pk: int) -> PublicationRequest:
    """One proposal, whatever its state (Http404 when absent)."""
    return get_object_or_404(
        PublicationRequest.objects.select_related(
            "space", "submitted_by", "reviewed_by", "snapshot"
        ),
        pk=pk,
    )


def public_snapshots(*, kind: str = "") -> QuerySet[PublicSnapshot]:
    """What is public now, most recently approved first."""
    snapshots = PublicSnapshot.objects.public().select_related("approved_by")
    if kind:
        snapshots = snapshots.of_kind(kind)
    return snapshots.order_by("-approved_at", "-pk")


def current_snapshot(kind: str, source_key: str) -> PublicSnapshot | None:
    return PublicSnapshot.objects.public().filter(kind=kind, source_key=source_key).first()


def requests_of(user: Any) -> QuerySet[PublicationRequest]:
    """The proposals ``user`` made, newest first ("Mes propositions")."""
    return (
        PublicationRequest.objects.filter(submitted_by=user)
        .select_related("space", "reviewed_by", "snapshot")
        .order_by("-submitted_at", "-pk")
    )


@dataclass(frozen=True)
class PublicationStatus:
    """Where an item stands: its proposal under review, its latest proposal, what is public."""

    pending: PublicationRequest | None
    latest: PublicationRequest | None
    current: PublicSnapshot | None

    @property
    def is_public(self) -> bool:
        return self.current is not None

    @property
    def last_decision(self) -> PublicationRequest | None:
        """The latest proposal when it was refused or withdrawn (shown with its note)."""
        if self.latest is not None and self.latest.state in (
            PublicationState.REJECTED,
            PublicationState.WITHDRAWN,
        ):
            return self.latest
        return None


def publication_status(kind: str, source_key: str) -> PublicationStatus:
    """The item's publication state in two queries."""
    latest = (
        PublicationRequest.objects.for_source(kind, source_key)
        .select_related("reviewed_by", "submitted_by")
        .order_by("-submitted_at", "-pk")
        .first()
    )
    pending = latest if latest is not None and latest.is_pending else None
    return PublicationStatus(
        pending=pending, latest=latest, current=current_snapshot(kind, source_key)
    )


def payload_fingerprint(request: PublicationRequest) -> str:
    """Changes whenever the proposal's content changes (a new submission replaces it), so an
    administrator never approves something other than what they reviewed."""
    text = json.dumps(request.payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{request.pk}:{text}".encode()).hexdigest()[:32]


# --- preview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewFile:
    name: str
    content_type: str
    size: int | None
    pk: None = None


@dataclass(frozen=True)
class PreviewItem:
    """What the public partial template ``portal/_item.html`` receives as ``item``."""

    kind: PublishableKind
    title: str
    data: dict[str, Any]
    files: list[Any] = field(default_factory=list)


def preview_item(kind: PublishableKind, title: str, data: dict[str, Any]) -> PreviewItem:
    """The item as the public will see it. Files are not copied yet: their name and size come
    from the proposal (``file_name`` / ``file_size``)."""
    files: list[Any] = []
    if kind.files is not None and data.get("file_name"):
        size = data.get("file_size")
        files.append(
            PreviewFile(
                name=str(data["file_name"]),
                content_type=str(data.get("file_content_type", "")),
                size=size if isinstance(size, int) else None,
            )
        )
    return PreviewItem(kind=kind, title=title, data=data, files=files)


# --- comparison with the public version -----------------------------------------------------


class Change:
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True)
class Segment:
    op: str  # "equal" | "insert" | "delete"
    text: str


@dataclass(frozen=True)
class FieldDiff:
    field: PublicField
    old: str
    new: str
    change: str
    segments: tuple[Segment, ...] = ()

    @property
    def status_label(self) -> str:
        return {
            Change.ADDED: _("Ajouté"),
            Change.REMOVED: _("Retiré"),
            Change.CHANGED: _("Modifié"),
            Change.SAME: _("Inchangé"),
        }[self.change]


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def display_value(value: Any, *, name: str = "") -> str:
    """A public value as plain text for the comparison (dates in local time, booleans in
    words, lists joined, sizes in bytes as people read them)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, int) and name.endswith("size"):
        return str(filesizeformat(value))
    if isinstance(value, list | tuple):
        return ", ".join(display_value(v) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return " · ".join(f"{k} : {display_value(v)}" for k, v in value.items() if v)
    text = str(value)
    if _ISO_DATETIME.match(text):
        parsed = parse_datetime(text)
        if isinstance(parsed, datetime):
            local = timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
            return str(formats.date_format(local, "DATETIME_FORMAT"))
    if _ISO_DATE.match(text):
        day = parse_date(text)
        if isinstance(day, date):
            return str(formats.date_format(day, "DATE_FORMAT"))
    return text


def _segments(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level differences (whitespace kept), so a corrected word shows as such."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            segments.append(Segment("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(Segment("insert", "".join(b[j1:j2])))
    return tuple(segments)


def field_diff(
    kind: PublishableKind, new: dict[str, Any], old: dict[str, Any] | None
) -> list[FieldDiff]:
    """Field by field, what the proposal changes compared with the public version (every field
    "added" when nothing is public yet)."""
    diffs = []
    for public_field in kind.fields:
        name = public_field.name
        new_text = display_value(new.get(name), name=name)
        old_text = display_value(old.get(name), name=name) if old is not None else ""
        if new_text == old_text:
            change = Change.SAME
        elif not old_text:
            change = Change.ADDED
        elif not new_text:
            change = Change.REMOVED
        else:
            change = Change.CHANGED
        segments = _segments(old_text, new_text) if change == Change.CHANGED else ()
        diffs.append(FieldDiff(public_field, old_text, new_text, change, segments))
    return diffs


def kind_of(request: PublicationRequest) -> PublishableKind | None:
    """The request's kind, or None when its app no longer registers it."""
    try:
        return publishable_kind(request.kind)
    except KeyError:
        return None
