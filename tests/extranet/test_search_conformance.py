"""One behaviour for every search backend: each test runs on Whoosh and on PostgreSQL FTS.

The PostgreSQL runs need a PostgreSQL test database (CI: ``DATABASE_URL=postgres://…``).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from extranet.search import (
    IndexEntry,
    SearchBackend,
    SearchQuery,
    SearchResults,
    get_backend,
    register_indexer,
    registry,
    reset_backend,
)

PARIS = ZoneInfo("Europe/Paris")
SPACE, OTHER_SPACE, THIRD_SPACE = 1, 2, 3
BASE_DATE = dt.datetime(2025, 3, 10, 9, 0, tzinfo=PARIS)


@pytest.fixture(params=["whoosh", "postgres"])
def backend(request, db, settings, tmp_path) -> Iterator[SearchBackend]:
    if request.param == "postgres" and connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL full-text search needs a PostgreSQL database "
            "(DATABASE_URL=postgres://…, as in CI)"
        )
    settings.SEARCH_BACKEND = request.param
    settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
    reset_backend()
    yield get_backend()
    reset_backend()


def entry(key: str, title: str, body: str = "", **extra) -> IndexEntry:
    extra.setdefault("space_id", SPACE)
    extra.setdefault("kind", "document")
    extra.setdefault("url", f"/s/elus/{key}/")
    extra.setdefault("date", BASE_DATE)
    return IndexEntry(key=key, title=title, body=body, **extra)


def search(backend: SearchBackend, text: str, **extra) -> SearchResults:
    extra.setdefault("space_ids", [SPACE])
    return backend.search(SearchQuery(text=text, **extra))


def keys(results: SearchResults) -> list[str]:
    return [hit.key for hit in results.hits]


def days_ago(days: int) -> dt.datetime:
    return BASE_DATE - dt.timedelta(days=days)


# --- French analysis --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indexed", "typed"),
    [
        ("Réunions du bureau", "reunion"),
        ("Réunion du bureau", "RÉUNIONS"),
        ("Rentrée à l'école primaire", "ecole"),
        ("Rentree a l'ecole primaire", "école"),
        ("Conseils municipaux de mars", "conseil municipal"),
        ("Le conseil municipal vote", "Conseils Municipaux"),
        ("Élus et agents", "elus"),
    ],
)
def test_accents_case_and_stemming_are_folded(backend, indexed, typed):
    backend.index([entry("doc:1", indexed), entry("doc:2", "Budget annexe de l'eau")])
    assert keys(search(backend, typed)) == ["doc:1"]


def test_body_matches_too_and_every_word_is_required(backend):
    backend.index(
        [
            entry("doc:1", "Compte rendu", "Le conseil municipal s'est réuni à l'école."),
            entry("doc:2", "Compte rendu", "Le conseil municipal s'est réuni en mairie."),
            entry("doc:3", "Rentrée", "L'école ouvre lundi."),
        ]
    )
    assert keys(search(backend, "conseil école")) == ["doc:1"]
    assert sorted(keys(search(backend, "réuni"))) == ["doc:1", "doc:2"]


def test_quoted_words_form_a_phrase_and_minus_excludes(backend):
    backend.index(
        [
            entry("doc:1", "Conseil municipal de Pontivy", date=days_ago(1)),
            entry("doc:2", "Conseil de l'école, budget municipal", date=days_ago(2)),
            entry("doc:3", "Mairie de Pontivy", date=days_ago(3)),
        ]
    )
    assert keys(search(backend, '"conseil municipal"')) == ["doc:1"]
    assert sorted(keys(search(backend, "conseil municipal"))) == ["doc:1", "doc:2"]
    assert keys(search(backend, "conseil -école")) == ["doc:1"]
    assert keys(search(backend, "école or mairie", order="date")) == ["doc:2", "doc:3"]


def test_title_matches_rank_above_body_matches(backend):
    backend.index(
        [
            entry("doc:body", "Compte rendu", "Il a été question de la voirie communale."),
            entry("doc:title", "Voirie communale", "Compte rendu des travaux."),
        ]
    )
    results = search(backend, "voirie")
    assert keys(results) == ["doc:title", "doc:body"]
    assert results.hits[0].score > results.hits[1].score


@pytest.mark.parametrize("text", ["le la de et", "Du", "?!", "-conseil"])
def test_text_without_searchable_words_matches_nothing(backend, text):
    backend.index([entry("doc:1", "Le conseil et la mairie"), entry("doc:2", "Les élus")])
    results = search(backend, text)
    assert (results.hits, results.total) == ([], 0)


@pytest.mark.parametrize(
    "text", ["AND", '"non fermé', "space_id:2", "kind:post", "*", ")(", "title:secret*", "NOT"]
)
def test_query_syntax_never_fails_nor_leaks(backend, text):
    backend.index(
        [
            entry("doc:1", "Réunion ouverte"),
            entry("doc:2", "Secret réunion", space_id=OTHER_SPACE, kind="post"),
        ]
    )
    assert "doc:2" not in keys(search(backend, text))


def test_nul_characters_neither_break_indexing_nor_queries(backend):
    # Text extracted from PDFs may hold NUL bytes; so may a crafted query string.
    backend.index([entry("doc:1", "Budget\x00 primitif", "Annexe\x00 financière")])
    assert keys(search(backend, "budget")) == ["doc:1"]
    assert keys(search(backend, "annexe")) == ["doc:1"]
    assert search(backend, "bud\x00get", kinds=["doc\x00"], facets={"a\x00": "b\x00"}).total == 0


def test_hit_carries_the_entry_fields(backend):
    backend.index(
        [
            entry(
                "event:7",
                "Marché de Noël",
                "Place de l'église",
                kind="event",
                url="/s/elus/agenda/7/",
                author_id=42,
                author_name="Claire Admin",
                date=dt.datetime(2025, 12, 1, 18, 30, tzinfo=PARIS),
            )
        ]
    )
    (hit,) = search(backend, "marché").hits
    assert (hit.key, hit.space_id, hit.kind, hit.title, hit.url, hit.author_name) == (
        "event:7",
        SPACE,
        "event",
        "Marché de Noël",
        "/s/elus/agenda/7/",
        "Claire Admin",
    )
    assert hit.date == dt.datetime(2025, 12, 1, 18, 30, tzinfo=PARIS)


# --- Membership and filters, inside the query --------------------------------------------------


def test_entries_of_other_spaces_are_never_returned_nor_counted(backend):
    backend.index(
        [
            # Would rank first: the word everywhere, in the title and the body.
            entry(
                "doc:secret",
                "Budget budget budget",
                "budget " * 50,
                space_id=OTHER_SPACE,
                date=BASE_DATE,
            ),
            entry("doc:1", "Budget primitif", date=days_ago(1)),
            entry("doc:2", "Vote du budget", date=days_ago(2)),
            entry("doc:3", "Budget annexe", space_id=THIRD_SPACE, date=days_ago(3)),
        ]
    )
    for order in ("relevance", "date"):
        first_page = search(backend, "budget", per_page=1, order=order)
        assert first_page.total == 2
        assert first_page.num_pages == 2
        second_page = search(backend, "budget", per_page=1, page=2, order=order)
        assert sorted(keys(first_page) + keys(second_page)) == ["doc:1", "doc:2"]
        assert search(backend, "", order=order).total == 2
    both = search(backend, "budget", space_ids=[SPACE, THIRD_SPACE])
    assert sorted(keys(both)) == ["doc:1", "doc:2", "doc:3"]


def test_no_space_means_no_results(backend):
    backend.index([entry("doc:1", "Budget")])
    assert search(backend, "budget", space_ids=[]).total == 0
    assert search(backend, "", space_ids=[]).total == 0


def test_kind_facet_and_author_filters(backend):
    backend.index(
        [
            entry("doc:1", "Réunion", kind="document", facets={"doc_kind": "minutes"}),
            entry("doc:2", "Réunion", kind="document", facets={"doc_kind": "study", "folder": "3"}),
            entry("post:1", "Réunion", kind="post", author_id=7, facets={"topic": "9"}),
            entry("event:1", "Réunion", kind="event", author_id=8),
        ]
    )
    assert sorted(keys(search(backend, "réunion", kinds=["post", "event"]))) == [
        "event:1",
        "post:1",
    ]
    assert keys(search(backend, "réunion", facets={"doc_kind": "minutes"})) == ["doc:1"]
    assert keys(search(backend, "réunion", facets={"doc_kind": "study", "folder": "3"})) == [
        "doc:2"
    ]
    assert keys(search(backend, "réunion", facets={"doc_kind": "study", "folder": "4"})) == []
    assert keys(search(backend, "réunion", facets={"doc_kind": "Minutes"})) == []
    assert keys(search(backend, "réunion", author_id=7)) == ["post:1"]
    assert keys(search(backend, "", kinds=["event"], author_id=8)) == ["event:1"]


def test_date_filter_takes_whole_days_in_local_time(backend):
    backend.index(
        [
            entry("doc:late", "Réunion", date=dt.datetime(2025, 3, 10, 23, 30, tzinfo=PARIS)),
            # 23:30 UTC on the 10th, but already the 11th in Paris.
            entry("doc:next", "Réunion", date=dt.datetime(2025, 3, 11, 0, 30, tzinfo=PARIS)),
            entry("doc:early", "Réunion", date=dt.datetime(2025, 3, 9, 0, 0, tzinfo=PARIS)),
        ]
    )
    day = dt.date(2025, 3, 10)
    assert keys(search(backend, "réunion", date_from=day, date_to=day)) == ["doc:late"]
    assert keys(search(backend, "réunion", date_to=day, order="date")) == [
        "doc:late",
        "doc:early",
    ]
    assert keys(search(backend, "réunion", date_from=dt.date(2025, 3, 11))) == ["doc:next"]


# --- Order and pages ---------------------------------------------------------------------------


def test_order_by_date_is_newest_first(backend):
    backend.index(
        [
            entry("doc:old", "Voirie voirie", "voirie", date=days_ago(30)),
            entry("doc:new", "Compte rendu", "voirie", date=days_ago(1)),
            entry("doc:mid", "Voirie", date=days_ago(10)),
        ]
    )
    assert keys(search(backend, "voirie", order="date")) == ["doc:new", "doc:mid", "doc:old"]


def test_pages_and_totals(backend):
    backend.index(
        entry(f"doc:{n}", f"Délibération numéro {n}", date=days_ago(n)) for n in range(25)
    )
    seen: list[str] = []
    for page, size in [(1, 10), (2, 10), (3, 5)]:
        results = search(backend, "délibération", order="date", page=page, per_page=10)
        assert (results.total, results.num_pages, results.page, len(results.hits)) == (
            25,
            3,
            page,
            size,
        )
        seen += keys(results)
    assert seen == [f"doc:{n}" for n in range(25)]
    beyond = search(backend, "délibération", page=4, per_page=10)
    assert (beyond.hits, beyond.total) == ([], 25)
    relevance = [keys(search(backend, "délibération", page=p, per_page=10)) for p in (1, 2, 3)]
    assert sorted(sum(relevance, [])) == sorted(seen)


def test_blank_text_lists_visible_entries_newest_first(backend):
    backend.index(
        [
            entry("doc:1", "Budget", date=days_ago(3)),
            entry("post:1", "Réunion", kind="post", date=days_ago(1)),
            entry("doc:2", "Voirie", date=days_ago(2)),
            entry("doc:other", "Voirie", space_id=OTHER_SPACE, date=days_ago(0)),
        ]
    )
    assert keys(search(backend, "")) == ["post:1", "doc:2", "doc:1"]
    assert keys(search(backend, "   ", kinds=["document"])) == ["doc:2", "doc:1"]


# --- Writes ------------------------------------------------------------------------------------


def test_index_replaces_an_entry_with_the_same_key(backend):
    backend.index([entry("doc:1", "Ancien titre")])
    backend.index([entry("doc:1", "Nouveau titre", facets={"folder": "2"})])
    assert search(backend, "ancien").total == 0
    assert keys(search(backend, "nouveau", facets={"folder": "2"})) == ["doc:1"]
    assert search(backend, "titre").total == 1
    # Within one batch, the last entry of a key wins.
    backend.index([entry("doc:2", "Premier"), entry("doc:2", "Second")])
    assert (search(backend, "premier").total, search(backend, "second").total) == (0, 1)


def test_delete_and_delete_space(backend):
    backend.index(
        [
            entry("doc:1", "Budget"),
            entry("doc:2", "Budget"),
            entry("doc:3", "Budget", space_id=OTHER_SPACE),
        ]
    )
    backend.delete(["doc:1", "doc:unknown"])
    both_spaces = [SPACE, OTHER_SPACE]
    assert sorted(keys(search(backend, "budget", space_ids=both_spaces))) == ["doc:2", "doc:3"]
    backend.delete_space(SPACE)
    assert keys(search(backend, "budget", space_ids=both_spaces)) == ["doc:3"]
    backend.clear()
    assert search(backend, "", space_ids=both_spaces).total == 0


# --- Snippets ----------------------------------------------------------------------------------


def test_snippet_escapes_text_and_marks_matches(backend):
    body = (
        "Ordre du jour : <script>alert('x')</script> vote du budget & questions "
        '<img src=x onerror="alert(1)">. La réunion du conseil se tiendra en mairie. '
        + "Texte de remplissage sans intérêt. "
        * 40
    )
    backend.index([entry("doc:1", "Compte rendu", body)])
    snippet = search(backend, "réunions budget").hits[0].snippet_html
    assert "<mark>réunion</mark>" in snippet
    assert "<mark>budget</mark>" in snippet
    unmarked = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in unmarked
    assert ">" not in unmarked
    assert "&amp;" in snippet
    assert len(unmarked) < 400


def test_snippet_without_body_match_is_the_escaped_start_of_the_body(backend):
    backend.index([entry("doc:1", "Budget", "Tom & Jerry <b>votent</b>. " * 30)])
    snippet = search(backend, "budget").hits[0].snippet_html
    assert snippet.startswith("Tom &amp; Jerry")
    assert "<b>" not in snippet
    assert "<mark>" not in snippet
    assert 50 < len(snippet) < 400


# --- Rebuild -----------------------------------------------------------------------------------


def test_rebuild_command_replaces_the_index_from_registered_indexers(
    backend, request, monkeypatch, capsys
):
    # Only this test's indexers: the apps' own ones need their tables and data.
    monkeypatch.setattr(registry, "_indexers", {})
    backend.index([entry("doc:stale", "Budget périmé")])
    register_indexer("test-documents", lambda: [entry(f"doc:{n}", f"Budget {n}") for n in range(3)])
    register_indexer("test-posts", lambda: iter([entry("post:1", "Budget", kind="post")]))

    call_command("rebuild_search_index", "--backend", request.node.callspec.params["backend"])

    output = capsys.readouterr().out
    assert "test-documents: 3" in output
    assert "test-posts: 1" in output
    results = search(backend, "budget")
    assert sorted(keys(results)) == ["doc:0", "doc:1", "doc:2", "post:1"]


# --- Backend specifics -------------------------------------------------------------------------


def test_whoosh_writers_from_several_threads_and_processes_all_land(backend, settings):
    if not type(backend).__name__.startswith("Whoosh"):
        pytest.skip("Whoosh only: PostgreSQL handles concurrent writers itself")
    from extranet.search.whoosh_backend import WhooshBackend

    # A second instance on the same directory stands for another process (its own lock).
    writers = [backend, WhooshBackend(settings.SEARCH_INDEX_DIR)]
    backend.index([entry("doc:seed", "Graine")])

    def write(number: int) -> None:
        writers[number % 2].index([entry(f"doc:{number}", f"Concurrence {number}")])

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert search(backend, "concurrence").total == 8


def test_postgres_query_uses_the_full_text_index(backend):
    if connection.vendor != "postgresql" or type(backend).__name__.startswith("Whoosh"):
        pytest.skip("PostgreSQL only")
    from extranet.search.postgres_backend import DOCUMENT_SQL, TSQUERY_SQL

    backend.index([entry(f"doc:{n}", f"Budget {n}") for n in range(5)])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT e.key FROM extranet_searchentry e "  # noqa: S608
            f"WHERE {DOCUMENT_SQL} @@ {TSQUERY_SQL}",
            ["budget"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"extranet_search_fts", plan), plan
