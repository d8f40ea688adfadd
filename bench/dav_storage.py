"""DAV storage benchmark: Maillage's database storage (SQLite, PostgreSQL) against Radicale's
stock file storage, in the same Radicale server (``python -m radicale``, plain htpasswd auth,
owner_only rights), so only the storage differs; and against a stock Xandikos (another server
altogether, git storage, no authentication), installed from PyPI by this benchmark in a
throw-away virtualenv under var/ (never in the project's lock; skipped with a message when it
cannot be installed).

For each backend and each calendar size (``--storage-sizes``, default 1,000, 10,000 and 50,000
events in one calendar): the calendar is set to exactly that many generated events through the
storage API (a bulk write, not the measurement), then over HTTP on loopback:
- PUT throughput of ``--puts`` new events sent by 4 concurrent clients (events/s);
- PROPFIND depth 1 asking only ETags; a month calendar-query (time-range REPORT); a full
  sync-collection; a one-change sync-collection (one PUT, then sync from the previous token);
  GET of one event: medians of a few warm runs (the first, cold request is reported too).
At size 0 the first 1,000 events are PUT over HTTP (what importing a calendar costs).

The file storage and Xandikos are measured up to ``--storage-file-max`` events (10,000 by
default: they get slower with every event); Xandikos is filled by committing the events into its
calendar's git repository while it is stopped. PostgreSQL runs in a throw-away database
(maillage_bench_dav_storage) on ``--storage-pg-url``, created and dropped by the benchmark.
Figures are printed, never asserted.

Run from the repository root:
``.venv/bin/python bench/dav_storage.py [--storage-sizes 1000,10000]``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO_ROOT, load_average

HOST = "127.0.0.1"
USER, PASSWORD = "bench", "banc-essai"  # noqa: S105 (throw-away server)
CALENDAR = f"/{USER}/agenda/"
CLIENTS = 4
SEED = 20261201

PROPFIND_ETAGS = (
    b'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
    b"<D:prop><D:getetag/></D:prop></D:propfind>"
)
MKCALENDAR = (
    b'<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" '
    b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>Agenda'
    b"</D:displayname></D:prop></D:set></C:mkcalendar>"
)


XANDIKOS_VERSION = "0.4.10"
XANDIKOS_VENV = REPO_ROOT / "var" / "bench-xandikos-venv"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "maillage_bench_dav_storage"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dav_storage (bench/dav_storage.py)")
    group.add_argument(
        "--storage-sizes", default="1000,10000,50000", help="calendar sizes (1000,10000,50000)"
    )
    group.add_argument("--storage-puts", type=int, default=400, help="PUTs timed per size (400)")
    group.add_argument(
        "--storage-first", type=int, default=1000, help="events PUT into the new calendar (1000)"
    )
    group.add_argument(
        "--storage-file-max", type=int, default=10000, help="largest size, file storage (10000)"
    )
    group.add_argument(
        "--storage-file-puts", type=int, default=100, help="PUTs timed per size, file storage"
    )
    group.add_argument(
        "--storage-backends",
        default="sqlite,postgres,file,xandikos",
        help="comma-separated: sqlite, postgres, file, xandikos (default all four)",
    )
    group.add_argument(
        "--storage-pg-url",
        default=DEFAULT_PG_URL,
        help=f"PostgreSQL server for the throw-away database {PG_DATABASE} ({DEFAULT_PG_URL})",
    )


def event(n: int) -> str:
    """A small event; the n-th is spread over 4 years of working days, 1 to 3 hours long."""
    rng = random.Random(SEED + n)  # noqa: S311 (not cryptographic)
    day = n % (4 * 365)
    hour = 8 + rng.randrange(10)
    year, rest = 2025 + day // 365, day % 365
    month, mday = 1 + rest // 31 % 12, 1 + rest % 28
    stamp = f"{year}{month:02d}{mday:02d}"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage bench//FR\r\nBEGIN:VEVENT\r\n"
        f"UID:bench-{n}\r\nDTSTAMP:20261101T090000Z\r\n"
        f"DTSTART:{stamp}T{hour:02d}0000Z\r\nDTEND:{stamp}T{hour + 1 + n % 3:02d}0000Z\r\n"
        f"SUMMARY:Réunion {n}\r\nLOCATION:Salle {n % 17}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# --- backends -----------------------------------------------------------------------------------


DB_STORAGE_TYPE = "calendars.dav.dbstorage"


@dataclass
class Backend:
    name: str
    storage_type: str  # Radicale [storage] type
    env: dict[str, str]
    folder: Path
    process: Any = None
    port: int = 0

    def config(self, work: Path) -> Path:
        htpasswd = work / "users"
        htpasswd.write_text(f"{USER}:{PASSWORD}\n")
        config = work / f"{self.name}.conf"
        config.write_text(
            "\n".join(
                [
                    "[server]",
                    f"hosts = {HOST}:{self.port}",
                    "max_connections = 20",
                    "[auth]",
                    "type = htpasswd",
                    f"htpasswd_filename = {htpasswd}",
                    "htpasswd_encryption = plain",
                    "delay = 0",
                    "[rights]",
                    "type = owner_only",
                    "[storage]",
                    f"type = {self.storage_type}",
                    f"filesystem_folder = {self.folder}",
                    "[web]",
                    "type = none",
                    "[logging]",
                    "level = warning",
                    "",
                ]
            )
        )
        return config

    def start(self, work: Path) -> None:
        self.port = free_port()
        env = {**os.environ, **self.env, "PYTHONPATH": str(REPO_ROOT)}
        # The database storage is served as in Maillage (calendars/dav/server.py: the streaming
        # application, connections closed after each request); the file storage by stock
        # Radicale.
        launch = ["-m", "radicale"]
        if self.storage_type == DB_STORAGE_TYPE:
            launch = ["-m", "calendars.dav.server"]
        self.process = subprocess.Popen(  # noqa: S603 (our interpreter, our config)
            [sys.executable, *launch, "--config", str(self.config(work))],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            # Kept for a failed run: the server's own account of a 500.
            stderr=(work / f"{self.name}-server.log").open("w"),
        )
        wait_for_port(self.name, self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def fill(self, count: int, work: Path) -> float:
        return fill(self, count)


@dataclass
class Xandikos(Backend):
    """Stock Xandikos serving ``folder`` (collections are git repositories)."""

    executable: Path = XANDIKOS_VENV / "bin" / "xandikos"

    def start(self, work: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 (the throw-away venv's server)
            [
                str(self.executable),
                "serve",
                "-d",
                str(self.folder),
                "--current-user-principal",
                f"/{USER}/",
                "--autocreate",
                "-l",
                HOST,
                "-p",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.name, self.port)

    def fill(self, count: int, work: Path) -> float:
        """Stop, make the calendar's repository hold exactly events 0..count-1 in one commit,
        start again (on a new port)."""
        started = time.perf_counter()
        self.stop()
        repository = self.folder / CALENDAR.strip("/")
        for old in repository.glob("*.ics"):
            old.unlink()
        for n in range(count):
            (repository / f"bench-{n}.ics").write_text(event(n), newline="")
        git = ["git", "-C", str(repository), "-c", "user.name=bench", "-c", "user.email=b@b"]
        subprocess.run([*git, "add", "-A"], check=True)  # noqa: S603,S607
        subprocess.run([*git, "commit", "-qm", f"{count} events"], check=True)  # noqa: S603,S607
        self.start(work)
        return time.perf_counter() - started


def install_xandikos() -> str:
    """Install Xandikos in its throw-away virtualenv if needed; "" when ready, else why not."""
    if (XANDIKOS_VENV / "bin" / "xandikos").exists():
        return ""
    try:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "venv", "--clear", str(XANDIKOS_VENV)],
            check=True,
            capture_output=True,
        )
        subprocess.run(  # noqa: S603
            [str(XANDIKOS_VENV / "bin" / "pip"), "install", "-q", f"xandikos=={XANDIKOS_VERSION}"],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(XANDIKOS_VENV, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        return f"{exc} {detail.decode(errors='replace')[-300:]}".strip()
    return ""


def wait_for_port(name: str, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{name}: server did not start")


def fill(backend: Backend, count: int) -> float:
    """Make the calendar hold exactly events 0..count-1 (bulk, through the storage API, in a
    child process with the backend's settings); returns seconds."""
    code = (
        "import os,sys,time;sys.path.insert(0,os.getcwd());"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE','extranet.settings');"
        "import django;django.setup();"
        "import radicale.config,radicale.storage;from radicale import item as ri;"
        "from bench.dav_storage import event;"
        "c=radicale.config.load();"
        f"c.update({{'storage':{{'type':{backend.storage_type!r},"
        f"'filesystem_folder':{str(backend.folder)!r}}}}},'bench');"
        "s=radicale.storage.load(c);p='bench/agenda';"
        f"items=[ri.Item(collection_path=p,text=event(n)) for n in range({count})];"
        "props={'tag':'VCALENDAR','D:displayname':'Agenda'};"
        "lk=s.acquire_lock('w');lk.__enter__();"
        "s.create_collection('/bench/');s.create_collection('/'+p+'/',items=items,props=props);"
        "lk.__exit__(None,None,None)"
    )
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**os.environ, **backend.env},
        check=True,
    )
    return time.perf_counter() - started


