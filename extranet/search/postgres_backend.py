"""PostgreSQL full-text search backend: the ``extranet_searchentry`` table.

Text goes through the ``maillage_fr`` configuration (french + unaccent, created by migration
0004; without the unaccent extension it is a plain copy of ``french`` and accents are then
significant). Titles weigh A, bodies B in the ``search_vector`` column; ``ts_rank_cd`` ranks,
``ts_headline`` makes snippets.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from extranet.models.search import SearchEntry
from extranet.search.base import (
    IndexEntry,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
    batched,
    clip_body,
    last_by_key,
    marked_snippet,
    plain_snippet,
    unique_by_key,
)

# A stored generated column with a GIN index, created by migration 0004 (PostgreSQL only).
DOCUMENT_SQL = "e.search_vector"
TSQUERY_SQL = "websearch_to_tsquery('maillage_fr'::regconfig, %s)"

# ts_headline wraps matches in these; private-use characters cannot come from indexed text,
# which is stripped of them, so everything else can be escaped before they become <mark>.
_START, _STOP = "\ue000", "\ue001"
_HEADLINE_OPTIONS = (
    f"StartSel={_START}, StopSel={_STOP}, MaxFragments=2, MaxWords=18, MinWords=8, "
    f'FragmentDelimiter=" … "'
)
_BATCH = 500
_UPDATED_FIELDS = [
    "space_id",
    "kind",
    "title",
    "body",
    "url",
    "date",
    "author_id",
    "author_name",
    "facets",
]


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL (extracted PDFs sometimes do); markers are ours alone.
    return text.replace("\x00", "").replace(_START, "").replace(_STOP, "")


def _row(entry: IndexEntry) -> SearchEntry:
    return SearchEntry(
        key=entry.key,
        space_id=entry.space_id,
        kind=entry.kind,
        title=_clean(entry.title),
        body=_clean(clip_body(entry.body)),
        url=_clean(entry.url),
        date=entry.date,
        author_id=entry.author_id,
        author_name=_clean(entry.author_name),
        facets={_clean(name): _clean(value) for name, value in entry.facets.items()},
    )


class PostgresBackend(SearchBackend):
    def __init__(self) -> None:
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                f"The postgres search backend needs PostgreSQL, not {connection.vendor}."
            )

    def index(self, entries: Iterable[IndexEntry]) -> None:
        for batch in batched(last_by_key(entries), _BATCH):
            SearchEntry.objects.bulk_create(
                [_row(entry) for entry in batch],
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=_UPDATED_FIELDS,
            )

    def replace_all(self, entries: Iterable[IndexEntry]) -> int:
        # One transaction: searches see the old rows until the new ones are committed.
        count = 0
        with transaction.atomic():
            SearchEntry.objects.all().delete()
            for batch in batched(unique_by_key(entries), _BATCH):
                SearchEntry.objects.bulk_create([_row(entry) for entry in batch])
                count += len(batch)
        return count

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if keys:
            SearchEntry.objects.filter(key__in=keys).delete()

    def delete_space(self, space_id: int) -> None:
        SearchEntry.objects.filter(space_id=space_id).delete()

    def clear(self) -> None:
        SearchEntry.objects.all().delete()

    # --- Search ----------------------------------------------------------------------------
    # The SQL below is assembled from constants only; every user value is a bound parameter.

    def _where(self, q: SearchQuery) -> tuple[str, list[Any]]:
        clauses = ["e.space_id = ANY(%s)"]
        params: list[Any] = [sorted(set(q.space_ids))]
        if q.kinds:
            clauses.append("e.kind = ANY(%s)")
            params.append(sorted({_clean(kind) for kind in q.kinds}))
        if q.facets:
            clauses.append("e.facets @> %s::jsonb")
            params.append(json.dumps({_clean(k): _clean(v) for k, v in q.facets.items()}))
        if q.author_id is not None:
            clauses.append("e.author_id = %s")
            params.append(q.author_id)
        start, end = q.datetime_bounds()
        if start is not None:
            clauses.append("e.date >= %s")
            params.append(start)
        if end is not None:
            clauses.append("e.date < %s")
            params.append(end)
        if q.has_text:
            # querytree() is 'T' when no word is required ("-école" alone): match nothing then,
            # as the Whoosh backend does, rather than every entry but those.
            clauses.append(f"{DOCUMENT_SQL} @@ {TSQUERY_SQL} AND querytree({TSQUERY_SQL}) <> 'T'")
            params += [_clean(q.text), _clean(q.text)]
        return " AND ".join(clauses), params

    def search(self, q: SearchQuery) -> SearchResults:
        if not q.space_ids:
            return SearchResults.empty(q)
        table = SearchEntry._meta.db_table
        where, params = self._where(q)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table} e WHERE {where}", params)  # noqa: S608
            total: int = cursor.fetchone()[0]
            if q.offset >= total:
                return SearchResults(hits=[], total=total, page=q.page, per_page=q.per_page)
            rows = self._page(cursor, table, where, params, q)
        return SearchResults(
            hits=[self._hit(row) for row in rows],
            total=total,
            page=q.page,
            per_page=q.per_page,
        )

    def _page(
        self, cursor: Any, table: str, where: str, params: list[Any], q: SearchQuery
    ) -> Sequence[Sequence[Any]]:
        columns = "e.key, e.space_id, e.kind, e.title, e.url, e.date, e.author_name"
        if not q.has_text:
            cursor.execute(
                f"SELECT {columns}, 0.0, '', left(e.body, 1000) FROM {table} e "  # noqa: S608
                f"WHERE {where} ORDER BY e.date DESC, e.key LIMIT %s OFFSET %s",
                [*params, q.per_page, q.offset],
            )
            rows: Sequence[Sequence[Any]] = cursor.fetchall()
            return rows
        if q.order == "relevance":
            score, order = (
                f"ts_rank_cd({DOCUMENT_SQL}, {TSQUERY_SQL})",
                "score DESC, date DESC, key",
            )
            score_params = [_clean(q.text)]
        else:
            score, order, score_params = "0.0", "date DESC, key", []
        # Headlines re-parse whole bodies: compute them for the page's rows only.
        cursor.execute(
            "SELECT p.key, p.space_id, p.kind, p.title, p.url, p.date, p.author_name, p.score, "  # noqa: S608
            f"ts_headline('maillage_fr'::regconfig, p.body, {TSQUERY_SQL}, %s), "
            "left(p.body, 1000) "
            f"FROM (SELECT {columns}, e.body, {score} AS score "
            f"FROM {table} e WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s) p "
            f"ORDER BY {order}",
            [_clean(q.text), _HEADLINE_OPTIONS, *score_params, *params, q.per_page, q.offset],
        )
        rows = cursor.fetchall()
        return rows

    def _hit(self, row: Sequence[Any]) -> SearchHit:
        key, space_id, kind, title, url, date, author_name, score, headline, body_start = row
        date_value: dt.datetime = date
        return SearchHit(
            key=key,
            space_id=space_id,
            kind=kind,
            title=title,
            url=url,
            date=date_value,
            author_name=author_name,
            # Without a match in the body (title-only), ts_headline returns a few words of it;
            # use the same escaped start of the body as the other backends instead.
            snippet_html=(
                marked_snippet(headline, _START, _STOP)
                if _START in headline
                else plain_snippet(body_start)
            ),
            score=float(score),
        )
