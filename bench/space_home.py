"""Space home benchmark: page latency against a bare view, SQL queries per page.

For a user who belongs to 1, 10 and 100 spaces, it requests the space home (``/s/<slug>/``),
the home page listing the user's spaces (``/``) and a bare Django view behind the same middleware
(``/bench/bare/``), all in this process through ``django.test.Client``. It prints the figures and
never asserts on them: timings depend on the machine, the query counts are for people to read.

Run from the repository root: ``.venv/bin/python bench/space_home.py [--iterations N]
[--warmup N]`` (or ``bench/run.py --only space_home``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

COUNTS = (1, 10, 100)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("space_home (bench/space_home.py)")
    group.add_argument("--iterations", type=int, default=200, help="timed requests per page")
    group.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    group.add_argument("--members", type=int, default=20, help="members per space (default: 20)")
    group.add_argument(
        "--show-queries", action="store_true", help="print the SQL of each page (largest N)"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return parser.parse_args(argv)


def bootstrap(var_dir: str) -> None:
    """Django on a fresh SQLite file in ``var_dir``, with the bench URL conf and fast hashing."""
    # Always the embedded SQLite and in-process cache, whatever the shell exports.
    setup_django(var_dir, migrate=False)

    from django.conf import settings
    from django.core.management import call_command
    from django.urls import clear_url_caches

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = "bench.urls"
    # Settings are imported with DEBUG on (the embedded default: dev secret key, plain static
    # storage); turning it off now spares each request the query log and template debug data.
    settings.DEBUG = False
    clear_url_caches()
    call_command("migrate", verbosity=0, interactive=False)


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def fmt_ratio(p50: float, bare_p50: float | None) -> str:
    return f"{p50 / bare_p50:.2f}x" if bare_p50 else "-"


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = parse_args(argv)
    var_dir = tempfile.mkdtemp(prefix="maillage-bench-")
    started = time.perf_counter()
    try:
        bootstrap(var_dir)
        return run(args, started)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args: argparse.Namespace, started: float) -> int:
    import django
    from django.test import Client

    from bench.data import build
    from bench.measure import PageResult, measure_pages

    seed_start = time.perf_counter()
    data = build(COUNTS, members_per_space=args.members)
    seed_seconds = time.perf_counter() - seed_start

    print("Maillage bench — space home and home page against a bare view (same process)")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPU(s); "
        f"{len(data.space_slugs)} spaces × {args.members} members seeded in {seed_seconds:.1f} s"
    )
    print(
        f"{args.warmup} warm-up + {args.iterations} timed requests per page, interleaved; "
        "DEBUG off, test client, no network"
    )
    print()

    results: dict[int, list[PageResult]] = {}
    for n in COUNTS:
        client = Client()
        client.force_login(data.measured_users[n])
        pages = [
            PageResult("space home", f"/s/{data.first_slug}/"),
            PageResult("home", "/"),
            PageResult("bare view", "/bench/bare/"),
        ]
        measure_pages(client, pages, warmup=args.warmup, iterations=args.iterations)
        results[n] = pages

    header = (
        f"{'spaces':>6} | {'page':<11} | {'queries':>7} | {'p50 ms':>7} | {'p95 ms':>7} | "
        f"{'ratio vs bare':>13}"
    )
    print(header)
    print("-" * len(header))
    failures: list[tuple[int, PageResult]] = []
    for n, pages in results.items():
        bare = pages[-1]
        bare_p50 = bare.percentile(50) if bare.ok and bare.timings_ms else None
        for page in pages:
            if not page.ok:
                failures.append((n, page))
                print(
                    f"{n:>6} | {page.label:<11} | {'FAILED':>7} | {'-':>7} | {'-':>7} | {'-':>13}"
                )
                continue
            p50, p95 = page.percentile(50), page.percentile(95)
            ratio = fmt_ratio(p50, bare_p50)
            print(
                f"{n:>6} | {page.label:<11} | {page.query_text:>7} | {fmt_ms(p50):>7} | "
                f"{fmt_ms(p95):>7} | {ratio:>13}"
            )
    print()

    for label in ("space home", "home", "bare view"):
        counts = [
            page.query_count for pages in results.values() for page in pages if page.label == label
        ]
        if None in counts:
            print(f"Queries per page, {label}: unknown (the page failed for some N)")
            continue
        series = " / ".join(f"{c} (N={n})" for n, c in zip(COUNTS, counts, strict=True))
        verdict = "flat" if len(set(counts)) == 1 else "NOT flat: grows with N"
        print(f"Queries per page, {label}: {series} -> {verdict}")

    if args.show_queries:
        for page in results[COUNTS[-1]]:
            print(f"\nSQL of {page.label} ({page.url}), N={COUNTS[-1]}:")
            for number, sql in enumerate(page.sql, 1):
                print(f"  {number:>3}. {sql}")

    for n, page in failures:
        print(f"\nFAILED: {page.label} {page.url} (N={n})\n{page.error.rstrip()}")

    print(f"\nTotal run time: {time.perf_counter() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
