"""Running a coroutine from a synchronous test, whatever loop the session already holds.

Playwright's sync API (browser tests, session-scoped) keeps an event loop running in the main
thread; ``asyncio.run`` refuses to start inside it, so coroutines run in a fresh thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
