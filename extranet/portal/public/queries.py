"""Public reads: current snapshots of registered kinds, and nothing else.

Every public output (pages, feeds, API, export, sitemap, embed) reads through these functions,
which all start from ``PublicSnapshot.objects.public()`` restricted to registered kinds.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from extranet.models import PublicFile, PublicSnapshot
from extranet.portal.public.sections import Section, public_kind_names, section_of_kind
from extranet.portal.registry import Occurrence, PublishableKind

logger = logging.getLogger(__name__)

# The commune slug of items that have none, in "by commune" pages.
NO_COMMUNE = "sans-commune"


def public_snapshots(kind_names: Iterable[str] | None = None) -> QuerySet[PublicSnapshot]:
    """THE public rows: current snapshots of kinds registered in a section."""
    names = list(public_kind_names() if kind_names is None else kind_names)
    allowed = set(public_kind_names())
    return (
        PublicSnapshot.objects.public()
        .filter(kind__in=[n for n in names if n in allowed])
        # Same rows; SQLite compiles is_current=True to a bare `WHERE is_current`, which keeps
        # it from using the (kind, is_current, starts_at) index for the date order: `IN (1)`
        # lets it walk the index instead of sorting every current row.
        .filter(is_current__in=[True])
    )


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def today() -> date:
    return timezone.localdate()


def upcoming_q(day: date) -> Q:
    """Not over before ``day`` (an event that started yesterday and ends tomorrow is upcoming)."""
    start = local_day_start(day)
    return Q(ends_at__gte=start) | Q(ends_at__isnull=True, starts_at__gte=start)


# Dates outside these bounds mean nothing here and would overflow datetime arithmetic.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def _clamp(day: date) -> date:
    return min(max(day, EARLIEST), LATEST)


def overlaps_q(first: date | None, last: date | None) -> Q:
    """Items whose [starts_at, ends_at] meets the days [first, last] (both inclusive)."""
    first = _clamp(first) if first is not None else None
    last = _clamp(last) if last is not None else None
    query = Q(starts_at__isnull=False)
    if first is not None:
        query &= upcoming_q(first)
    if last is not None:
        query &= Q(starts_at__lt=local_day_start(last + timedelta(days=1)))
    return query


@dataclass
class Filters:
    kind: str = ""
    commune: str = ""
    theme: str = ""
    start: date | None = None
    end: date | None = None


def ordered(queryset: QuerySet[PublicSnapshot], section: Section) -> QuerySet[PublicSnapshot]:
    if section.is_dated:
        return queryset.order_by("starts_at", "title", "pk")
    return queryset.order_by("title", "pk")


def filtered(section: Section, filters: Filters) -> QuerySet[PublicSnapshot]:
    """A section's public items matching the filters, in display order."""
    names = section.kind_names
    if filters.kind:
        names = [filters.kind] if filters.kind in names else []
    queryset = public_snapshots(names)
    if filters.commune:
        queryset = queryset.filter(commune=filters.commune)
    if filters.theme:
        queryset = queryset.filter(theme=filters.theme)
    if filters.start is not None or filters.end is not None:
        queryset = queryset.filter(overlaps_q(filters.start, filters.end))
    return ordered(queryset, section)


def upcoming(section: Section, *, limit: int, commune: str = "", theme: str = "") -> list[Any]:
    queryset = public_snapshots(section.kind_names).filter(upcoming_q(today()))
    if commune:
        queryset = queryset.filter(commune=commune)
    if theme:
        queryset = queryset.filter(theme=theme)
    return list(queryset.order_by("starts_at", "title", "pk")[:limit])


def latest(section: Section, *, limit: int) -> list[PublicSnapshot]:
    return list(public_snapshots(section.kind_names).order_by("-approved_at", "-pk")[:limit])


def choices(section: Section, column: str) -> list[str]:
    """Distinct non-empty values of ``commune`` or ``theme`` among the section's public items."""
    values = (
        public_snapshots(section.kind_names)
        .exclude(**{column: ""})
        .values_list(column, flat=True)
        .distinct()
    )
    return sorted(set(values), key=lambda v: (slugify(v), v))


def communes(section: Section) -> list[tuple[str, str, int]]:
    """(slug, name, count) of each commune with public items, plus those without a commune."""
    rows = (
        public_snapshots(section.kind_names)
        .values_list("commune")
        .annotate(n=Count("pk"))
        .order_by()
    )
    grouped: dict[str, tuple[str, int]] = {}
    for name, count in rows:
        slug = slugify(name) or NO_COMMUNE
        label, total = grouped.get(slug, (name, 0))
        grouped[slug] = (label, total + count)
    return sorted(
        ((slug, name, count) for slug, (name, count) in grouped.items()),
        key=lambda row: (row[0] == NO_COMMUNE, row[0]),
    )


