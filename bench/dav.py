"""CalDAV benchmark: Radicale through Maillage's /dav/ against a stock Radicale, and a big calendar.

1. The same CalDAV requests (PUT, REPORT time-range, sync-collection, PROPFIND depth 1) sent to
   Maillage served by Daphne (``/dav/<email>/espace-<slug>--agenda/``: our auth, rights, a2wsgi)
   and to a standalone stock Radicale (``python -m radicale``, htpasswd plain, owner_only) on a
   copy of the same storage: p50/p95 per operation and the overhead ratio, in one run.
2. A calendar of ``--events`` events (10,000 by default), filled through Radicale's storage API:
   full sync, one-change sync, month query, GET, web month view; absolute times, with Radicale's
   cache settings in effect. The same requests go to a stock Radicale on a copy, for reference.

Everything runs on loopback in a temporary directory removed at the end (both servers are
subprocesses killed at exit). Figures are printed, never asserted; the exit status is 1 only when
a request fails (unexpected HTTP status), never because of a timing.

Run from the repository root: ``.venv/bin/python bench/dav.py [--events N] [--reps N]``.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO_ROOT, dir_size, percentile, setup_django

HOST = "127.0.0.1"
SPACE_SLUG = "bench-dav"
EMAIL = "membre@bench-dav.example"
PASSWORD = "banc-essai-caldav-" + "x" * 8  # noqa: S105 (throw-away account)
TZ = ZoneInfo("Europe/Paris")
TIMEOUT = (5, 30)  # connect, read (seconds)
BIG_TIMEOUT = (5, 180)  # requests over the whole big calendar
SEED = 20261105

_NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"'
PROPFIND_BODY = (
    f'<?xml version="1.0" encoding="utf-8"?><D:propfind {_NS}><D:prop>'
    "<D:getetag/><D:getcontenttype/><D:resourcetype/></D:prop></D:propfind>"
)
_TOKEN_RE = re.compile(r"<(?:\w+:)?sync-token>([^<]*)</(?:\w+:)?sync-token>")
_RESPONSE_RE = re.compile(r"<(?:\w+:)?response[ >]")

VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n"
)
_SUBJECTS = (
    "Conseil communautaire",
    "Commission voirie",
    "Réunion de chantier",
    "Comité de pilotage",
    "Permanence des élus",
    "Bureau communautaire",
    "Visite de l'école",
    "Point budget",
    "Commission assainissement",
    "Atelier tourisme",
)
_PLACES = ("Salle du conseil", "Mairie annexe", "Visioconférence", "Médiathèque", "Gymnase")


class RequestFailed(RuntimeError):
    """A request answered with an unexpected status: a failure, not a timing."""


# --- Options ------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dav (bench/dav.py)")
    group.add_argument(
        "--events", type=int, default=10_000, help="events in the big calendar (10000)"
    )
    group.add_argument(
        "--reps",
        type=int,
        default=100,
        help="timed requests per operation and server in part 1 (100; PUTs: twice as many)",
    )
    group.add_argument(
        "--big-reps",
        type=int,
        default=5,
        help="timed requests per operation on the big calendar (5)",
    )
    group.add_argument(
        "--put-clients", type=int, default=4, help="parallel clients for the PUT throughput (4)"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return parser.parse_args(argv)


# --- Events -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    uid: str
    text: str
    start: datetime
    end: datetime
    recurring: bool

    @property
    def href(self) -> str:
        return f"{self.uid}.ics"


def _local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def make_event(rng: random.Random, start: datetime, *, recurring: bool = False) -> Event:
    """A small event in Europe/Paris time (with its VTIMEZONE, as clients send them)."""
    uid = str(uuid.UUID(int=rng.getrandbits(128)))
    end = start + timedelta(minutes=rng.choice((30, 60, 90, 120)))
    subject = rng.choice(_SUBJECTS)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Maillage//bench dav//FR",
        VTIMEZONE.rstrip("\r\n"),
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20260101T090000Z",
        f"DTSTART;TZID=Europe/Paris:{_local(start)}",
        f"DTEND;TZID=Europe/Paris:{_local(end)}",
        f"SUMMARY:{subject} n°{rng.randint(1, 999)}",
        f"LOCATION:{rng.choice(_PLACES)}",
        "DESCRIPTION:Ordre du jour : point d'étape\\, questions diverses.",
    ]
    if recurring:
        lines.append("RRULE:FREQ=WEEKLY;COUNT=10")
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return Event(uid, "\r\n".join(lines), start, end, recurring)


def month_bounds(day: date) -> tuple[datetime, datetime]:
    first = datetime(day.year, day.month, 1, tzinfo=TZ)
    following = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=TZ)
    return first, following


def spread_events(count: int, rng: random.Random, today: date) -> list[Event]:
    """``count`` events over the 48 months around today (about count/48 in this month), working
    hours, 1 % of them weekly for ten weeks."""
    first = datetime(today.year - 2, today.month, 1, 8, tzinfo=TZ)
    span_days = (datetime(today.year + 2, today.month, 1, tzinfo=TZ) - first).days
    events = []
    for _ in range(count):
        start = first + timedelta(
            days=rng.randrange(span_days), hours=rng.randrange(11), minutes=rng.choice((0, 30))
        )
        start = start.replace(tzinfo=TZ)  # wall time in Paris, whatever the DST
        events.append(make_event(rng, start, recurring=rng.random() < 0.01))
    return events


def utc(value: datetime) -> str:
    return value.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")


def report_month_body(start: datetime, end: datetime) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><C:calendar-query {_NS}>'
        "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f'<C:time-range start="{utc(start)}" end="{utc(end)}"/>'
        "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    )


def sync_body(token: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
        f"<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
        "<D:prop><D:getetag/></D:prop></D:sync-collection>"
    )


# --- Servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A subprocess serving HTTP on loopback; ``collection`` is the benchmarked calendar's URL."""

    name: str
    command: list[str]
    port: int
    collection_path: str
    log: Path
    env: dict[str, str] | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def collection(self) -> str:
        return self.base + self.collection_path

    def start(self, timeout: float = 60) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own command line)
                self.command,
                cwd=REPO_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.log_tail()}")
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not listen within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)  # its own session: only what we started
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def rss_mb(self) -> float | None:
        from bench.common import rss_mb

        return rss_mb(self.process.pid) if self.process else None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def radicale_config_text(
    configuration: Any, storage_folder: Path, port: int, htpasswd: Path
) -> str:
    """A stock Radicale's configuration: same [storage] settings as Maillage's, plain auth."""
    skipped = {"type", "filesystem_folder", "hook", "predefined_collections"}
    storage = [
        f"{option} = {configuration.get_raw('storage', option)}"
        for option in configuration.options("storage")
        if option not in skipped and not option.startswith("_")
    ]
    return "\n".join(
        [
            "[server]",
            f"hosts = {HOST}:{port}",
            "[auth]",
            "type = htpasswd",
            f"htpasswd_filename = {htpasswd}",
            "htpasswd_encryption = plain",
            "delay = 0",
            "[rights]",
            "type = owner_only",
            "[storage]",
            f"filesystem_folder = {storage_folder}",
            *storage,
            "[web]",
            "type = none",
            "[logging]",
            "level = warning",
            "",
        ]
    )