# --- HTTP ---------------------------------------------------------------------------------------


class Client:
    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=600)
        import base64

        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        self.auth = f"Basic {token}"

    def request(
        self, method: str, path: str, body: bytes = b"", **headers: str
    ) -> tuple[int, bytes, dict[str, str]]:
        all_headers = {"Authorization": self.auth, "Content-Length": str(len(body))}
        if body.startswith(b"BEGIN:"):
            all_headers["Content-Type"] = "text/calendar; charset=utf-8"
        elif body:
            all_headers["Content-Type"] = "application/xml; charset=utf-8"
        all_headers.update({k.replace("_", "-"): v for k, v in headers.items()})
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=all_headers)
                response = self.connection.getresponse()
                return response.status, response.read(), dict(response.getheaders())
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")


def check(status: int, expected: tuple[int, ...], what: str) -> None:
    if status not in expected:
        raise RuntimeError(f"{what}: HTTP {status}")


def put_many(port: int, numbers: list[int]) -> float:
    """PUT the given events with CLIENTS concurrent clients; events per second."""
    chunks = [numbers[i::CLIENTS] for i in range(CLIENTS)]
    errors: list[str] = []

    def work(chunk: list[int]) -> None:
        client = Client(port)
        for n in chunk:
            status, _body, _h = client.request("PUT", f"{CALENDAR}bench-{n}.ics", event(n).encode())
            if status not in (201, 204):
                errors.append(f"PUT {n}: {status}")

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(errors[:3])
    return len(numbers) / elapsed


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    """(cold ms, median warm ms)."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], statistics.median(times[1:])


def month_query() -> bytes:
    return (
        b'<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" '
        b'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/>'
        b'</D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        b'<C:time-range start="20260301T000000Z" end="20260401T000000Z"/>'
        b"</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    )


def sync_body(token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
        f"<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
        "<D:prop><D:getetag/></D:prop></D:sync-collection>"
    ).encode()


def token_of(body: bytes) -> str:
    text = body.decode()
    start = text.index("sync-token>") + len("sync-token>")
    return text[start : text.index("<", start)]


@dataclass
class Figures:
    rows: list[tuple[str, int, str, str]] = field(default_factory=list)

    def add(self, backend: str, size: int, what: str, value: str) -> None:
        self.rows.append((backend, size, what, value))
        print(f"  {backend:<10} {size:>7,}  {what:<36} {value}", flush=True)


def measure_size(backend: Backend, work: Path, size: int, puts: int, figures: Figures) -> None:
    seconds = backend.fill(size, work)
    figures.add(backend.name, size, "bulk fill (storage, not HTTP)", f"{seconds:.1f} s")
    client = Client(backend.port)
    cold, warm = timed(
        lambda: check(
            client.request("PROPFIND", CALENDAR, PROPFIND_ETAGS, Depth="1")[0], (207,), "PROPFIND"
        ),
        3,
    )
    figures.add(
        backend.name, size, "PROPFIND depth 1, ETags (cold/warm)", f"{cold:.0f} / {warm:.0f} ms"
    )
    cold, warm = timed(
        lambda: check(
            client.request("REPORT", CALENDAR, month_query(), Depth="1")[0], (207,), "REPORT"
        ),
        5,
    )
    figures.add(backend.name, size, "month calendar-query", f"{warm:.1f} ms")
    cold, warm = timed(
        lambda: check(client.request("REPORT", CALENDAR, sync_body(""))[0], (207,), "sync"), 3
    )
    figures.add(backend.name, size, "full sync-collection", f"{warm:.0f} ms")
    one_change = []
    _s, body, _h = client.request("REPORT", CALENDAR, sync_body(""))
    token = token_of(body)
    for k in range(5):
        changed = event(0).replace("SUMMARY:Réunion 0", f"SUMMARY:Réunion 0 v{k}")
        status, _body, _h = client.request("PUT", f"{CALENDAR}bench-0.ics", changed.encode())
        check(status, (201, 204), "PUT")
        started = time.perf_counter()
        status, body, _h = client.request("REPORT", CALENDAR, sync_body(token))
        one_change.append((time.perf_counter() - started) * 1000)
        check(status, (207,), "sync from token")
        token = token_of(body)
    figures.add(
        backend.name, size, "one-change sync-collection", f"{statistics.median(one_change):.1f} ms"
    )
    cold, warm = timed(
        lambda: check(client.request("GET", f"{CALENDAR}bench-{size // 2}.ics")[0], (200,), "GET"),
        10,
    )
    figures.add(backend.name, size, "GET one event", f"{warm:.1f} ms")
    rate = put_many(backend.port, list(range(size + 1_000_000, size + 1_000_000 + puts)))
    figures.add(
        backend.name, size, f"PUT throughput ({puts}, {CLIENTS} clients)", f"{rate:.1f} events/s"
    )


def run_backend(
    backend: Backend, work: Path, sizes: list[int], puts: int, first: int, figures: Figures
) -> None:
    backend.start(work)
    try:
        client = Client(backend.port)
        client.request("MKCOL", f"/{USER}/")  # the home (Radicale also makes it at first login)
        check(client.request("MKCALENDAR", CALENDAR, MKCALENDAR)[0], (201,), "MKCALENDAR")
        rate = put_many(backend.port, list(range(first)))
        figures.add(
            backend.name, 0, f"PUT first {first:,} events over HTTP", f"{rate:.1f} events/s"
        )
        for size in sizes:
            measure_size(backend, work, size, puts, figures)
    finally:
        backend.stop()


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
        add_arguments(parser)
        args = parser.parse_args(argv)
    sizes = [int(s) for s in args.storage_sizes.split(",") if s]
    wanted = {b.strip() for b in args.storage_backends.split(",")}
    server = args.storage_pg_url.rstrip("/")
    postgres_url = f"{server}/{PG_DATABASE}"
    admin = f"{server}/postgres"
    print(f"DAV storage benchmark, sizes {sizes}, load average {load_average()}", flush=True)
    figures = Figures()
    work = Path(tempfile.mkdtemp(prefix="maillage-bench-dav-storage-"))
    try:
        backends: list[tuple[Backend, list[int], int]] = []
        if "sqlite" in wanted:
            var = work / "sqlite-var"
            var.mkdir()
            env = {"MAILLAGE_VAR_DIR": str(var), "DATABASE_URL": ""}
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", "migrate", "-v0"],
                cwd=REPO_ROOT,
                env={**os.environ, **env},
                check=True,
            )
            backends.append(
                (
                    Backend("sqlite", DB_STORAGE_TYPE, env, work / "unused"),
                    sizes,
                    args.storage_puts,
                )
            )
        if "postgres" in wanted:
            for statement in (
                f'DROP DATABASE IF EXISTS "{PG_DATABASE}"',
                f'CREATE DATABASE "{PG_DATABASE}"',
            ):
                subprocess.run(["psql", admin, "-qc", statement], check=True)  # noqa: S603,S607
            env = {"DATABASE_URL": postgres_url, "MAILLAGE_VAR_DIR": str(work / "pg-var")}
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", "migrate", "-v0"],
                cwd=REPO_ROOT,
                env={**os.environ, **env},
                check=True,
            )
            backends.append(
                (
                    Backend("postgres", DB_STORAGE_TYPE, env, work / "unused"),
                    sizes,
                    args.storage_puts,
                )
            )
        if "file" in wanted:
            backends.append(
                (
                    Backend(
                        "file",
                        "multifilesystem",
                        {"MAILLAGE_VAR_DIR": str(work / "file-var")},
                        work / "radicale",
                    ),
                    [s for s in sizes if s <= args.storage_file_max],
                    args.storage_file_puts,
                )
            )
        if "xandikos" in wanted:
            print(f"Installing Xandikos {XANDIKOS_VERSION} in {XANDIKOS_VENV}…", flush=True)
            why_not = install_xandikos()
            if why_not:
                print(f"Xandikos skipped: cannot install it ({why_not})", flush=True)
            else:
                backends.append(
                    (
                        Xandikos("xandikos", "", {}, work / "xandikos"),
                        [s for s in sizes if s <= args.storage_file_max],
                        args.storage_file_puts,
                    )
                )
        for backend, backend_sizes, puts in backends:
            print(f"\n{backend.name}:", flush=True)
            run_backend(backend, work, backend_sizes, puts, args.storage_first, figures)
        if "postgres" in wanted:
            drop = f'DROP DATABASE IF EXISTS "{PG_DATABASE}"'
            subprocess.run(["psql", admin, "-qc", drop], check=False)  # noqa: S603,S607
    except Exception:
        for log in sorted(work.glob("*-server.log")):
            tail = log.read_text(errors="replace").splitlines()[-40:]
            if tail:
                print(f"\n{log.name} (last lines):", *tail, sep="\n", file=sys.stderr)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nSummary (backend, events, measure, value):")
    for row in figures.rows:
        print(f"  {row[0]:<10} {row[1]:>7,}  {row[2]:<36} {row[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
