"""Whoosh search backend: the embedded default, an index directory next to the database.

Whoosh allows one writer per index across processes (a lock file); writers here wait for it
(``WRITE_TIMEOUT``) instead of failing at once, and a per-instance lock keeps the threads of one
process from competing for it. Each search opens its own searcher, so searches never share
state between threads and always see the last commit.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import fields, highlight, index, query, writing
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.qparser import MultifieldParser, OperatorsPlugin, PhrasePlugin, PlusMinusPlugin
from whoosh.searching import Hit
from whoosh.support.charset import accent_map

from extranet.search.base import (
    SNIPPET_CHARS,
    IndexEntry,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
    clip_body,
    last_by_key,
    plain_snippet,
    unique_by_key,
)

WRITE_TIMEOUT = 30.0
# Opening the index races with other processes' commits (see WhooshBackend._open).
OPEN_ATTEMPTS = 5
_SPACES = re.compile(r"\s+")
# Facets are indexed as "name=value" tokens, one per line, matched whole.
_FACET_SEPARATOR = "\n"


def french_analyzer() -> Analyzer:
    """Lowercase, fold accents, drop French stop words, stem: the same at index and query time.

    Accents are folded before stop words and stemming, like PostgreSQL's ``maillage_fr``
    (unaccent, then french_stem), so both backends agree on what matches. ``stoplist=None``:
    by default Whoosh adds its English list to the French one, and would drop "or", "an", "as".
    ``minsize=1`` keeps one-character tokens ("article 3"), as PostgreSQL does.
    """
    analyzer: Analyzer = (
        RegexTokenizer()
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=None, minsize=1, lang="fr")
        | StemFilter(lang="fr")
    )
    return analyzer


def build_schema() -> fields.Schema:
    analyzer = french_analyzer()
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),
        space_id=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        title=fields.TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        body=fields.TEXT(analyzer=analyzer, stored=True),
        url=fields.STORED(),
        date=fields.DATETIME(stored=True, sortable=True),
        author_id=fields.ID(),
        author_name=fields.STORED(),
        facets=fields.IDLIST(expression=r"[^\n]+"),
    )


class _MarkFormatter(highlight.Formatter):  # type: ignore[misc]
    """Escapes every character of the body and wraps matched words in <mark>."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(_SPACES.sub(" ", text))

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        # Whoosh cuts fragments at any character; move the cuts to the nearest spaces.
        text: str = fragment.text
        matches = [token for token in fragment.matches if token.startchar is not None]
        start, end = fragment.startchar, fragment.endchar
        if start > 0 and not text[start - 1].isspace() and matches:
            space = text.find(" ", start, matches[0].startchar)
            start = space + 1 if space != -1 else start
        if end < len(text) and not text[end].isspace() and matches:
            space = text.rfind(" ", matches[-1].endchar, end)
            end = space if space != -1 else end
        output: list[str] = []
        position = start
        for token in matches:
            if token.startchar < position:
                continue
            output.append(self._text(text[position : token.startchar]))
            output.append(self.format_token(text, token, replace))
            position = token.endchar
        output.append(self._text(text[position:end]))
        return "".join(output).strip()


def _facet_token(name: str, value: str) -> str:
    return f"{name}={value}".replace(_FACET_SEPARATOR, " ")


def _utc_naive(value: dt.datetime) -> dt.datetime:
    # Whoosh's DATETIME field ignores time zones: store and compare naive UTC.
    return value.astimezone(dt.UTC).replace(tzinfo=None)