def storage_settings(configuration: Any) -> list[tuple[str, str]]:
    return [
        (option, str(configuration.get_raw("storage", option)))
        for option in configuration.options("storage")
        if not option.startswith("_") or option == "_filesystem_fsync"
    ]


# --- HTTP ---------------------------------------------------------------------------------------


def new_session(auth: tuple[str, str] | None = None) -> Any:
    import niquests

    session = niquests.Session(disable_http2=True, disable_http3=True, pool_maxsize=2)
    session.trust_env = False  # no proxy from the environment: loopback only
    if auth:
        session.auth = auth
    return session


def timed(
    session: Any,
    method: str,
    url: str,
    *,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    expect: tuple[int, ...] = (200,),
    timeout: tuple[float, float] = TIMEOUT,
    allow_redirects: bool = False,
) -> tuple[float, Any]:
    """(milliseconds until the whole body is read, response)."""
    data = body.encode() if body is not None else None
    started = time.perf_counter()
    response = session.request(
        method,
        url,
        data=data,
        headers=headers,
        timeout=timeout,
        allow_redirects=allow_redirects,
    )
    content = response.content or b""
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code not in expect:
        raise RequestFailed(
            f"{method} {url} → {response.status_code} (expected {expect}): "
            f"{content[:300].decode(errors='replace')}"
        )
    return elapsed, response


