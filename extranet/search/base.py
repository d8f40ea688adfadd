"""The search-backend interface: what apps index, what callers ask, what they get back.

Every backend passes ``tests/extranet/test_search_conformance.py``. Shared semantics:

- ``SearchQuery.space_ids`` is applied inside the engine query, so ``total`` and pagination
  count only visible entries; empty ``space_ids`` returns nothing without querying.
- Text is analysed for French (case-insensitive, accents folded, stemmed); every word must
  match (title or body). The syntax is PostgreSQL's ``websearch_to_tsquery``: ``"quoted
  words"`` form a phrase, ``or`` between words, ``-word`` excludes; nothing else is special.
- Blank text lists the visible entries matching the other filters, newest first (score 0).
  Text without a required word (only stop words, punctuation or exclusions) matches nothing.
- ``snippet_html`` is safe HTML of about ``SNIPPET_CHARS``: the body around the matches with
  ``<mark>`` around matched words, or the start of the body when only the title matched.
- ``date_from`` / ``date_to`` are inclusive calendar days in the current time zone.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.utils import timezone

# Bodies longer than this are cut before indexing: PostgreSQL's tsvector is limited to 1 MB
# and highlighting re-reads the body, so a pathological extraction must not break indexing.
MAX_BODY_CHARS = 500_000
# Entries that belong to no space but to the whole territory (the directory): indexed under
# this reserved id, which no space has (ids start at 1); the global search adds it for every
# signed-in user, so such entries must hold only what any signed-in user may see.
TERRITORY_SPACE_ID = 0
MAX_PER_PAGE = 100
SNIPPET_CHARS = 200

Order = Literal["relevance", "date"]


@dataclass(frozen=True)
class IndexEntry:
    key: str
    space_id: int
    kind: str
    title: str
    body: str
    url: str
    date: dt.datetime
    author_id: int | None = None
    author_name: str = ""
    facets: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("IndexEntry.key must not be empty")
        if not self.kind:
            raise ValueError("IndexEntry.kind must not be empty")
        if timezone.is_naive(self.date):
            raise ValueError(f"IndexEntry.date must be aware ({self.key})")


@dataclass(frozen=True)
class SearchQuery:
    text: str
    space_ids: Sequence[int]
    kinds: Sequence[str] = ()
    facets: Mapping[str, str] = field(default_factory=dict)
    author_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    order: Order = "relevance"
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError("SearchQuery.page starts at 1")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"SearchQuery.per_page must be between 1 and {MAX_PER_PAGE}")
        if self.order not in ("relevance", "date"):
            raise ValueError(f"Unknown order {self.order!r}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def has_text(self) -> bool:
        return bool(self.text.strip())

    def datetime_bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """``date_from``/``date_to`` as aware datetimes: inclusive start, exclusive end."""
        tz = timezone.get_current_timezone()
        start = end = None
        if self.date_from is not None:
            start = dt.datetime.combine(self.date_from, dt.time.min, tzinfo=tz)
        if self.date_to is not None:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


@dataclass(frozen=True)
class SearchHit:
    key: str
    space_id: int
    kind: str
    title: str
    url: str
    date: dt.datetime
    author_name: str
    # Safe HTML: the text is escaped, matched words are wrapped in <mark>.
    snippet_html: str
    # Engine-specific relevance, comparable only within one result list; 0.0 when by date.
    score: float


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int

    @property
    def num_pages(self) -> int:
        """At least 1, like Django's paginator: an empty result is one empty page."""
        return max(1, math.ceil(self.total / self.per_page))

    @classmethod
    def empty(cls, query: SearchQuery) -> SearchResults:
        return cls(hits=[], total=0, page=query.page, per_page=query.per_page)


class SearchBackend(ABC):
    @abstractmethod
    def index(self, entries: Iterable[IndexEntry]) -> None:
        """Add or replace entries, matched by ``key``; within one call the last entry wins."""

    @abstractmethod
    def delete(self, keys: Iterable[str]) -> None:
        """Remove entries by key; unknown keys are ignored."""

    @abstractmethod
    def delete_space(self, space_id: int) -> None:
        """Remove every entry of a space."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        """Entries of ``query.space_ids`` matching the query, one page of them."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every entry."""

    def replace_all(self, entries: Iterable[IndexEntry]) -> int:
        """Replace the whole index with ``entries``; returns how many were indexed.

        Backends override this so searches keep seeing the old index until the new one is
        complete. A key seen twice keeps its first entry.
        """
        self.clear()
        count = 0
        for batch in batched(unique_by_key(entries), 500):
            self.index(batch)
            count += len(batch)
        return count


# --- Helpers shared by the backends -----------------------------------------------------------


def last_by_key(entries: Iterable[IndexEntry]) -> list[IndexEntry]:
    """Entries deduplicated by key, the last one winning (an upsert batch)."""
    return list({entry.key: entry for entry in entries}.values())


def unique_by_key(entries: Iterable[IndexEntry]) -> Iterator[IndexEntry]:
    """Entries deduplicated by key while streaming, the first one winning."""
    seen: set[str] = set()
    for entry in entries:
        if entry.key not in seen:
            seen.add(entry.key)
            yield entry


def batched(entries: Iterable[IndexEntry], size: int) -> Iterator[list[IndexEntry]]:
    batch: list[IndexEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def clip_body(body: str) -> str:
    return body[:MAX_BODY_CHARS]


_SPACES = re.compile(r"\s+")


def plain_snippet(body: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of ``body`` as safe HTML, cut at a word boundary, for hits without a match."""
    text = _SPACES.sub(" ", body[: limit * 4]).strip()
    if len(text) > limit:
        cut = text[:limit]
        if " " in cut[limit // 2 :]:
            cut = cut.rsplit(" ", 1)[0]
        text = cut + "…"
    return html.escape(text)


def marked_snippet(text: str, start: str, stop: str) -> str:
    """Safe HTML from engine output where matches sit between ``start`` and ``stop`` markers."""
    stray = re.compile(f"{re.escape(start)}|{re.escape(stop)}")

    def clean(chunk: str) -> str:
        return html.escape(_SPACES.sub(" ", stray.sub("", chunk)))

    parts: list[str] = []
    position = 0
    for match in re.finditer(f"{re.escape(start)}(.*?){re.escape(stop)}", text, re.DOTALL):
        parts.append(clean(text[position : match.start()]))
        parts.append(f"<mark>{clean(match.group(1))}</mark>")
        position = match.end()
    parts.append(clean(text[position:]))
    return "".join(parts).strip()
