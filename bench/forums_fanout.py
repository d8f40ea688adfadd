"""Forums live fan-out: one post delivered to N WebSocket clients of a space, per channel layer.

N clients (200 by default), each a different member of one space logged in with a real session,
connect to ``/ws/forums/`` and subscribe to the space, then a member posts replies through the
real service (``post_reply``). The service publishes after commit; for each reply the benchmark
times every client's receipt of the event from the moment ``forums.live.publish`` is called.
The same run measures the in-memory layer and the Redis layer (``channels_redis``).

What runs: N ``channels.testing.WebsocketCommunicator`` against the real ASGI application
(``extranet.asgi.application``: origin check, cookies, session, authentication, URL router,
consumer) in this one process and event loop. No network and no Daphne: the figures are the
layer's and the consumer's cost (with Redis, its round trips through the local server), not
WebSocket framing or TCP.

Run from the repository root: ``.venv/bin/python bench/forums_fanout.py [--fanout-clients N]
[--fanout-posts N] [--redis-url URL]`` (or ``bench/run.py --only forums_fanout``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_average, percentile, setup_django

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
SLUG = "fanout"
RECEIVE_TIMEOUT = 30.0
CONNECT_CONCURRENCY = 50


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("forums_fanout (bench/forums_fanout.py)")
    group.add_argument(
        "--fanout-clients", type=int, default=200, help="connected clients (default: 200)"
    )
    group.add_argument(
        "--fanout-posts", type=int, default=30, help="timed posts per layer (default: 30)"
    )
    group.add_argument(
        "--fanout-warmup", type=int, default=3, help="untimed posts per layer first (default: 3)"
    )
    group.add_argument(
        "--fanout-gc-freeze",
        action="store_true",
        help="gc.freeze() once the clients are connected: no full collection of the set-up heap",
    )
    group.add_argument(
        "--redis-url",
        default=None,
        help=f"Redis for the Redis layer (default: $REDIS_URL, else {DEFAULT_REDIS_URL})",
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return parser.parse_args(argv)


@dataclass
class LayerResult:
    name: str
    latencies_ms: list[float] = field(default_factory=list)  # every delivery of every post
    last_ms: list[float] = field(default_factory=list)  # per post: until the last client
    publish_ms: list[float] = field(default_factory=list)  # per post: time inside publish()
    gc_pauses_ms: list[float] = field(default_factory=list)  # full collections while timed
    connect_s: float = 0.0
    error: str = ""


@dataclass
class Fixture:
    poster: Any  # Membership
    topic: Any
    session_keys: list[str]


def build_fixture(clients: int) -> Fixture:
    """A space, its poster and ``clients`` members, each with a real logged-in session."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_module

    from extranet.models import Membership
    from extranet.roles import Role
    from extranet.services.accounts import create_user
    from extranet.services.memberships import add_member
    from extranet.services.spaces import create_space
    from forums.services.categories import create_category
    from forums.services.posting import create_topic

    store = import_module(settings.SESSION_ENGINE).SessionStore
    space = create_space(name="Fan-out", slug=SLUG, kind="officials", description="")
    admin = create_user(email="admin@fanout.test", full_name="Admin", validate=False)
    admin_membership = add_member(space=space, user=admin, role=Role.ADMIN)
    category = create_category(membership=admin_membership, name="Conseils")
    topic = create_topic(
        membership=admin_membership, category=category, title="Budget", body="Ouverture."
    )
    keys = []
    for n in range(clients):
        user = create_user(email=f"membre{n:04d}@fanout.test", full_name=f"M {n}", validate=False)
        add_member(space=space, user=user, role=Role.READER)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    poster = Membership.objects.select_related("space", "user").get(pk=admin_membership.pk)
    return Fixture(poster=poster, topic=topic, session_keys=keys)


async def connect_all(session_keys: list[str]) -> list[Any]:
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from extranet.asgi import application

    async def one(key: str) -> Any:
        headers = [
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={key}".encode()),
        ]
        communicator = WebsocketCommunicator(application, "/ws/forums/", headers=headers)
        accepted, _ = await communicator.connect(timeout=RECEIVE_TIMEOUT)
        if not accepted:
            raise RuntimeError("a client was refused at the handshake")
        await communicator.send_json_to({"subscribe": "space", "slug": SLUG})
        answer = await communicator.receive_json_from(timeout=RECEIVE_TIMEOUT)
        if answer != {"subscribed": "space", "slug": SLUG}:
            raise RuntimeError(f"subscription refused: {answer}")
        return communicator

    # Browsers of a space do not all open their socket in the same millisecond; and
    # channels_redis's pool (redis-py, 100 connections by default) refuses more at once.
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def gated(key: str) -> Any:
        async with gate:
            return await one(key)

    return list(await asyncio.gather(*(gated(key) for key in session_keys)))