class WhooshBackend(SearchBackend):
    def __init__(self, index_dir: Path | str) -> None:
        self.index_dir = Path(index_dir)
        self.schema = build_schema()
        self._open_lock = threading.Lock()
        # Held for a whole write: searches never take it, so they go on during a rebuild.
        self._write_lock = threading.Lock()
        self._index: index.Index | None = None

    # --- Index lifecycle --------------------------------------------------------------------

    def _ix(self) -> index.Index:
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    self._index = self._open()
        return self._index

    def _open(self) -> index.Index:
        self.index_dir.mkdir(parents=True, exist_ok=True)
        for attempt in range(OPEN_ATTEMPTS):
            try:
                if index.exists_in(str(self.index_dir)):
                    # The code's schema, not the one pickled in the index: queries and writes
                    # analyse text alike, and an analyzer change takes effect at once
                    # (rebuild_search_index then reanalyses older entries).
                    return index.open_dir(str(self.index_dir), schema=self.schema)
                return index.create_in(str(self.index_dir), self.schema)
            except FileNotFoundError:
                # Whoosh opens without a lock: a writer in another process committed a new
                # generation and removed the table of contents just listed. Read again.
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _searcher(self) -> Any:
        """A searcher on the latest generation (opening it races with other processes'
        commits like opening the index does)."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return self._ix().searcher()
            except FileNotFoundError:
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @contextmanager
    def _writer(self, *, clear: bool = False) -> Iterator[writing.IndexWriter]:
        with self._write_lock:
            writer = self._ix().writer(timeout=WRITE_TIMEOUT)
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=writing.CLEAR if clear else None)

    def _document(self, entry: IndexEntry) -> dict[str, Any]:
        return {
            "key": entry.key,
            "space_id": str(entry.space_id),
            "kind": entry.kind,
            "title": entry.title,
            "body": clip_body(entry.body),
            "url": entry.url,
            "date": _utc_naive(entry.date),
            "author_id": "" if entry.author_id is None else str(entry.author_id),
            "author_name": entry.author_name,
            "facets": _FACET_SEPARATOR.join(
                _facet_token(name, value) for name, value in entry.facets.items()
            ),
        }

    def index(self, entries: Iterable[IndexEntry]) -> None:
        batch = last_by_key(entries)
        if not batch:
            return
        with self._writer() as writer:
            for entry in batch:
                writer.update_document(**self._document(entry))

    def replace_all(self, entries: Iterable[IndexEntry]) -> int:
        # One writer committed with CLEAR: searches see the old index until the new one is done.
        count = 0
        with self._writer(clear=True) as writer:
            for entry in unique_by_key(entries):
                writer.add_document(**self._document(entry))
                count += 1
        return count

    def delete(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        if not keys:
            return
        with self._writer() as writer:
            for key in keys:
                writer.delete_by_term("key", key)

    def delete_space(self, space_id: int) -> None:
        with self._writer() as writer:
            writer.delete_by_term("space_id", str(space_id))

    def clear(self) -> None:
        with self._writer(clear=True):
            pass

    # --- Search ----------------------------------------------------------------------------

    def _filter(self, q: SearchQuery) -> query.Query:
        clauses: list[query.Query] = [
            query.Or([query.Term("space_id", str(space_id)) for space_id in set(q.space_ids)])
        ]
        if q.kinds:
            clauses.append(query.Or([query.Term("kind", kind) for kind in set(q.kinds)]))
        clauses.extend(
            query.Term("facets", _facet_token(name, value)) for name, value in q.facets.items()
        )
        if q.author_id is not None:
            clauses.append(query.Term("author_id", str(q.author_id)))
        start, end = q.datetime_bounds()
        if start is not None or end is not None:
            clauses.append(
                query.DateRange(
                    "date",
                    _utc_naive(start) if start else None,
                    _utc_naive(end) if end else None,
                    endexcl=True,
                )
            )
        return query.And(clauses)

    def _parse(self, text: str) -> query.Query:
        # A deliberately small syntax, the one PostgreSQL's websearch_to_tsquery understands:
        # words (all required), "phrases", `or`, `-excluded`. No field, wildcard or range syntax.
        parser = MultifieldParser(
            ["title", "body"],
            self.schema,
            plugins=[
                PhrasePlugin(),
                PlusMinusPlugin(),
                OperatorsPlugin(
                    And=None,
                    Or=r"(?<=\s)(?i:or)(?=\s)",
                    AndNot=None,
                    AndMaybe=None,
                    Not=None,
                    Require=None,
                ),
            ],
        )
        parsed: query.Query = parser.parse(text)
        return parsed

    def search(self, q: SearchQuery) -> SearchResults:
        if not q.space_ids:
            return SearchResults.empty(q)
        if q.has_text:
            text_query = self._parse(q.text)
            if text_query is query.NullQuery or not list(text_query.leaves()):
                return SearchResults.empty(q)
        else:
            text_query = query.Every()
        by_date = q.order == "date" or not q.has_text
        filter_query = self._filter(q)
        with self._searcher() as searcher:
            # Counted apart: a top-N search prunes matchers that cannot reach the top, so its
            # own count is exact only by chance (or through a second, unfiltered pass).
            total = sum(1 for _ in searcher.docs_for_query(query.And([text_query, filter_query])))
            if q.offset >= total:
                return SearchResults(hits=[], total=total, page=q.page, per_page=q.per_page)
            results = searcher.search(
                text_query,
                limit=q.offset + q.per_page,
                filter=filter_query,
                sortedby="date" if by_date else None,
                reverse=by_date,
            )
            if q.has_text:
                results.fragmenter = highlight.ContextFragmenter(
                    maxchars=SNIPPET_CHARS // 2, surround=40, charlimit=100_000
                )
                results.formatter = _MarkFormatter()
            hits = [
                self._hit(hit, with_highlights=q.has_text, scored=not by_date)
                for hit in results[q.offset : q.offset + q.per_page]
            ]
            return SearchResults(hits=hits, total=total, page=q.page, per_page=q.per_page)

    def _hit(self, hit: Hit, *, with_highlights: bool, scored: bool) -> SearchHit:
        stored = hit.fields()
        body: str = stored.get("body", "")
        snippet = hit.highlights("body", top=2) if with_highlights else ""
        return SearchHit(
            key=stored["key"],
            space_id=int(stored["space_id"]),
            kind=stored["kind"],
            title=stored["title"],
            url=stored["url"],
            date=stored["date"].replace(tzinfo=dt.UTC),
            author_name=stored.get("author_name", ""),
            snippet_html=snippet or plain_snippet(body),
            # Sorted by date, Whoosh puts the sort key in ``score``.
            score=float(hit.score or 0.0) if scored else 0.0,
        )
