"""Acceptance of the database storage with several app servers: two real Daphne processes on one
PostgreSQL database, clients writing through both. No item is lost or duplicated, concurrent
writers of one item resolve by ETag across processes, and sync tokens mean the same on both."""

from __future__ import annotations

import base64
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from django.db import connection
from django.db.models import Count
from radicale import xmlutils

from calendars.dav.paths import link_name, space_collection
from calendars.models import DavCollection, DavItem
from calendars.services.app_passwords import create_app_password
from calendars.services.space_calendars import sync_user_links

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[2]
DAPHNE = Path(sys.executable).with_name("daphne")

PROPFIND_ETAGS = (
    b'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
    b"<D:prop><D:getetag/></D:prop></D:propfind>"
)


def event(uid: str, day: int, hour: int = 9) -> bytes:
    month, mday = 1 + (day // 28) % 12, 1 + day % 28
    stamp = f"2027{month:02d}{mday:02d}"
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Maillage tests//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T090000Z\r\n"
        f"DTSTART:{stamp}T{hour:02d}0000Z\r\nDTEND:{stamp}T{hour + 1:02d}0000Z\r\n"
        f"SUMMARY:Réunion {uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    """The test database (the one this test writes committed rows to), as DATABASE_URL."""
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = quote(settings["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings["HOST"] or "127.0.0.1"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{settings['NAME']}"


class Server:
    """One ``daphne extranet.asgi:application`` process on a free port."""

    def __init__(self, name: str, env: dict[str, str], log: Path) -> None:
        self.name = name
        self.port = _free_port()
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter's daphne
                [str(DAPHNE), "-b", HOST, "-p", str(self.port), "extranet.asgi:application"],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne {self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                with socket.create_connection((HOST, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"daphne {self.name} did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def two_servers(transactional_db, tmp_path) -> Iterator[tuple[Server, Server]]:
    if connection.vendor != "postgresql":
        pytest.skip("two app servers share one database: PostgreSQL only")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MAILLAGE_VAR_DIR": str(tmp_path / "var"),
        "RADICALE_STORAGE": "database",
        "DJANGO_SETTINGS_MODULE": "extranet.settings",
    }
    servers = (Server("A", env, tmp_path / "a.log"), Server("B", env, tmp_path / "b.log"))
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        # Before the test database is flushed: their connections must be gone.
        for server in servers:
            server.stop()


class Client:
    def __init__(self, server: Server, auth: tuple[str, str]) -> None:
        self.server = server
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        self.authorization = f"Basic {token}"

    def request(
        self, method: str, path: str, body: bytes = b"", **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        all_headers = {"Authorization": self.authorization, "Content-Length": str(len(body))}
        if body.startswith(b"BEGIN:"):
            all_headers["Content-Type"] = "text/calendar; charset=utf-8"
        elif body:
            all_headers["Content-Type"] = "application/xml; charset=utf-8"
        all_headers.update({key.replace("_", "-"): value for key, value in headers.items()})
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def etags(self, path: str) -> dict[str, str]:
        """href → ETag of every item, from a PROPFIND depth 1 asking only ETags."""
        status, _headers, body = self.request("PROPFIND", path, PROPFIND_ETAGS, Depth="1")
        assert status == 207, body
        found = {}
        for response in ET.fromstring(body):  # noqa: S314 - our own server's answer
            href = unquote(response.findtext(xmlutils.make_clark("D:href")) or "")
            etag = response.findtext(f".//{xmlutils.make_clark('D:getetag')}")
            if href != path and etag:
                found[href] = etag
        return found

    def sync(self, path: str, token: str = "") -> tuple[str, dict[str, str | None]]:
        """(new token, href → ETag, None for a deletion) from a sync-collection REPORT."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
            f"<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
            "<D:prop><D:getetag/></D:prop></D:sync-collection>"
        ).encode()
        status, _headers, answer = self.request("REPORT", path, body)
        assert status == 207, answer
        root = ET.fromstring(answer)  # noqa: S314 - our own server's answer
        changes: dict[str, str | None] = {}
        for response in root.findall(xmlutils.make_clark("D:response")):
            href = unquote(response.findtext(xmlutils.make_clark("D:href")) or "")
            changes[href] = response.findtext(f".//{xmlutils.make_clark('D:getetag')}")
        return root.findtext(xmlutils.make_clark("D:sync-token")) or "", changes


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]
    return results


WRITERS = 6
EVENTS_PER_WRITER = 12