async def measure_layer(result: LayerResult, fixture: Fixture, args: argparse.Namespace) -> None:
    from channels.db import database_sync_to_async

    from forums import live
    from forums.services.posting import post_reply

    started = time.perf_counter()
    clients = await connect_all(fixture.session_keys)
    result.connect_s = time.perf_counter() - started
    if args.fanout_gc_freeze:
        gc.collect()
        gc.freeze()

    original = live.publish
    marks: dict[str, float] = {}

    def timed_publish(event: Any) -> None:
        marks["published"] = time.perf_counter()
        original(event)
        marks["returned"] = time.perf_counter()

    async def receive(communicator: Any) -> float:
        message = await communicator.receive_json_from(timeout=RECEIVE_TIMEOUT)
        arrived = time.perf_counter()
        if message.get("kind") != "post.created":
            raise RuntimeError(f"unexpected message {message}")
        return arrived

    collecting: dict[str, float] = {}

    def watch_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            collecting["started"] = time.perf_counter()
        elif "started" in collecting and marks:
            result.gc_pauses_ms.append((time.perf_counter() - collecting.pop("started")) * 1000)

    live.publish = timed_publish  # type: ignore[assignment]
    reply = database_sync_to_async(post_reply)
    try:
        for round_number in range(args.fanout_warmup + args.fanout_posts):
            if round_number == args.fanout_warmup:
                marks.clear()
                gc.callbacks.append(watch_gc)
            waiting = [asyncio.create_task(receive(c)) for c in clients]
            body = f"Réponse {round_number}"
            await reply(membership=fixture.poster, topic=fixture.topic, body=body)
            arrivals = await asyncio.gather(*waiting)
            if round_number < args.fanout_warmup:
                continue
            deliveries = [(arrived - marks["published"]) * 1000 for arrived in arrivals]
            result.latencies_ms.extend(deliveries)
            result.last_ms.append(max(deliveries))
            result.publish_ms.append((marks["returned"] - marks["published"]) * 1000)
    finally:
        gc.unfreeze()
        if watch_gc in gc.callbacks:
            gc.callbacks.remove(watch_gc)
        live.publish = original  # type: ignore[assignment]
        await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


def run_layer(name: str, config: dict[str, Any], fixture: Fixture, args: argparse.Namespace):
    from django.test import override_settings

    result = LayerResult(name)
    # Changing the setting drops the layers Channels cached: each layer starts fresh.
    with override_settings(CHANNEL_LAYERS={"default": config}):
        try:
            asyncio.run(measure_layer(result, fixture, args))
        except Exception as error:  # a layer that fails is reported, the other still runs
            result.error = f"{type(error).__name__}: {error}"
    return result


def redis_reachable(url: str) -> str:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        return f"{type(error).__name__}: {error}"
    finally:
        client.close()
    return ""


def forget_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def fmt(value: float) -> str:
    return f"{value:8.2f}"


def print_results(results: list[LayerResult], clients: int) -> None:
    header = (
        f"{'layer':<10} | {'deliveries':>10} | {'p50 ms':>8} | {'p95 ms':>8} | {'max ms':>8} | "
        f"{'all p50':>8} | {'all p95':>8} | {'publish':>8} | {'connect':>8}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        if result.error:
            print(f"{result.name:<10} | not measured: {result.error}")
            continue
        lat, last, pub = result.latencies_ms, result.last_ms, result.publish_ms
        print(
            f"{result.name:<10} | {len(lat):>10} | {fmt(percentile(lat, 50))} | "
            f"{fmt(percentile(lat, 95))} | {fmt(max(lat))} | {fmt(percentile(last, 50))} | "
            f"{fmt(percentile(last, 95))} | {fmt(percentile(pub, 50))} | "
            f"{result.connect_s:7.1f}s"
        )
    print()
    for result in results:
        if result.gc_pauses_ms:
            pauses = result.gc_pauses_ms
            print(
                f"{result.name}: {len(pauses)} full garbage collection(s) during the timed posts, "
                f"{max(pauses):.0f} ms at most (Python's collector pausing the whole process)"
            )
    print(
        "p50/p95/max: from the call of forums.live.publish (after commit) to one client's "
        f"receipt, over every delivery; all p50/p95: until the last of the {clients} clients, "
        "per post; publish: p50 time spent inside publish() by the posting request (group_send "
        "to the topic and space groups); connect: opening and subscribing all the sockets."
    )


def main(argv: list[str] | None = None, args: argparse.Namespace | None = None) -> int:
    if args is None:
        args = parse_args(argv)
    # Read before setup_django(), which drops REDIS_URL so that the default layer is in-memory.
    redis_url = args.redis_url or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    var_dir = tempfile.mkdtemp(prefix="maillage-bench-")
    try:
        setup_django(var_dir, env={"LOG_LEVEL": "ERROR"})
        return run(args, redis_url)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


def run(args: argparse.Namespace, redis_url: str) -> int:
    import channels
    import django
    from django.conf import settings

    settings.DEBUG = False
    # Every event also goes to the index of the new post and to the notification task: run
    # them at once, in the posting thread, as the test settings do.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    seeded = time.perf_counter()
    fixture = build_fixture(args.fanout_clients)
    print("Maillage bench — forums live fan-out: one post to N WebSocket clients of a space")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Channels {channels.__version__}, {os.cpu_count()} CPU(s), load {load_average()}"
    )
    print(
        f"{args.fanout_clients} clients (WebsocketCommunicator on extranet.asgi.application, "
        f"one process, no network), {args.fanout_warmup} warm-up + {args.fanout_posts} timed "
        f"posts per layer through post_reply; seeded in {time.perf_counter() - seeded:.1f} s"
    )
    print()

    results = [
        run_layer("in-memory", {"BACKEND": "channels.layers.InMemoryChannelLayer"}, fixture, args)
    ]
    unreachable = redis_reachable(redis_url)
    if unreachable:
        results.append(LayerResult("redis", error=f"{redis_url} unreachable ({unreachable})"))
    else:
        prefix = f"maillage-bench-{os.getpid()}"
        config = {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The socket timeouts of the project's settings (see extranet/settings.py).
            "CONFIG": {
                "hosts": [
                    {"address": redis_url, "socket_timeout": 15, "socket_connect_timeout": 5}
                ],
                "prefix": prefix,
            },
        }
        try:
            results.append(run_layer("redis", config, fixture, args))
        finally:
            forget_redis_keys(redis_url, prefix)
    print_results(results, args.fanout_clients)
    return 1 if any(result.error for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())
