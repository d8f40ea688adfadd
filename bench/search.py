"""Search benchmark: Whoosh and PostgreSQL over N synthetic French entries (default 100,000).

The corpus is generated once (``bench/corpus.py``, fixed seed) into a JSON-lines file; each backend
then runs in a process of its own, so its peak memory is its own: it indexes the corpus through
``extranet.search`` (``backend.index`` in batches), then times the same queries, 1, 2 and 4 words,
common and rare, always with the membership filter (``SearchQuery.space_ids`` = the 5 spaces of
one user among 50). PostgreSQL runs only when reachable, in a throw-away database dropped after.

Run from the repository root: ``.venv/bin/python bench/search.py [--docs N] [--queries N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    dir_size,
    load_average,
    peak_rss_mb,
    percentile,
    reset_peak_rss,
    rss_mb,
    setup_django,
)
from bench.corpus import FrenchText, words

SEED = 20_241_203
SPACES = 50
USER_SPACES = (3, 10, 20, 33, 47)  # space ids; 1 is the largest, 50 the smallest
WORD_COUNTS = (1, 2, 4)
BATCH = 1_000
COMMON_POOL = 40
WARMUP = 30
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432"
KINDS = (("document", 0.40), ("comment", 0.25), ("event", 0.15), ("message", 0.20))
# Short function words kept out of queries, beside the stop list of both engines.
_QUERY_STOP = {"avant", "après", "toute", "toutes", "tous", "leurs", "entre", "selon", "sans"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("search (bench/search.py)")
    group.add_argument("--docs", type=int, default=100_000, help="entries indexed (100000)")
    group.add_argument(
        "--queries", type=int, default=200, help="timed queries per word count (200)"
    )
    group.add_argument(
        "--backends",
        default="whoosh,postgres",
        help="comma-separated: whoosh, postgres (default both)",
    )
    group.add_argument(
        "--pg-url",
        default=DEFAULT_PG_URL,
        help=f"PostgreSQL server for the throw-away database ({DEFAULT_PG_URL})",
    )


# --- Corpus -----------------------------------------------------------------------------------


def _space_weights() -> list[float]:
    # A few large spaces, many small ones (Zipf-like, exponent 0.8).
    return [1 / (rank**0.8) for rank in range(1, SPACES + 1)]


def _entry(index: int, space_id: int, text: FrenchText) -> dict[str, object]:
    rng = text.rng
    kind = rng.choices([k for k, _w in KINDS], weights=[w for _k, w in KINDS])[0]
    facets: dict[str, str] = {}
    match kind:
        case "document":
            title = text.title()
            body = "\n\n".join(text.paragraph() for _ in range(rng.randint(2, 8)))
            facets = {"doc_kind": rng.choice(("minutes", "study", "form", "other"))}
        case "comment":
            title = f"Commentaire sur « {text.title()} »"
            body = " ".join(text.sentence() for _ in range(rng.randint(1, 3)))
        case "event":
            title = f"Réunion : {text.fill('{object}')}"
            body = " ".join(text.sentence() for _ in range(rng.randint(1, 4)))
        case _:
            title = f"Message de {text.person()}"
            body = " ".join(text.sentence() for _ in range(rng.randint(2, 10)))
    day = text.date()
    author = rng.randint(1, 500)
    return {
        "key": f"bench.{kind}:{index}",
        "space_id": space_id,
        "kind": kind,
        "title": title,
        "body": body,
        "url": f"/s/espace-{space_id:03d}/{kind}/{index}/",
        "date": f"{day.isoformat()}T{rng.randint(7, 21):02d}:{rng.randrange(60):02d}:00+00:00",
        "author_id": author,
        "author_name": f"{text.person().split(' ', 1)[1]}",
        "facets": facets,
    }


def _stop_words() -> frozenset[str]:
    from whoosh.lang import stopwords_for_language

    return frozenset(stopwords_for_language("fr")) | _QUERY_STOP


def _content_words(text: str, stop: frozenset[str]) -> set[str]:
    return {word for word in words(text) if len(word) >= 4 and word not in stop}


def generate(path: Path, docs: int, queries_per_class: int) -> dict[str, object]:
    """Write the corpus to ``path`` and return its statistics and the queries."""
    rng = random.Random(SEED)
    text = FrenchText(rng)
    space_rng = random.Random(SEED + 1)
    spaces = space_rng.choices(range(1, SPACES + 1), weights=_space_weights(), k=docs)
    visible = [i for i, space in enumerate(spaces) if space in USER_SPACES]
    pick_rng = random.Random(SEED + 2)
    rare_per_class = queries_per_class // 2
    # Rare queries are drawn from documents the user can see: each has at least one hit.
    wanted = {k: pick_rng.sample(visible, min(rare_per_class, len(visible))) for k in WORD_COUNTS}
    wanted.update({-k: pick_rng.sample(visible, min(WARMUP, len(visible))) for k in WORD_COUNTS})
    kept: dict[int, set[str]] = {}
    needed = {i for picks in wanted.values() for i in picks}
    df: Counter[str] = Counter()
    stop = _stop_words()
    total_words = total_chars = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(docs):
            entry = _entry(index, spaces[index], text)
            content = f"{entry['title']}\n{entry['body']}"
            total_words += len(words(content))
            total_chars += len(content)
            found = _content_words(content, stop)
            df.update(found)
            if index in needed:
                kept[index] = found
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    common = [word for word, _count in df.most_common(COMMON_POOL)]

    def rare_query(index: int, k: int) -> str:
        candidates = sorted(kept[index], key=lambda w: (df[w], w))
        chosen = [candidates[0]]
        others = candidates[1:]
        chosen += pick_rng.sample(others, min(k - 1, len(others)))
        return " ".join(chosen)

    classes: dict[str, list[str]] = {}
    warmup: list[str] = []
    for k in WORD_COUNTS:
        classes[f"{k}w common"] = [
            " ".join(pick_rng.sample(common, k)) for _ in range(queries_per_class - rare_per_class)
        ]
        classes[f"{k}w rare"] = [rare_query(i, k) for i in wanted[k]]
        warmup += [" ".join(pick_rng.sample(common, k)) for _ in range(WARMUP // 2)]
        warmup += [rare_query(i, k) for i in wanted[-k][: WARMUP // 2]]
    return {
        "docs": docs,
        "visible": len(visible),
        "words": total_words,
        "chars": total_chars,
        "vocabulary": len(df),
        "common_pool": common,
        "common_df": [df[w] for w in common],
        "classes": classes,
        "warmup": warmup,
    }


# --- One backend, in a process of its own -----------------------------------------------------


def _read_entries(path: Path):  # type: ignore[no-untyped-def]
    import datetime as dt

    from extranet.search import IndexEntry

    with path.open(encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            data["date"] = dt.datetime.fromisoformat(data["date"])
            yield IndexEntry(**data)


def _time_queries(backend, plan: dict[str, object]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    from extranet.search import SearchQuery

    def ask(text: str) -> tuple[float, int]:
        query = SearchQuery(text=text, space_ids=list(USER_SPACES))
        start = time.perf_counter()
        results = backend.search(query)
        return (time.perf_counter() - start) * 1000, results.total

    for text in plan["warmup"]:  # type: ignore[attr-defined]
        ask(text)
    classes: dict[str, list[str]] = plan["classes"]  # type: ignore[assignment]
    timings: dict[str, list[float]] = {name: [] for name in classes}
    hits: dict[str, list[int]] = {name: [] for name in classes}
    # Interleaved rounds: every class sees the same machine noise.
    for position in range(max(len(texts) for texts in classes.values())):
        for name, texts in classes.items():
            if position < len(texts):
                ms, total = ask(texts[position])
                timings[name].append(ms)
                hits[name].append(total)
    return {"timings": timings, "hits": hits}


def child(backend_name: str, workdir: Path, pg_database_url: str) -> None:
    """Index the corpus and time the queries with one backend; results to a JSON file."""
    env = {"SEARCH_BACKEND": backend_name, "SEARCH_INDEX_DIR": str(workdir / "whoosh-index")}
    if backend_name == "postgres":
        env["DATABASE_URL"] = pg_database_url
    var_dir = workdir / f"var-{backend_name}"
    var_dir.mkdir(exist_ok=True)
    setup_django(str(var_dir), env=env, migrate=backend_name == "postgres")

    from django.db import connection

    from extranet.search import create_backend

    plan = json.loads((workdir / "plan.json").read_text(encoding="utf-8"))
    result: dict[str, object] = {"backend": backend_name, "rss_setup_mb": peak_rss_mb()}
    backend = create_backend(backend_name)
    if backend_name == "postgres":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_setting('shared_buffers')")
            pid, shared_buffers = cursor.fetchone()
            cursor.execute("SELECT 1 FROM pg_ts_dict WHERE dictname = 'unaccent'")
            result["unaccent"] = cursor.fetchone() is not None
        result["shared_buffers"] = shared_buffers

    index_seconds = 0.0
    batch = []
    started = time.perf_counter()
    for entry in _read_entries(workdir / "corpus.jsonl"):
        batch.append(entry)
        if len(batch) == BATCH:
            t0 = time.perf_counter()
            backend.index(batch)
            index_seconds += time.perf_counter() - t0
            batch = []
    if batch:
        t0 = time.perf_counter()
        backend.index(batch)
        index_seconds += time.perf_counter() - t0
    result["index_wall_s"] = time.perf_counter() - started
    result["index_s"] = index_seconds
    result["rss_index_mb"] = peak_rss_mb()

    if backend_name == "whoosh":
        result["size_bytes"] = dir_size(workdir / "whoosh-index")
        result["segments"] = len(backend._ix().reader().leaf_readers())  # type: ignore[attr-defined]
    else:
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE extranet_searchentry")
            result["vacuum_s"] = time.perf_counter() - t0
            cursor.execute(
                "SELECT pg_total_relation_size('extranet_searchentry'), "
                "pg_relation_size('extranet_searchentry'), "
                "pg_indexes_size('extranet_searchentry'), "
                "pg_relation_size('extranet_search_fts'), "
                "pg_total_relation_size('extranet_searchentry') "
                "- pg_relation_size('extranet_searchentry') "
                "- pg_indexes_size('extranet_searchentry')"
            )
            total, heap, indexes, fts, toast = cursor.fetchone()
        result.update(
            size_bytes=total, heap_bytes=heap, indexes_bytes=indexes, fts_bytes=fts,
            toast_bytes=toast,
        )  # fmt: skip
        result["server_pid"] = pid
        result["server_rss_index_mb"] = peak_rss_mb(pid)

    result["reset_peak"] = reset_peak_rss()
    result["rss_before_queries_mb"] = rss_mb()
    result.update(_time_queries(backend, plan))
    result["rss_queries_mb"] = peak_rss_mb()
    if backend_name == "postgres":
        result["server_rss_end_mb"] = peak_rss_mb(result["server_pid"])  # type: ignore[arg-type]
        connection.close()
    (workdir / f"result-{backend_name}.json").write_text(json.dumps(result), encoding="utf-8")


# --- PostgreSQL database lifecycle ------------------------------------------------------------


def _pg_admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(f"{url.rstrip('/')}/postgres", autocommit=True, connect_timeout=3)


def pg_reachable(url: str) -> str:
    """An empty string when the server answers, else why not."""
    try:
        with _pg_admin(url) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc) else ''}"
    return ""


# --- Report -----------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A count with thin French thousands separators: 100 000."""
    return f"{value:,.0f}".replace(",", " ")


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:,.1f} MB".replace(",", " ")


