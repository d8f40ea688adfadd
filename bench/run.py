"""Maillage benchmarks (``make bench``): every benchmark of bench/, or those named by ``--only``.

- ``space_home``: page latency of the space home and home page against a bare view, SQL queries
  per page (``bench/space_home.py``);
- ``ingest``: mixed PDF/DOCX files through the document pipeline against raw pypdf/python-docx
  extraction (``bench/ingest.py``);
- ``search``: Whoosh and PostgreSQL search over a synthetic French corpus (``bench/search.py``);
- ``dav``: CalDAV through ``/dav/`` against a stock Radicale, and a big calendar
  (``bench/dav.py``);
- ``dav_storage``: PUT throughput and reads at 1,000 to 50,000 events in one calendar, the
  database storage (SQLite, PostgreSQL) against Radicale's file storage (``bench/dav_storage.py``);
- ``forums_fanout``: one forum post delivered live to 200 WebSocket clients, in-memory and Redis
  channel layers (``bench/forums_fanout.py``);
- ``directory``: directory search and filtered lists over 20,000 people and 5,000 organisations,
  SQL queries per page, CardDAV sync of a 500-member space address book
  (``bench/directory.py``);
- ``portal``: the public JSON API and iCalendar feed with 10,000 published events against a bare
  view in the same Daphne, and the share of 304 answers to revalidating clients
  (``bench/portal.py``).

Each benchmark runs in a process of its own (Django is set up once per process, with different
settings for each). They print figures and never assert on them; see bench/README.md.

Run from the repository root: ``.venv/bin/python bench/run.py [--only NAME[,NAME]] [options]``;
the options of every benchmark are accepted (``--help``) and go to the one they belong to.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BENCHMARKS = (
    "space_home",
    "ingest",
    "search",
    "dav",
    "dav_storage",
    "forums_fanout",
    "directory",
    "portal",
    "training",
)


def _module(name: str):  # type: ignore[no-untyped-def]
    # Imported on demand: bench/ingest.py's extraction children re-import this file (spawn).
    if name == "space_home":
        from bench import space_home as module
    elif name == "ingest":
        from bench import ingest as module
    elif name == "search":
        from bench import search as module
    elif name == "forums_fanout":
        from bench import forums_fanout as module
    elif name == "portal":
        from bench import portal as module
    elif name == "directory":
        from bench import directory as module
    elif name == "training":
        from bench import training as module
    elif name == "dav_storage":
        from bench import dav_storage as module
    else:
        from bench import dav as module
    return module


def _names(value: str) -> list[str]:
    names = [name.strip().replace("-", "_") for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown or not names:
        choices = ", ".join(BENCHMARKS)
        raise argparse.ArgumentTypeError(
            f"unknown benchmark {', '.join(unknown) or value!r}; choose from {choices}"
        )
    return names


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        type=_names,
        default=list(BENCHMARKS),
        metavar="NAME[,NAME]",
        help=f"benchmarks to run, among {', '.join(BENCHMARKS)} (default: all)",
    )
    for name in BENCHMARKS:
        _module(name).add_arguments(parser)
    return parser


def _without_only(argv: list[str]) -> list[str]:
    kept, skip = [], False
    for item in argv:
        if skip:
            skip = False
        elif item == "--only":
            skip = True
        elif not item.startswith("--only="):
            kept.append(item)
    return kept


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    if len(args.only) == 1:
        return int(_module(args.only[0]).main(args=args))

    started = time.perf_counter()
    statuses: dict[str, int] = {}
    forwarded = _without_only(argv)
    for name in args.only:
        print(f"\n{'=' * 30} {name} {'=' * 30}\n", flush=True)
        command = [sys.executable, str(Path(__file__).resolve()), "--only", name, *forwarded]
        statuses[name] = subprocess.run(command, check=False).returncode  # noqa: S603
    print(f"\n{'=' * 70}")
    for name, status in statuses.items():
        print(f"{name}: {'ok' if status == 0 else f'FAILED (exit status {status})'}")
    print(f"All benchmarks: {time.perf_counter() - started:.0f} s")
    return 1 if any(statuses.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