def test_two_daphne_processes_on_one_database_lose_and_duplicate_nothing(
    two_servers, space, member
):
    server_a, server_b = two_servers
    _app_password, secret = create_app_password(user=member, name="Téléphone")
    sync_user_links(member)
    auth = (member.email, secret)
    path = f"/dav/{member.email}/{link_name('elus', 'agenda')}/"
    a, b = Client(server_a, auth), Client(server_b, auth)
    assert a.etags(path) == b.etags(path) == {}
    start_token, _ = a.sync(path)

    # 1. Writers creating distinct events, each alternating between the two servers.
    def create(worker: int, first: int, count: int) -> list[int]:
        statuses = []
        for n in range(first, first + count):
            client = (a, b)[(worker + n) % 2]
            uid = f"w{worker}-{n}"
            status, _h, _b = client.request(
                "PUT", f"{path}{uid}.ics", event(uid, worker * 20 + n), If_None_Match="*"
            )
            statuses.append(status)
        return statuses

    half = EVENTS_PER_WRITER // 2
    results = _together([lambda w=w: create(w, 0, half) for w in range(WRITERS)])
    assert all(status == 201 for statuses in results for status in statuses), results
    middle_token, first_half = b.sync(path, start_token)
    assert len(first_half) == WRITERS * half

    # 2. Two clients creating the same new href, one through each server: one gets it.
    results = _together(
        [
            lambda c=c, k=k: c.request(
                "PUT", f"{path}partage.ics", event("partage", 100 + k), If_None_Match="*"
            )[0]
            for k, c in enumerate((a, b))
        ]
    )
    assert sorted(results) == [201, 412], results

    # 3. Concurrent updates of one item with the same If-Match through both servers, while the
    # other writers go on: exactly one 2xx per ETag, the other 412, and the winner is stored.
    def contend() -> list[tuple[int, int]]:
        rounds = []
        for round_ in range(6):
            _status, headers, _body = a.request("GET", f"{path}partage.ics")
            etag = headers["ETag"]
            texts = [event("partage", 110 + 2 * round_ + k, hour=8 + k) for k in (0, 1)]
            outcome = _together(
                [
                    lambda c=c, t=t, etag=etag: c.request(
                        "PUT", f"{path}partage.ics", t, If_Match=etag
                    )
                    for c, t in zip((a, b), texts, strict=True)
                ]
            )
            statuses = [status for status, _h, _b in outcome]
            assert sorted(statuses) == [204, 412], statuses
            winner = statuses.index(204)
            stored = (b, a)[round_ % 2].request("GET", f"{path}partage.ics")
            assert stored[1]["ETag"] == outcome[winner][1]["ETag"]  # no lost update
            start = next(ln for ln in texts[winner].split(b"\r\n") if ln.startswith(b"DTSTART"))
            assert start in stored[2]
            rounds.append((statuses[0], statuses[1]))
        return rounds

    results = _together(
        [lambda w=w: create(w, half, EVENTS_PER_WRITER - half) for w in range(WRITERS)] + [contend]
    )
    *created, _rounds = results
    assert all(status == 201 for statuses in created for status in statuses), created

    # 4. Every event present once, with the same ETag whichever server answers.
    expected = {f"{path}w{w}-{n}.ics" for w in range(WRITERS) for n in range(EVENTS_PER_WRITER)}
    expected.add(f"{path}partage.ics")
    etags_a, etags_b = a.etags(path), b.etags(path)
    assert set(etags_a) == expected
    assert etags_a == etags_b
    for href in (f"{path}w0-0.ics", f"{path}w5-11.ics", f"{path}partage.ics"):
        from_a, from_b = a.request("GET", href), b.request("GET", href)
        assert from_a[0] == from_b[0] == 200
        assert from_a[1]["ETag"] == from_b[1]["ETag"] == etags_a[href]
        assert from_a[2] == from_b[2]

    # 5. A sync from one token answers the same on both servers, and covers what was written.
    token_a, since_middle_a = a.sync(path, middle_token)
    token_b, since_middle_b = b.sync(path, middle_token)
    assert token_a == token_b
    assert since_middle_a == since_middle_b
    assert set(since_middle_a) == expected - set(first_half)
    assert since_middle_a == {href: etags_a[href] for href in since_middle_a}
    _full_token, since_start = b.sync(path, start_token)
    assert since_start == etags_a
    assert a.sync(path, token_b) == (token_b, {})
    assert b.sync(path, token_a) == (token_a, {})

    # 6. In the database: one row per href and per UID, a change-log row per item.
    stored = DavItem.objects.filter(collection__path=space_collection("elus", "agenda"))
    assert stored.count() == len(expected)
    assert not stored.values("href").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert not stored.values("uid").annotate(n=Count("id")).filter(n__gt=1).exists()
    target = DavCollection.objects.get(path=space_collection("elus", "agenda"))
    assert target.changes.count() == len(expected)
    assert token_a.endswith(f"maillage-{target.pk}-{target.revision}")