def put(session: Any, collection: str, event: Event, *, create: bool = True) -> float:
    headers = {"Content-Type": "text/calendar; charset=utf-8"}
    if create:
        headers["If-None-Match"] = "*"
    ms, _ = timed(
        session,
        "PUT",
        collection + event.href,
        body=event.text,
        headers=headers,
        expect=(201,) if create else (201, 204),
    )
    return ms


def propfind(session: Any, collection: str, *, timeout: tuple[float, float] = TIMEOUT) -> Any:
    return timed(
        session,
        "PROPFIND",
        collection,
        body=PROPFIND_BODY,
        headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        expect=(207,),
        timeout=timeout,
    )


def report(
    session: Any, collection: str, body: str, *, timeout: tuple[float, float] = TIMEOUT
) -> Any:
    return timed(
        session,
        "REPORT",
        collection,
        body=body,
        headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        expect=(207,),
        timeout=timeout,
    )


def sync(
    session: Any, collection: str, token: str, *, timeout: tuple[float, float] = TIMEOUT
) -> tuple[float, str, int]:
    """(ms, new token, number of <response> elements)."""
    ms, response = report(session, collection, sync_body(token), timeout=timeout)
    text = response.text
    match = _TOKEN_RE.search(text)
    if match is None:
        raise RequestFailed(f"sync-collection on {collection}: no sync-token in the answer")
    return ms, match.group(1), len(_RESPONSE_RE.findall(text))


def count_responses(response: Any) -> int:
    return len(_RESPONSE_RE.findall(response.text))