def commune_items(section: Section, slug: str) -> tuple[str, list[PublicSnapshot]]:
    """The commune's name and its public items; 404 for a commune with none."""
    names = [
        name
        for name in public_snapshots(section.kind_names)
        .values_list("commune", flat=True)
        .distinct()
        if (slugify(name) or NO_COMMUNE) == slug
    ]
    if not names:
        raise Http404
    items = list(ordered(public_snapshots(section.kind_names).filter(commune__in=names), section))
    return names[0], items


def months(section: Section) -> list[date]:
    """First day of every month in which a public item of the section starts (or, for kinds
    with occurrences, in which one of its occurrences starts)."""
    starts = (
        public_snapshots(section.kind_names)
        .filter(starts_at__isnull=False)
        .annotate(month=TruncMonth("starts_at", tzinfo=timezone.get_current_timezone()))
        .values_list("month", flat=True)
        .order_by()
        .distinct()
    )
    found = {_as_date(value) for value in starts}
    repeated = [kind.name for kind in section.kinds if kind.occurrences is not None]
    if repeated:
        snapshots = public_snapshots(repeated).filter(starts_at__isnull=False)
        for public in public_items(snapshots.only("kind", "data", "public_id")):
            for occurrence in occurrences_of(public):
                found.add(_as_date(occurrence.starts_at).replace(day=1))
    return sorted(found)


def occurrences_of(item: PublicItem) -> list[Occurrence]:
    """The dated occurrences of an item whose kind has them (``PublishableKind.occurrences``);
    none when its data cannot say (a kind's reader must not take a whole page down)."""
    if item.kind.occurrences is None:
        return []
    try:
        return list(item.kind.occurrences(item.data))
    except Exception:
        logger.exception("occurrences of kind %s failed", item.kind.name)
        return []


def _as_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@dataclass
class MonthDay:
    day: date
    in_month: bool
    items: list[PublicSnapshot] = field(default_factory=list)


def month_grid(section: Section, year: int, month: int) -> list[list[MonthDay]]:
    """The weeks (Monday first) of the month, each day with the public items it covers."""
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    items = list(
        public_snapshots(section.kind_names)
        .filter(overlaps_q(first, last))
        .order_by("starts_at", "title", "pk")
    )
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = {day: MonthDay(day, day.month == month) for week in weeks for day in week}
    repeated = {kind.name for kind in section.kinds if kind.occurrences is not None}
    for item in items:
        assert item.starts_at is not None  # noqa: S101 — overlaps_q excludes undated items
        spans = [(item.starts_at, item.ends_at)]
        if item.kind in repeated:
            # On the days of its occurrences only, not every day from the first to the last.
            spans = [(o.starts_at, o.ends_at) for o in occurrences_of(public_item(item))]
        for starts_at, ends_at in spans:
            start = timezone.localtime(starts_at).date()
            end = timezone.localtime(ends_at).date() if ends_at else start
            # An end at midnight belongs to the day before (iCalendar-style exclusive end).
            if ends_at and end > start and timezone.localtime(ends_at).time() == time.min:
                end -= timedelta(days=1)
            current = max(start, first)
            while current <= min(end, last):
                if item not in days[current].items:
                    days[current].items.append(item)
                current += timedelta(days=1)
    return [[days[day] for day in week] for week in weeks]


def find_item(section: Section, public_id: str) -> PublicSnapshot:
    """The current public snapshot with this public id in the section; 404 otherwise."""
    snapshot = (
        public_snapshots(section.kind_names)
        .filter(public_id=public_id)
        .prefetch_related("files")
        .first()
    )
    if snapshot is None:
        raise Http404
    return snapshot


def find_any_item(public_id: str) -> PublicSnapshot:
    snapshot = public_snapshots().filter(public_id=public_id).prefetch_related("files").first()
    if snapshot is None:
        raise Http404
    return snapshot


def find_file(section: Section, public_id: str, file_id: int) -> PublicFile:
    """A file of the *current* public snapshot only: older versions' files are not public."""
    public_file = (
        PublicFile.objects.filter(
            pk=file_id,
            snapshot__public_id=public_id,
            snapshot__is_current=True,
            snapshot__kind__in=[n for n in section.kind_names if n in public_kind_names()],
        )
        .select_related("snapshot")
        .first()
    )
    if public_file is None:
        raise Http404
    return public_file


