"""Helpers shared by the benchmarks: Django start-up, percentiles, memory, sizes.

Imports nothing from Django at module level: the extraction child processes of ``bench/ingest.py``
re-import the main module (``spawn``), and must not pay for more than the application would.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

# Variables of the shell that would point the benchmark at real services or files.
_FOREIGN_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "DEBUG",
    "SEARCH_BACKEND",
    "SEARCH_INDEX_DIR",
    "TASKS_BACKEND",
    "DOCUMENTS_ROOT",
    "MEDIA_ROOT",
    "STATIC_ROOT",
)


def setup_django(
    var_dir: str, *, env: Mapping[str, str] | None = None, migrate: bool = True
) -> None:
    """Django on a fresh SQLite file in ``var_dir`` (unless ``env`` sets ``DATABASE_URL``).

    Everything the project writes (database, documents, search index, e-mails) lands in
    ``var_dir``; ``env`` sets extra environment variables read by the settings.
    """
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    Path(var_dir).mkdir(parents=True, exist_ok=True)
    os.environ["MAILLAGE_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "extranet.settings"
    for name in _FOREIGN_ENV:
        os.environ.pop(name, None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.update(env or {})

    import django

    django.setup()

    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def percentile(values: Iterable[float], pct: float) -> float:
    """Nearest-rank percentile (the same rule as ``bench.measure.PageResult.percentile``)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(int(round(pct / 100 * len(ordered) + 0.5)) - 1, 0)
    return ordered[min(rank, len(ordered) - 1)]


def query_range(queries: Iterable[int]) -> str:
    """SQL queries per request as printed in the tables: "9", or "8-11" when they vary."""
    counts = list(queries)
    if not counts:
        return "-"
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}-{high}"


def get_ok(client: Any, url: str) -> Any:
    """GET ``url`` with a Django test client; anything but 200 stops the benchmark."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} → HTTP {response.status_code}")
    return response


def _status_kb(field: str, pid: int | str = "self") -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak resident set size (``VmHWM``) of a process, in MiB; ``ru_maxrss`` as a fallback."""
    kb = _status_kb("VmHWM", pid)
    if kb is None and pid == "self":
        import resource

        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return None if kb is None else kb / 1024


def rss_mb(pid: int | str = "self") -> float | None:
    kb = _status_kb("VmRSS", pid)
    return None if kb is None else kb / 1024


def reset_peak_rss() -> bool:
    """Reset this process's ``VmHWM`` to its current RSS (Linux ≥ 4.0); False if impossible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def load_average() -> str:
    """The machine's load (1/5/15 min): the figures of a busy machine are not comparable."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1/5/15 min)"
    except OSError:
        return "unknown"


def dir_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def fmt_mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} MB".replace(",", " ")