def rights_cost(fixture: Fixture, calls: int = 200) -> tuple[int, float]:
    """SQL queries and milliseconds of one call of Maillage's rights plugin on the space
    calendar, in this process (same SQLite file as Daphne)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from calendars.dav.rights import Rights

    rights = Rights(fixture.configuration)
    with CaptureQueriesContext(connection) as queries:
        rights.authorization(EMAIL, set(), fixture.link_path)
    started = time.perf_counter()
    for _ in range(calls):
        rights.authorization(EMAIL, set(), fixture.link_path)
    return len(queries), (time.perf_counter() - started) * 1000 / calls


def connect_ms(port: int, count: int = 50) -> float:
    """Median time of a bare TCP connect + close on loopback."""
    values = []
    for _ in range(count):
        started = time.perf_counter()
        socket.create_connection((HOST, port), timeout=5).close()
        values.append((time.perf_counter() - started) * 1000)
    return percentile(values, 50)


# --- Figures ------------------------------------------------------------------------------------


@dataclass
class Timings:
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str, ms: float) -> None:
        self.values.setdefault(key, []).append(ms)

    def p(self, key: str, pct: float) -> float:
        return percentile(self.values.get(key, []), pct)


def fmt(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def print_comparison(
    title: str, timings: Timings, operations: list[str], names: tuple[str, str]
) -> None:
    first, second = names
    print(title)
    header = (
        f"{'operation':<28} | {'n':>4} | {first + ' p50':>13} | {'p95':>7} | "
        f"{second + ' p50':>15} | {'p95':>7} | {'ratio p50':>9} | {'extra ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for op in operations:
        a50, a95 = timings.p(f"{first}:{op}", 50), timings.p(f"{first}:{op}", 95)
        b50, b95 = timings.p(f"{second}:{op}", 50), timings.p(f"{second}:{op}", 95)
        ratio = f"{a50 / b50:.2f}x" if b50 and not math.isnan(b50) else "-"
        extra = fmt(a50 - b50) if not math.isnan(b50) else "-"
        n = len(timings.values.get(f"{first}:{op}", []))
        print(
            f"{op:<28} | {n:>4} | {fmt(a50):>13} | {fmt(a95):>7} | {fmt(b50):>15} | "
            f"{fmt(b95):>7} | {ratio:>9} | {extra:>8}"
        )
    print()


# --- Setup --------------------------------------------------------------------------------------


@dataclass
class Fixture:
    var_dir: Path
    storage_dir: Path
    link_path: str  # /<email>/espace-<slug>--agenda/
    space_collection: str  # spaces/<slug>/agenda
    secret: str
    configuration: Any


def bootstrap(var_dir: Path, maillage_port: int) -> None:
    """Django on a throw-away SQLite database with production-like settings (DEBUG off)."""
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": f"http://{HOST}:{maillage_port}",  # the web agenda calls /dav/ through it
        "STATIC_ROOT": str(var_dir / "static"),
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "LOG_LEVEL": "WARNING",
        "RADICALE_LOG_LEVEL": "warning",
        # This benchmark serves a copy of the same folder with a stock Radicale: file storage
        # (the database storage is compared with it in bench/dav_storage.py).
        "RADICALE_STORAGE": "file",
    }
    for name in ("CALDAV_URL", "RADICALE_STORAGE_DIR", "REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    setup_django(str(var_dir), env=env, migrate=True)

    from django.conf import global_settings, settings
    from django.contrib.auth import hashers
    from django.core.management import call_command

    # setup_django installs MD5 for speed; Daphne (default hashers) must check this password.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()
    call_command("collectstatic", interactive=False, verbosity=0)  # manifest storage, DEBUG off


def build_fixture(var_dir: Path) -> Fixture:
    from django.conf import settings

    from calendars.dav.app import radicale_configuration
    from calendars.dav.paths import link_path, space_collection
    from calendars.services.app_passwords import create_app_password
    from calendars.services.space_calendars import DEFAULT_SLUG, sync_user_links
    from extranet.services.accounts import create_user
    from extranet.services.memberships import add_member
    from extranet.services.spaces import create_space

    space = create_space(name="Banc d'essai CalDAV", slug=SPACE_SLUG, kind="project")
    user = create_user(
        email=EMAIL, full_name="Membre Banc", password=PASSWORD, validate=False
    )  # email_verified=True by default: the web login needs it
    add_member(space=space, user=user, role="member")
    _, secret = create_app_password(user=user, name="bench dav")
    sync_user_links(user)
    storage_dir = Path(settings.RADICALE_STORAGE_DIR)
    link = "/" + link_path(EMAIL, SPACE_SLUG, DEFAULT_SLUG) + "/"
    if not (storage_dir / "collection-root" / link.strip("/")).is_dir():
        raise RuntimeError(f"space calendar link {link} missing in {storage_dir}")
    return Fixture(
        var_dir=var_dir,
        storage_dir=storage_dir,
        link_path=link,
        space_collection=space_collection(SPACE_SLUG, DEFAULT_SLUG),
        secret=secret,
        configuration=radicale_configuration(),
    )


def standalone_server(fixture: Fixture, name: str, port: int) -> Server:
    """A stock Radicale on a copy of the storage as it is now (links copied as links)."""
    copy = fixture.var_dir / f"{name}-storage"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(fixture.storage_dir, copy, symlinks=True)
    htpasswd = fixture.var_dir / "htpasswd"
    htpasswd.write_text(f"{EMAIL}:{fixture.secret}\n")
    config = fixture.var_dir / f"{name}.ini"
    config.write_text(radicale_config_text(fixture.configuration, copy, port, htpasswd))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RADICALE_"))}
    return Server(
        name="radicale",
        command=[sys.executable, "-m", "radicale", "--config", str(config)],
        port=port,
        collection_path=fixture.link_path,
        log=fixture.var_dir / f"{name}.log",
        env=env,
    )


def maillage_server(fixture: Fixture, port: int) -> Server:
    daphne = Path(sys.executable).parent / "daphne"
    return Server(
        name="maillage",
        command=[str(daphne), "-b", HOST, "-p", str(port), "extranet.asgi:application"],
        port=port,
        collection_path="/dav" + fixture.link_path,
        log=fixture.var_dir / "daphne.log",
        env=dict(os.environ),
    )


# --- Part 1: overhead ---------------------------------------------------------------------------


def interleaved(servers: list[Server], reps: int) -> Iterator[tuple[int, Server]]:
    """Alternate the servers, swapping which goes first on every round (order bias cancels)."""
    for i in range(reps):
        order = servers if i % 2 == 0 else list(reversed(servers))
        for server in order:
            yield i, server


def part_overhead(
    args: argparse.Namespace,
    servers: list[Server],
    sessions: dict[str, Any],
    today: date,
    fixture: Fixture,
) -> None:
    rng = random.Random(SEED)  # noqa: S311 (test data)
    month_start, month_end = month_bounds(today)
    month_body = report_month_body(month_start, month_end)
    warmup = max(5, args.reps // 10)

    def event_in_month() -> Event:
        days = (month_end - month_start).days
        start = month_start + timedelta(days=rng.randrange(days), hours=8 + rng.randrange(10))
        return make_event(rng, start.replace(tzinfo=TZ))

    tokens: dict[str, str] = {}
    for server in servers:  # warm-up: imports, first queries, caches on both sides
        session = sessions[server.name]
        for _ in range(warmup):
            put(session, server.collection, event_in_month())
            report(session, server.collection, month_body)
            propfind(session, server.collection)
        _, tokens[server.name], _ = sync(session, server.collection, "")

    timings = Timings()
    for _, server in interleaved(servers, 2 * args.reps):
        timings.add(
            f"{server.name}:PUT (new event)",
            put(sessions[server.name], server.collection, event_in_month()),
        )
    for server in servers:  # the current token, after the PUTs: "nothing changed" syncs
        _, tokens[server.name], _ = sync(sessions[server.name], server.collection, "")
    sizes: dict[str, int] = {}
    for _, server in interleaved(servers, args.reps):
        session = sessions[server.name]
        ms, response = report(session, server.collection, month_body)
        timings.add(f"{server.name}:REPORT month", ms)
        sizes[server.name] = count_responses(response)
    for _, server in interleaved(servers, args.reps):
        ms, _, _ = sync(sessions[server.name], server.collection, tokens[server.name])
        timings.add(f"{server.name}:sync-collection (token)", ms)
    for _, server in interleaved(servers, args.reps):
        ms, _ = propfind(sessions[server.name], server.collection)
        timings.add(f"{server.name}:PROPFIND depth 1", ms)

    events = warmup + 2 * args.reps
    print(
        f"Part 1 — the same requests through Maillage /dav/ (Daphne) and a stock Radicale, "
        f"interleaved; {warmup} warm-up requests per operation first. The calendar holds "
        f"{events} events by the REPORT (this month: {sizes.get('maillage', '?')} returned)."
    )
    print_comparison(
        f"{2 * args.reps} PUTs, {args.reps} of each other request, per server (ms)",
        timings,
        ["PUT (new event)", "REPORT month", "sync-collection (token)", "PROPFIND depth 1"],
        ("maillage", "radicale"),
    )
    maillage_connect = connect_ms(servers[0].port)
    radicale_connect = connect_ms(servers[1].port)
    print(
        "Stock Radicale's server closes the connection after each response (wsgiref, no "
        "keep-alive), Daphne keeps it open: the radicale column includes a new loopback TCP "
        f"connection per request (bare connect: {fmt(radicale_connect)} ms; to Daphne "
        f"{fmt(maillage_connect)} ms)."
    )
    queries, ms = rights_cost(fixture)
    print(
        f"Maillage's rights plugin (calendars/dav/rights.py), timed in this process: {queries} "
        f"SQL queries and {fmt(ms)} ms per authorization() call. Radicale calls it for the "
        "request path, its parent, and once more per item a PROPFIND lists "
        "(radicale/app/propfind.py, _collect_allowed_items), hence the PROPFIND row."
    )
    print()


def put_batch(collection: str, secret: str, batch: list[Event]) -> list[float]:
    """One client creating ``batch`` on its own connection: the latency of each PUT."""
    session = new_session((EMAIL, secret))
    try:
        return [put(session, collection, event) for event in batch]
    finally:
        session.close()


def part_put_throughput(args: argparse.Namespace, servers: list[Server], fixture: Fixture) -> None:
    """PUT throughput with parallel clients, each server alone."""
    per_client = max(10, args.reps // 2)
    print(
        f"PUT throughput — {args.put_clients} parallel clients × {per_client} new events each, "
        "one server at a time (client threads share the 2 cores with the server):"
    )
    for server in servers:
        rng = random.Random(SEED + server.port)  # noqa: S311
        batches = [
            [
                make_event(rng, datetime(2030, 1, 1, 9, tzinfo=TZ) + timedelta(hours=i))
                for i in range(per_client)
            ]
            for _ in range(args.put_clients)
        ]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.put_clients) as pool:
            futures = [
                pool.submit(put_batch, server.collection, fixture.secret, batch)
                for batch in batches
            ]
            latencies = [ms for future in futures for ms in future.result(timeout=600)]
        wall = time.perf_counter() - started
        total = len(latencies)
        print(
            f"  {server.name:<9} {total} PUTs in {wall:.2f} s: {total / wall:,.0f} events/s; "
            f"latency p50 {fmt(percentile(latencies, 50))} ms, p95 "
            f"{fmt(percentile(latencies, 95))} ms"
        )
    print()


# --- Part 2: big calendar -----------------------------------------------------------------------


def fill_calendar(fixture: Fixture, events: list[Event]) -> tuple[float, float]:
    """Replace the space calendar by ``events`` through Radicale's storage API (one
    ``create_collection`` with all the items: files and item cache written in one go), then
    write the sync history. Returns the seconds of each step."""
    import radicale.item as radicale_item
    import radicale.storage
    import vobject
    from radicale import pathutils

    configuration = fixture.configuration.copy()
    # No fsync per file for the fill (20,000 files); the servers keep Radicale's default.
    configuration.update({"storage": {"_filesystem_fsync": "False"}}, "bench fill", True)
    storage = radicale.storage.load(configuration)
    sane = pathutils.sanitize_path("/" + fixture.space_collection + "/")
    collection_path = pathutils.strip_path(sane)

    # The time range Radicale keeps in its item cache, computed without parsing for the simple
    # events (checked against Radicale's own computation on a sample); recurring ones parsed.
    def item(event: Event) -> Any:
        fields: dict[str, Any] = {}
        if not event.recurring:
            fields["time_range"] = (
                math.floor(event.start.timestamp()),
                math.ceil(event.end.timestamp()),
            )
        return radicale_item.Item(
            collection_path=collection_path,
            text=event.text,
            uid=event.uid,
            name="VCALENDAR",
            component_name="VEVENT",
            **fields,
        )

    for event in [e for e in events if not e.recurring][:: max(1, len(events) // 50)]:
        parsed = vobject.readOne(event.text)
        expected = radicale_item.find_time_range(parsed, radicale_item.find_tag(parsed))
        if item(event).time_range != expected:
            raise RuntimeError(f"time range mismatch for {event.uid}: {expected}")

    started = time.perf_counter()
    with storage.acquire_lock("w"):
        (existing,) = list(storage.discover(sane))
        props = dict(existing.get_meta())
        storage.create_collection(sane, items=(item(e) for e in events), props=props)
    filled = time.perf_counter()
    # A calendar filled by PUTs has a history entry per item (written by each upload): one
    # sync() writes them all, so the servers' first sync does not pay for the shortcut.
    with storage.acquire_lock("w"):
        (collection,) = list(storage.discover(sane))
        collection.sync("")
    return filled - started, time.perf_counter() - filled


def web_login(base: str) -> tuple[Any, dict[str, str]] | str:
    """A logged-in session for the web pages, or the reason why not. Session and CSRF cookies
    are Secure (DEBUG off): the client sends them itself over plain HTTP."""
    session = new_session()
    cookies: dict[str, str] = {}

    def keep(response: Any) -> None:
        for cookie in response.cookies:
            cookies[cookie.name] = cookie.value

    def cookie_header() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}

    _, page = timed(session, "GET", base + "/accounts/login/")
    keep(page)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if not match:
        return "no CSRF token in the login form"
    _, response = timed(
        session,
        "POST",
        base + "/accounts/login/",
        body=(f"login={EMAIL}&password={PASSWORD}&csrfmiddlewaretoken={match.group(1)}"),
        headers={"Content-Type": "application/x-www-form-urlencoded", **cookie_header()},
        expect=(200, 302, 303),
        timeout=(5, 60),
    )
    keep(response)
    if response.status_code == 200 or "sessionid" not in cookies:
        return f"login refused (status {response.status_code})"
    return session, cookie_header()


def part_big_calendar(
    args: argparse.Namespace,
    fixture: Fixture,
    maillage: Server,
    radicale_port: int,
    today: date,
    started_servers: list[Server],
) -> None:
    rng = random.Random(SEED + 1)  # noqa: S311
    generated = time.perf_counter()
    events = spread_events(args.events, rng, today)
    generated = time.perf_counter() - generated
    seconds, history_seconds = fill_calendar(fixture, events)
    collection_dir = fixture.storage_dir / "collection-root" / fixture.space_collection
    print(
        f"Part 2 — a calendar of {len(events):,} events (48 months around today, "
        f"{sum(e.recurring for e in events)} weekly recurring), in the space calendar."
    )
    print(
        f"Fill through Radicale's storage API (create_collection with all items, no fsync): "
        f"{seconds:.1f} s ({len(events) / seconds:,.0f} events/s; generating the texts "
        f"{generated:.1f} s), then the sync history of every item {history_seconds:.1f} s; "
        f"{dir_size(collection_dir) / 1e6:.1f} MB on disk with the caches."
    )
    radicale = standalone_server(fixture, "radicale-big", radicale_port)
    started_servers.append(radicale)  # stopped at exit, even after a failure
    radicale.start()
    servers = [maillage, radicale]
    sessions = {s.name: new_session((EMAIL, fixture.secret)) for s in servers}

    cold = Timings()
    tokens: dict[str, str] = {}
    counts: dict[str, int] = {}
    for server in servers:  # first request on the big calendar (files in the page cache)
        ms, tokens[server.name], counts[server.name] = sync(
            sessions[server.name], server.collection, "", timeout=BIG_TIMEOUT
        )
        cold.add(f"{server.name}:first full sync", ms)
    for server in servers:
        ms, _, _ = sync(sessions[server.name], server.collection, "", timeout=BIG_TIMEOUT)
        cold.add(f"{server.name}:second full sync", ms)
    month_start, month_end = month_bounds(today)
    month_body = report_month_body(month_start, month_end)
    in_month = sum(1 for e in events if e.start < month_end and e.end > month_start)

    web = web_login(maillage.base)
    web_note = ""
    web_titles = 0
    web_url = f"{maillage.base}/s/{SPACE_SLUG}/agenda/"
    if isinstance(web, str):
        web_note = f"not available yet ({web})"
    else:
        try:
            ms, page = timed(web[0], "GET", web_url, headers=web[1], timeout=BIG_TIMEOUT)
            cold.add("maillage:web month view (first)", ms)
            web_titles = page.text.count(" n°")  # every generated summary ends with "n°<k>"
        except RequestFailed as exc:
            web_note = f"not available yet ({str(exc)[:160]})"

    timings = Timings()
    sizes: dict[str, dict[str, int]] = {s.name: {} for s in servers}
    target = events[len(events) // 2]
    for i, server in interleaved(servers, args.big_reps):
        name, session, url = server.name, sessions[server.name], server.collection
        ms, _, n = sync(session, url, "", timeout=BIG_TIMEOUT)
        timings.add(f"{name}:full sync (no token)", ms)
        ms, response = propfind(session, url, timeout=BIG_TIMEOUT)
        timings.add(f"{name}:PROPFIND depth 1 (ETags)", ms)
        sizes[name]["propfind"] = len(response.content)
        sizes[name]["propfind n"] = count_responses(response) - 1
        fresh = make_event(rng, target.start)  # new summary and length, same UID and href
        changed = Event(
            target.uid, fresh.text.replace(fresh.uid, target.uid), fresh.start, fresh.end, False
        )
        timings.add(f"{name}:PUT (change one event)", put(session, url, changed, create=False))
        ms, tokens[name], n = sync(session, url, tokens[name], timeout=BIG_TIMEOUT)
        timings.add(f"{name}:one-change sync (token)", ms)
        sizes[name]["one-change"] = n
        ms, response = report(session, url, month_body, timeout=BIG_TIMEOUT)
        timings.add(f"{name}:REPORT month", ms)
        sizes[name]["month"] = count_responses(response)
        sizes[name]["month bytes"] = len(response.content)
        ms, _ = timed(session, "GET", url + events[(i * 7919) % len(events)].href)
        timings.add(f"{name}:GET one event", ms)
        if name == "maillage" and not web_note and not isinstance(web, str):
            ms, _ = timed(web[0], "GET", web_url, headers=web[1], timeout=BIG_TIMEOUT)
            timings.add("maillage:web month view", ms)

    print(
        f"First requests after the fill: "
        f"full sync maillage {fmt(cold.p('maillage:first full sync', 50))} ms, radicale "
        f"{fmt(cold.p('radicale:first full sync', 50))} ms; second: maillage "
        f"{fmt(cold.p('maillage:second full sync', 50))} ms, radicale "
        f"{fmt(cold.p('radicale:second full sync', 50))} ms "
        f"({counts['maillage']:,} items listed)."
    )
    print()
    operations = [
        "full sync (no token)",
        "PROPFIND depth 1 (ETags)",
        "PUT (change one event)",
        "one-change sync (token)",
        "REPORT month",
        "GET one event",
    ]
    print_comparison(
        f"{args.big_reps} rounds on the {len(events):,}-event calendar, interleaved (ms)",
        timings,
        operations,
        ("maillage", "radicale"),
    )
    m = sizes["maillage"]
    print(
        f"Sizes: PROPFIND {m['propfind'] / 1e6:.2f} MB ({m['propfind n']:,} items), "
        f"REPORT month {m['month']} events ({in_month} single or first occurrences start "
        f"this month), {m['month bytes'] / 1e3:.0f} kB; one-change sync returned "
        f"{m['one-change']} response(s)."
    )
    if web_note:
        print(f"Web month view ({web_url}): {web_note}")
    else:
        first = fmt(cold.p("maillage:web month view (first)", 50))
        p50 = fmt(timings.p("maillage:web month view", 50))
        p95 = fmt(timings.p("maillage:web month view", 95))
        print(
            f"Web month view /s/{SPACE_SLUG}/agenda/ (logged in; Django renders the month after "
            f"its own REPORT through /dav/): first {first} ms, then p50 {p50} ms, p95 {p95} ms "
            f"over {args.big_reps}; {web_titles} event titles on the page."
        )
    print(
        f"Memory (RSS) after part 2: Daphne {fmt(maillage.rss_mb() or float('nan'))} MB, "
        f"stock Radicale {fmt(radicale.rss_mb() or float('nan'))} MB."
    )
    print()
    for session in sessions.values():
        session.close()


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1/5/15 min)"
    except OSError:
        return "unknown"


# --- Main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = parse_args(argv)
    started = time.perf_counter()
    var_dir = Path(tempfile.mkdtemp(prefix="maillage-bench-dav-"))
    servers: list[Server] = []
    status = 0
    try:
        status = run(args, var_dir, servers, started)
    except (RequestFailed, RuntimeError, OSError):
        traceback.print_exc()
        for server in servers:
            print(f"\n--- last lines of {server.name}'s log ---\n{server.log_tail()}")
        status = 1
    finally:
        for server in servers:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up)
            pass
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"Load average at the end: {load_average()}")
    print(f"Total: {time.perf_counter() - started:.0f} s")
    return status


def run(args: argparse.Namespace, var_dir: Path, servers: list[Server], started: float) -> int:
    import django
    import radicale

    maillage_port, radicale_port, big_port = free_port(), free_port(), free_port()
    bootstrap(var_dir, maillage_port)
    from django.conf import settings
    from django.utils import timezone

    # Created here so that Radicale does not warn that it creates them.
    (Path(settings.RADICALE_STORAGE_DIR) / "collection-root").mkdir(parents=True, exist_ok=True)
    fixture = build_fixture(var_dir)
    today = timezone.localdate()

    print("Maillage bench — CalDAV through /dav/ against a stock Radicale, and a big calendar")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, Radicale "
        f"{radicale.VERSION}, {os.cpu_count()} CPU(s); Maillage: Daphne, DEBUG off, SQLite, "
        "app password (SHA-256); stock Radicale: its own server, htpasswd plain, owner_only."
    )
    print(f"Load average at start: {load_average()} (other work on the machine adds noise)")
    print(f"Calendar: {fixture.link_path} (a link to /{fixture.space_collection}/ in storage)")
    print(
        "Radicale [storage] settings in effect (Maillage's radicale_configuration(), copied to "
        "the stock server):"
    )
    for option, value in storage_settings(fixture.configuration):
        if option != "filesystem_folder":
            print(f"  {option} = {value}")
    print()

    maillage = maillage_server(fixture, maillage_port)
    servers.append(maillage)
    maillage.start()
    radicale_small = standalone_server(fixture, "radicale", radicale_port)
    servers.append(radicale_small)
    radicale_small.start()
    setup_seconds = time.perf_counter() - started
    print(f"Set-up (migrate, collectstatic, fixtures, servers started): {setup_seconds:.0f} s")
    print()

    pair = [maillage, radicale_small]
    sessions = {s.name: new_session((EMAIL, fixture.secret)) for s in pair}
    part_overhead(args, pair, sessions, today, fixture)
    part_put_throughput(args, pair, fixture)
    for session in sessions.values():
        session.close()
    radicale_small.stop()
    servers.remove(radicale_small)

    part_big_calendar(args, fixture, maillage, big_port, today, servers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