def _opt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB".replace(",", " ")


def report(plan: dict[str, object], results: list[dict[str, object]]) -> None:
    docs: int = plan["docs"]  # type: ignore[assignment]
    for result in results:
        name = result["backend"]
        index_s: float = result["index_s"]  # type: ignore[assignment]
        print(f"\n[{name}]")
        line = (
            f"  index: {index_s:.1f} s in backend.index ({_n(docs / index_s)} entries/s, "
            f"batches of {_n(BATCH)}), {result['index_wall_s']:.1f} s wall with JSON decoding"
        )
        if name == "postgres":
            line += f"; then VACUUM ANALYZE {result['vacuum_s']:.1f} s"
        print(line)
        if name == "whoosh":
            print(
                f"  size on disk: {_mb(result['size_bytes'])} "  # type: ignore[arg-type]
                f"({result['segments']} segment(s), bodies stored for highlighting)"
            )
        else:
            print(
                f"  size: {_mb(result['size_bytes'])} total = heap {_mb(result['heap_bytes'])}"  # type: ignore[arg-type]
                f" + TOAST {_mb(result['toast_bytes'])} + indexes {_mb(result['indexes_bytes'])}"  # type: ignore[arg-type]
                f" (of which full-text GIN {_mb(result['fts_bytes'])});"  # type: ignore[arg-type]
                f" unaccent: {'yes' if result['unaccent'] else 'NO'}"
            )
        print(
            f"  peak RSS of the benchmark process: {_opt_mb(result['rss_setup_mb'])} after "  # type: ignore[arg-type]
            f"start-up, {_opt_mb(result['rss_index_mb'])} after indexing, "  # type: ignore[arg-type]
            f"{_opt_mb(result['rss_queries_mb'])} during queries"  # type: ignore[arg-type]
            + ("" if result["reset_peak"] else " (peak not reset: cumulative)")
        )
        if name == "postgres":
            print(
                f"  PostgreSQL backend process (pid {result['server_pid']}), peak RSS incl. "
                f"shared buffers touched ({result['shared_buffers']}): "
                f"{_opt_mb(result['server_rss_index_mb'])} after indexing, "  # type: ignore[arg-type]
                f"{_opt_mb(result['server_rss_end_mb'])} after queries"  # type: ignore[arg-type]
            )

    print()
    header = (
        f"{'backend':<8} | {'query':<12} | {'n':>4} | {'p50 ms':>8} | {'p95 ms':>8} | "
        f"{'max ms':>8} | {'hits p50':>8} | {'hits max':>8}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        timings: dict[str, list[float]] = result["timings"]  # type: ignore[assignment]
        hits: dict[str, list[int]] = result["hits"]  # type: ignore[assignment]
        for k in WORD_COUNTS:
            names = [f"{k}w common", f"{k}w rare"]
            rows = [(name, timings[name], hits[name]) for name in names]
            rows.append(
                (
                    f"{k}w all",
                    timings[names[0]] + timings[names[1]],
                    hits[names[0]] + hits[names[1]],
                )
            )
            for label, values, counts in rows:
                print(
                    f"{result['backend']:<8} | {label:<12} | {len(values):>4} | "
                    f"{percentile(values, 50):>8.2f} | {percentile(values, 95):>8.2f} | "
                    f"{max(values):>8.2f} | {percentile(counts, 50):>8.0f} | {max(counts):>8}"
                )


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        add_arguments(parser)
        parser.add_argument("--child", help=argparse.SUPPRESS)
        parser.add_argument("--workdir", help=argparse.SUPPRESS)
        parser.add_argument("--database-url", help=argparse.SUPPRESS)
        args = parser.parse_args(argv)
    if getattr(args, "child", None):
        child(args.child, Path(args.workdir), args.database_url or "")
        return 0
    return run(args)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="maillage-bench-search-"))
    print(
        f"Maillage bench — search: {_n(args.docs)} synthetic French entries in {SPACES} spaces, "
        f"{args.queries} queries per word count, membership filter = {len(USER_SPACES)} spaces"
    )
    try:
        t0 = time.perf_counter()
        plan = generate(workdir / "corpus.jsonl", args.docs, args.queries)
        (workdir / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
        docs = plan["docs"]
        print(
            f"Corpus: {plan['words'] / docs:.0f} words per entry on average "  # type: ignore[operator]
            f"({_mb(plan['chars'])} of text), {_n(plan['vocabulary'])} distinct content words, "  # type: ignore[arg-type]
            f"{_n(plan['visible'])} entries visible to the user "  # type: ignore[arg-type]
            f"({100 * plan['visible'] / docs:.1f} %); generated in "  # type: ignore[operator]
            f"{time.perf_counter() - t0:.1f} s"
        )
        pool: list[str] = plan["common_pool"]  # type: ignore[assignment]
        dfs: list[int] = plan["common_df"]  # type: ignore[assignment]
        print(
            f"Common words: drawn from the {len(pool)} most frequent (each in {_n(dfs[-1])} to "
            f"{_n(dfs[0])} entries, e.g. {', '.join(pool[:6])}); rare: the rarest word of an "
            "entry the user can see, plus other words of that entry"
            if pool
            else "Common words: none (corpus too small)"
        )
        print(f"Load average at the start: {load_average()}")
        results = []
        for name in backends:
            t0 = time.perf_counter()
            outcome = _run_backend(name, workdir, args)
            if outcome is None:
                continue
            outcome["elapsed_s"] = time.perf_counter() - t0
            results.append(outcome)
        report(plan, results)
        print()
        for result in results:
            print(f"{result['backend']}: {result['elapsed_s']:.0f} s (index + queries)")
        print(f"Load average at the end: {load_average()}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Total run time: {time.perf_counter() - started:.1f} s")
    return 0


def _run_backend(name: str, workdir: Path, args: argparse.Namespace) -> dict[str, object] | None:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name]
    command += ["--workdir", str(workdir)]
    database = ""
    if name == "postgres":
        problem = pg_reachable(args.pg_url)
        if problem:
            print(f"\n[postgres] skipped: {args.pg_url} unreachable ({problem})")
            return None
        database = f"maillage_bench_{os.getpid()}"
        with _pg_admin(args.pg_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
        command += ["--database-url", f"{args.pg_url.rstrip('/')}/{database}"]
    elif name != "whoosh":
        print(f"\n[{name}] skipped: unknown backend")
        return None
    try:
        completed = subprocess.run(command, check=False)  # noqa: S603 — our own script
    finally:
        if database:
            with _pg_admin(args.pg_url) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    result_file = workdir / f"result-{name}.json"
    if completed.returncode != 0 or not result_file.exists():
        print(f"\n[{name}] FAILED (exit status {completed.returncode})")
        return None
    result: dict[str, object] = json.loads(result_file.read_text(encoding="utf-8"))
    return result


if __name__ == "__main__":
    sys.exit(main())