@dataclass(frozen=True)
class PortalState:
    """What the public slice looks like, cheaply: changes whenever an item is approved,
    superseded, unpublished or deleted. Conditional GET hashes it into the ETag."""

    last_modified: datetime | None
    token: str


def portal_state(kind_names: Iterable[str]) -> PortalState:
    """The state of the snapshots of these kinds, in one index-only query most of the time.

    Snapshots are immutable: approving inserts a row (a new highest id), superseding and
    unpublishing flip ``is_current`` (the number of current rows changes with them, or a row is
    inserted), deleting lowers the count. So (highest id, rows, current rows) changes with every
    write the workflow can make, and reads only the (kind, is_current, …) index. The date for
    Last-Modified (latest approval or unpublishing) needs the table: it is computed once per
    fingerprint and kept in the cache.
    """
    names = sorted(set(kind_names))
    fingerprint = PublicSnapshot.objects.filter(kind__in=names).aggregate(
        last_pk=Max("pk"),
        total=Count("pk"),
        current=Count("pk", filter=Q(is_current=True)),
    )
    raw = "|".join(
        [",".join(names), *(str(fingerprint[k]) for k in ("last_pk", "total", "current"))]
    )
    token = hashlib.sha256(raw.encode()).hexdigest()[:32]
    key = f"portal:last-modified:{token}"
    cached = cache.get(key)
    if cached is None:
        row = PublicSnapshot.objects.filter(kind__in=names).aggregate(
            approved=Max("approved_at"), unpublished=Max("unpublished_at")
        )
        moments = [m for m in (row["approved"], row["unpublished"]) if m is not None]
        cached = max(moments).isoformat() if moments else ""
        cache.set(key, cached, timeout=24 * 3600)
    last_modified = datetime.fromisoformat(cached) if cached else None
    return PortalState(last_modified, token)


@dataclass
class PublicItem:
    """A snapshot as the templates see it (``portal/_item.html``): its kind is the registered
    PublishableKind, its files the snapshot's PublicFile rows with their download URLs."""

    snapshot: PublicSnapshot
    kind: PublishableKind
    section: Section

    @property
    def title(self) -> str:
        return self.snapshot.title

    @property
    def data(self) -> dict[str, Any]:
        return self.snapshot.data if isinstance(self.snapshot.data, dict) else {}

    @property
    def url(self) -> str:
        from extranet.portal.public.links import item_path

        return item_path(self.snapshot, self.section.slug)

    @property
    def files(self) -> list[PublicFile]:
        return list(self.snapshot.files.all())

    @property
    def file_urls(self) -> dict[int, str]:
        from extranet.portal.public.links import file_path

        return {
            f.pk: file_path(self.section.slug, self.snapshot.public_id, f)
            for f in self.snapshot.files.all()
        }


def kind_and_section(snapshot: PublicSnapshot) -> tuple[PublishableKind, Section]:
    section = section_of_kind(snapshot.kind)
    if section is None:
        raise Http404
    kind = section.kind(snapshot.kind)
    assert kind is not None  # noqa: S101 — section_of_kind found it there
    return kind, section


def public_item(snapshot: PublicSnapshot) -> PublicItem:
    """The snapshot ready for templates and serialisers (prefetch its files in lists)."""
    kind, section = kind_and_section(snapshot)
    return PublicItem(snapshot=snapshot, kind=kind, section=section)


def public_items(snapshots: Iterable[PublicSnapshot]) -> list[PublicItem]:
    """Snapshots ready for templates, their kinds looked up once (feeds list thousands)."""
    owners: dict[str, tuple[PublishableKind, Section]] = {}
    items = []
    for snapshot in snapshots:
        if snapshot.kind not in owners:
            owners[snapshot.kind] = kind_and_section(snapshot)
        kind, section = owners[snapshot.kind]
        items.append(PublicItem(snapshot=snapshot, kind=kind, section=section))
    return items


def public_url(snapshot: PublicSnapshot) -> str | None:
    """The absolute URL of the item's public page (the same for every version), or None when
    its kind is in no portal section. It answers 404 while no version is current."""
    from django.conf import settings

    from extranet.portal.public.links import item_path

    section = section_of_kind(snapshot.kind)
    if section is None:
        return None
    return settings.SITE_URL.rstrip("/") + item_path(snapshot, section.slug)
