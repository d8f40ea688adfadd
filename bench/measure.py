"""Timing and query counting for one page, through django.test.Client in this process."""

from __future__ import annotations

import gc
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class PageResult:
    label: str
    url: str
    status: int | None = None
    queries: list[int] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)
    timings_ms: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status == 200

    @property
    def query_count(self) -> int | None:
        return max(self.queries) if self.queries else None

    @property
    def query_text(self) -> str:
        if not self.queries:
            return "-"
        low, high = min(self.queries), max(self.queries)
        return str(high) if low == high else f"{low}-{high}"

    def percentile(self, pct: float) -> float:
        """Nearest-rank percentile of the recorded timings, in milliseconds."""
        ordered = sorted(self.timings_ms)
        rank = max(int(round(pct / 100 * len(ordered) + 0.5)) - 1, 0)
        return ordered[min(rank, len(ordered) - 1)]


def _probe(client: Client, page: PageResult, *, samples: int) -> None:
    """One checked request (errors kept, not raised), then the SQL count over a few requests."""
    try:
        response = client.get(page.url)
    except Exception:
        page.error = traceback.format_exc()
        return
    page.status = response.status_code
    if response.status_code != 200:
        location = response.headers.get("Location", "")
        page.error = f"HTTP {response.status_code}" + (f" -> {location}" if location else "")
        return
    for _ in range(samples):
        with CaptureQueriesContext(connection) as captured:
            client.get(page.url)
        page.queries.append(len(captured.captured_queries))
        page.sql = [query["sql"] for query in captured.captured_queries]


def measure_pages(
    client: Client,
    pages: list[PageResult],
    *,
    warmup: int,
    iterations: int,
    query_samples: int = 3,
) -> None:
    """Warm up, count queries, then time every page in interleaved rounds.

    Interleaving (page A, page B, bare, page A, …) exposes every page to the same machine
    noise, which keeps the ratio to the bare view meaningful on a busy laptop or CI runner.
    """
    for page in pages:
        _probe(client, page, samples=query_samples)
    live = [page for page in pages if page.ok]
    get: Callable[[str], object] = client.get
    for _ in range(warmup):
        for page in live:
            get(page.url)
    gc.collect()
    clock = time.perf_counter
    for _ in range(iterations):
        for page in live:
            start = clock()
            get(page.url)
            page.timings_ms.append((clock() - start) * 1000)
