"""Public portal benchmark: the JSON API and the iCalendar feed with 10,000 published events.

A throw-away Maillage (SQLite, DEBUG off) gets ``--portal-events`` current public snapshots of
kind "event"; Daphne serves it on loopback with the benchmark URL conf (the real site plus a bare
view). Client threads with keep-alive connections request, for ``--portal-seconds`` each:

- ``/bench/bare/`` (``HttpResponse("ok")`` behind the same middleware: the baseline);
- ``/portal/api/v1/events.json`` (first page, 50 JSON-LD objects) and ``/portal/events.ics``
  (all events), unconditionally: requests/s and the ratio to the bare view. "plain" is the URL
  without parameters, whose body the portal keeps in the cache until the next publication;
  "rendered" adds a parameter that changes nothing (``?page=1``, ``?from=1900-01-01``), so every
  request renders the feed from the database;
- the same two again as revalidating clients (``If-None-Match`` with the last ETag they got)
  while a writer publishes a new version of one event every ``--portal-change-every`` seconds:
  requests/s and the share of 304 answers.

Run from the repository root: ``.venv/bin/python bench/portal.py`` (or ``bench/run.py --only
portal``). It prints figures and never asserts on them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO_ROOT, load_average, percentile, setup_django

HOST = "127.0.0.1"
COMMUNES = [
    "Lavaur", "Saint-Pierre", "Puylaurens", "Sorèze", "Revel", "Dourgne", "Sémalens", "Viterbe",
    "Guitalens", "Cuq-Toulza", "Soual", "Escoussens", "Labruguière", "Verdalle", "Massaguel",
]  # fmt: skip
THEMES = ["Musique", "Randonnée", "Patrimoine", "Théâtre", "Marché", "Sport", "Conte", "Cinéma"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("portal (bench/portal.py)")
    group.add_argument("--portal-events", type=int, default=10_000, help="published events")
    group.add_argument("--portal-seconds", type=float, default=8.0, help="seconds per run")
    group.add_argument("--portal-clients", type=int, default=4, help="concurrent clients")
    group.add_argument(
        "--portal-change-every",
        type=float,
        default=10.0,
        help="seconds between two publications during the conditional runs (which last three "
        "times as long, at least)",
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return parser.parse_args(argv)


# --- Data ---------------------------------------------------------------------------------------


def seed_events(count: int) -> None:
    """``count`` current snapshots of kind "event", shaped by the registered kind (its bounds
    and place), written in bulk: the benchmark measures reading, not the workflow."""
    from django.utils import timezone

    from extranet.models import PublicSnapshot
    from extranet.portal.registry import publishable_kind

    kind = publishable_kind("event")
    rng = random.Random(7)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    rows = []
    for number in range(count):
        start = now + timedelta(days=rng.randint(-60, 300), hours=rng.randint(-8, 8))
        all_day = rng.random() < 0.15
        end = start + timedelta(hours=rng.choice([1, 2, 3, 26]))
        data = {
            "title": f"{rng.choice(THEMES)} à {rng.choice(COMMUNES)} n° {number}",
            "description": "Rendez-vous ouvert à tous, entrée libre. " * rng.randint(1, 4),
            "start": start.date().isoformat() if all_day else start.isoformat(),
            "end": end.date().isoformat() if all_day else end.isoformat(),
            "all_day": all_day,
            "location": "Salle des fêtes",
            "commune": rng.choice(COMMUNES),
            "theme": rng.choice(THEMES),
            "url": "",
            "organizer": "Office de tourisme",
        }
        starts_at, ends_at = kind.bounds(data) if kind.bounds else (None, None)
        commune, theme = kind.place(data) if kind.place else ("", "")
        rows.append(
            PublicSnapshot(
                kind="event",
                source_key=f"bench/agenda/{number}",
                version=1,
                public_id=f"evenement-{number}-{number:08x}",
                title=data["title"],
                data=data,
                starts_at=starts_at,
                ends_at=ends_at,
                commune=commune,
                theme=theme,
                is_current=True,
                approved_at=timezone.now() - timedelta(minutes=rng.randint(1, 100_000)),
            )
        )
    PublicSnapshot.objects.bulk_create(rows, batch_size=1000)


def publish_new_version(rng: random.Random, count: int) -> None:
    """What an approval does to the snapshots: the current version of one event is superseded."""
    from django.db import transaction
    from django.utils import timezone

    from extranet.models import PublicSnapshot

    key = f"bench/agenda/{rng.randrange(count)}"
    with transaction.atomic():
        current = PublicSnapshot.objects.select_for_update().get(source_key=key, is_current=True)
        PublicSnapshot.objects.filter(pk=current.pk).update(is_current=False)
        data = dict(current.data, description=f"Mis à jour à {timezone.now():%H:%M:%S}.")
        PublicSnapshot.objects.create(
            kind=current.kind,
            source_key=key,
            version=current.version + 1,
            public_id=current.public_id,
            title=current.title,
            data=data,
            starts_at=current.starts_at,
            ends_at=current.ends_at,
            commune=current.commune,
            theme=current.theme,
            is_current=True,
        )


# --- Server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def environment(var_dir: Path, port: int) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": f"http://{HOST}:{port}",
        "STATIC_ROOT": str(var_dir / "static"),
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "LOG_LEVEL": "WARNING",
    }


def start_daphne(var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    # The bench URL conf (real site + bare view) through a settings module written for the run.
    (var_dir / "bench_portal_settings.py").write_text(
        "from extranet.settings import *  # noqa: F403\nROOT_URLCONF = 'bench.urls'\n"
    )
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "bench_portal_settings"
    env["PYTHONPATH"] = os.pathsep.join([str(var_dir), str(REPO_ROOT)])
    daphne = Path(sys.executable).parent / "daphne"
    log = open(var_dir / "daphne.log", "ab")  # noqa: SIM115 — closed with the process
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [str(daphne), "-b", HOST, "-p", str(port), "extranet.asgi:application"],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((var_dir / "daphne.log").read_text(errors="replace")[-3000:])
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("Daphne did not listen within 60 s")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: only what we started
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- Load ---------------------------------------------------------------------------------------


@dataclass
class Run:
    label: str
    path: str
    conditional: bool = False
    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    bytes_200: list[int] = field(default_factory=list)
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    changes: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def share_304(self) -> float:
        return self.statuses.get(304, 0) / self.requests if self.requests else 0.0


def client_loop(port: int, run: Run, stop_at: float, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    etag = ""
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    sizes: list[int] = []
    while time.monotonic() < stop_at:
        headers = {"Host": HOST, "Accept-Encoding": "identity"}
        if run.conditional and etag:
            headers["If-None-Match"] = etag
        started = time.perf_counter()
        try:
            connection.request("GET", run.path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                run.errors.append(repr(exc))
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=60)
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if response.status == 200:
            sizes.append(len(body))
            etag = response.getheader("ETag") or ""
        elif response.status != 304:
            with lock:
                run.errors.append(f"HTTP {response.status} {body[:200]!r}")
    connection.close()
    with lock:
        for status, count in statuses.items():
            run.statuses[status] = run.statuses.get(status, 0) + count
        run.latencies_ms.extend(latencies)
        run.bytes_200.extend(sizes)


def measure(port: int, run: Run, args: argparse.Namespace, *, writer: bool) -> Run:
    lock = threading.Lock()
    started = time.monotonic()
    # Revalidating clients need a few publications during their run to tell anything.
    seconds = (
        max(args.portal_seconds, 3 * args.portal_change_every) if writer else args.portal_seconds
    )
    stop_at = started + seconds
    threads = [
        threading.Thread(target=client_loop, args=(port, run, stop_at, lock), daemon=True)
        for _ in range(args.portal_clients)
    ]
    for thread in threads:
        thread.start()
    if writer:
        rng = random.Random(11)
        next_change = started + args.portal_change_every
        while time.monotonic() < stop_at:
            if time.monotonic() >= next_change:
                publish_new_version(rng, args.portal_events)
                run.changes += 1
                next_change += args.portal_change_every
            time.sleep(0.02)
    for thread in threads:
        thread.join()
    run.seconds = time.monotonic() - started
    return run


def check_outputs(port: int, count: int) -> list[str]:
    """The feeds hold what was seeded (a benchmark of broken responses would be meaningless)."""
    import json

    import icalendar

    problems = []
    connection = http.client.HTTPConnection(HOST, port, timeout=120)
    connection.request("GET", "/portal/api/v1/events.json", headers={"Host": HOST})
    body = json.loads(connection.getresponse().read())
    if body.get("count") != count:
        problems.append(f"events.json count {body.get('count')} != {count}")
    connection.request("GET", "/portal/events.ics", headers={"Host": HOST})
    calendar = icalendar.Calendar.from_ical(connection.getresponse().read())
    events = len(calendar.walk("VEVENT"))
    if events != count:
        problems.append(f"events.ics holds {events} events, not {count}")
    connection.close()
    return problems


# --- Main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = parse_args(argv)
    var_dir = Path(tempfile.mkdtemp(prefix="maillage-bench-portal-"))
    process = None
    started = time.perf_counter()
    try:
        port = free_port()
        setup_django(str(var_dir), env=environment(var_dir, port), migrate=True)
        seed_start = time.perf_counter()
        seed_events(args.portal_events)
        seed_seconds = time.perf_counter() - seed_start
        process = start_daphne(var_dir, port)
        return run(args, port, seed_seconds, started)
    finally:
        stop(process)
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args: argparse.Namespace, port: int, seed_seconds: float, started: float) -> int:
    import django

    print("Maillage bench — public portal: JSON API and iCalendar feed (Daphne, loopback)")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"{os.cpu_count()} CPU(s); {args.portal_events} events seeded in {seed_seconds:.1f} s; "
        f"{args.portal_clients} keep-alive clients, {args.portal_seconds:.0f} s per run"
    )
    print(f"Load average at start: {load_average()}")
    problems = check_outputs(port, args.portal_events)
    for problem in problems:
        print(f"PROBLEM: {problem}")

    plain = [
        ("bare view", "/bench/bare/"),
        ("events.json", "/portal/api/v1/events.json"),
        ("events.json", "/portal/api/v1/events.json?page=1"),
        ("events.ics", "/portal/events.ics"),
        ("events.ics", "/portal/events.ics?from=1900-01-01"),
        ("bare view", "/bench/bare/"),
    ]
    runs = [measure(port, Run(label, path), args, writer=False) for label, path in plain]
    for label, path in (("events.json", plain[1][1]), ("events.ics", plain[3][1])):
        runs.append(measure(port, Run(label, path, conditional=True), args, writer=True))
    bare = [r for r in runs if r.label == "bare view"]
    bare_rate = sum(r.per_second for r in bare) / len(bare)

    print()
    header = (
        f"{'endpoint':<12} | {'requests':<13} | {'req/s':>8} | {'vs bare':>8} | {'p50 ms':>7} | "
        f"{'p95 ms':>7} | {'304 share':>9} | {'KB / 200':>8}"
    )
    print(header)
    print("-" * len(header))
    for item in runs:
        mode = (
            "If-None-Match" if item.conditional else ("rendered" if "?" in item.path else "plain")
        )
        size = (sum(item.bytes_200) / len(item.bytes_200) / 1024) if item.bytes_200 else 0.0
        share = f"{item.share_304:.1%}" if item.conditional else "-"
        print(
            f"{item.label:<12} | {mode:<13} | {item.per_second:>8.1f} | "
            f"{item.per_second / bare_rate:>7.3f}x | {percentile(item.latencies_ms, 50):>7.1f} | "
            f"{percentile(item.latencies_ms, 95):>7.1f} | {share:>9} | {size:>8.1f}"
        )
    print()
    for item in runs:
        if item.conditional:
            print(
                f"{item.label} conditional: {item.requests} requests, {item.statuses.get(304, 0)} "
                f"answered 304, {item.statuses.get(200, 0)} full answers; "
                f"{item.changes} publications during the run"
            )
    failures = [item for item in runs if item.errors]
    for item in failures:
        print(f"\nERRORS in {item.label}: {len(item.errors)}, first: {item.errors[0]}")
    print(f"Load average at end: {load_average()}")
    print(f"Total run time: {time.perf_counter() - started:.1f} s")
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
