from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from extranet.search import BACKEND_NAMES, IndexEntry, create_backend, get_backend, indexers


class Command(BaseCommand):
    help = (
        "Replace the search index with every item of the registered indexers "
        "(documents, posts, people, events, trainings)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backend",
            choices=BACKEND_NAMES,
            default=None,
            help="default: the configured SEARCH_BACKEND",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        backend = create_backend(opts["backend"]) if opts["backend"] else get_backend()
        counts: dict[str, int] = {}

        def entries() -> Iterator[IndexEntry]:
            for name, iter_entries in indexers().items():
                counts[name] = 0
                for entry in iter_entries():
                    counts[name] += 1
                    yield entry

        indexed = backend.replace_all(entries())
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        if not counts:
            self.stdout.write(self.style.WARNING("No indexer registered: the index is now empty."))
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {indexed} entries with {type(backend).__name__}.")
        )
