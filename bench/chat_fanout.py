"""Live chat on one machine: how many WebSocket clients stay connected, and how long a
message takes to reach every member of a room with 1,000 members connected, against the raw
channel-layer round trip measured in the same run (docs/benchmarks.md, "Live chat").

    PYTHONPATH=src:. python -m bench.chat_fanout [--members 1000] [--messages 30]

Needs Redis (FLYWHEEL_TEST_REDIS_URL, default redis://127.0.0.1:6379/15): the server runs as
production does, with the Redis channel layer and cache. Builds a throw-away SQLite database
in a temporary directory (or uses DATABASE_URL) with the members, one room they all belong
to and a session each; starts daphne on flywheel.asgi in a subprocess; connects one
WebSocket per member (a minimal RFC 6455 client on asyncio streams, in this process, so
clients and server share the machine's cores); then a brand-team writer sends messages over
its own connection, one every `--interval` seconds, and every client stamps the arrival.

Baseline: the channels_redis layer alone, from this process: a group of as many channels as
members, one group_send, each channel receiving it (no server, no WebSocket, no database).
"""

import argparse
import asyncio
import base64
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REDIS_URL = os.environ.get("FLYWHEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def log(line: str) -> None:
    print(line, flush=True)


# ---------------------------------------------------------------------- a minimal WS client


def masked(data: bytes, mask: bytes) -> bytes:
    repeated = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        len(data), "big"
    )


class Client:
    """Enough of RFC 6455 for text frames: masked sends, unmasked receives, pings answered."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, host: str, port: int, *, cookie: str) -> "Client":
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET /ws/live/ HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: http://{host}:{port}\r\n"
                f"Cookie: {cookie}\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
        return cls(reader, writer)

    def send_frame(self, opcode: int, data: bytes) -> None:
        """A client frame must be masked, payload included (RFC 6455 5.3)."""
        mask = os.urandom(4)
        header = bytearray([0x80 | opcode])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 65536:
            header.append(0x80 | 126)
            header += struct.pack("!H", len(data))
        else:
            header.append(0x80 | 127)
            header += struct.pack("!Q", len(data))
        self.writer.write(bytes(header) + mask + masked(data, mask))

    def send_json(self, payload: dict) -> None:
        self.send_frame(0x1, json.dumps(payload).encode())

    async def receive_json(self) -> dict | None:
        while True:
            first, second = await self.reader.readexactly(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            payload = await self.reader.readexactly(length)
            if opcode == 0x1:
                return json.loads(payload)
            if opcode == 0x8:
                return None
            if opcode == 0x9:  # ping → pong with the same payload, masked like any client frame
                # (an earlier version sent it unmasked: daphne read a different payload, took
                # the pong for missing and reset every connection 50 s after it opened, the
                # "lost" two thirds of the first 1,000-member runs).
                self.send_frame(0xA, payload)

    def close(self) -> None:
        self.writer.close()


# ---------------------------------------------------------------------- the data


def build(members: int, database_url: str) -> dict:
    """Members, the room, sessions; returns ids and cookies (run before the server starts)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from flywheel.accounts.models import Role, User
    from flywheel.chat import services
    from flywheel.chat.models import RoomMembership
    from flywheel.community.models import Space

    log("migrating the bench database…")
    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    log(f"writing {members} members, a room and their sessions…")
    writer = User.objects.create(
        email="writer@bench.example", handle="bench_writer", role=Role.OWNER, date_joined=now
    )
    User.objects.bulk_create(
        [
            User(email=f"m{n}@bench.example", handle=f"bench_{n}", date_joined=now)
            for n in range(members)
        ],
        batch_size=500,
    )
    space = Space.objects.create(name="Bench", slug="bench")
    room = services.open_room(name="fan-out", space=space, by=writer)
    everyone = list(User.objects.order_by("id"))
    RoomMembership.objects.bulk_create(
        [RoomMembership(room=room, member=user, joined_at=now) for user in everyone],
        batch_size=500,
    )
    cookies = {}
    for user in everyone:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[user.pk] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return {"room": room.pk, "writer": writer.pk, "cookies": cookies, "db": database_url}


# ---------------------------------------------------------------------- the measurements


async def raw_layer(members: int, runs: int) -> dict:
    """The channel layer alone: group_send to `members` channels, each receiving it."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channels = [await layer.new_channel() for _ in range(members)]
    for channel in channels:
        await layer.group_add("bench.raw", channel)
    single, fanout, last = [], [], []
    for _run in range(runs):
        started = time.perf_counter()
        await layer.send(channels[0], {"type": "x"})
        await layer.receive(channels[0])
        single.append(time.perf_counter() - started)

        started = time.perf_counter()
        await layer.group_send("bench.raw", {"type": "chat.message", "html": "x" * 1500})
        arrivals = []

        async def take(channel, arrivals=arrivals, started=started):
            await layer.receive(channel)
            arrivals.append(time.perf_counter() - started)

        await asyncio.gather(*(take(channel) for channel in channels))
        fanout.extend(arrivals)
        last.append(max(arrivals))
    for channel in channels:
        await layer.group_discard("bench.raw", channel)
    return {"single": single, "fanout": fanout, "last": last}


async def through_server(
    data: dict, port: int, messages: int, interval: float, drain: float
) -> dict:
    cookies = data["cookies"]
    writer_id = data["writer"]
    started = time.perf_counter()
    members = [pk for pk in cookies if pk != writer_id]
    sent_at: dict[str, float] = {}
    latencies: dict[str, list[float]] = {}

    received: dict[int, int] = {}
    ready: set[int] = set()
    closed: dict[str, int] = {}  # connections the server closed or reset during the run
    finished = False

    async def listen(client: Client):
        received[id(client)] = 0
        while True:
            try:
                event = await client.receive_json()
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                if not finished:
                    closed[type(error).__name__] = closed.get(type(error).__name__, 0) + 1
                return
            if event is None:
                if not finished:
                    closed["close frame"] = closed.get("close frame", 0) + 1
                return
            if event.get("type") == "ready":
                ready.add(id(client))
            if event.get("type") == "chat.message":
                arrived = time.perf_counter()
                received[id(client)] += 1
                marker = event["html"].split("bench-seq-", 1)[1].split("<", 1)[0].strip()
                if marker in sent_at:
                    latencies.setdefault(marker, []).append(arrived - sent_at[marker])

    clients: dict[int, Client] = {}
    listeners = []
    failures = 0
    reasons: dict[str, int] = {}
    semaphore = asyncio.Semaphore(20)

    retried = 0

    async def open_one(pk):
        nonlocal failures, retried
        async with semaphore:
            for attempt in range(3):  # a page reconnects too (live.js)
                try:
                    clients[pk] = await Client.connect("127.0.0.1", port, cookie=cookies[pk])
                    # Read from the start: daphne pings every 20 s and drops a client that
                    # does not answer.
                    listeners.append(asyncio.create_task(listen(clients[pk])))
                    break
                except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
                    reason = f"{type(error).__name__}: {error}"[:80]
                    reasons[reason] = reasons.get(reason, 0) + 1
                    if attempt == 2:
                        failures += 1
                    else:
                        retried += 1
                        await asyncio.sleep(1)
        if len(clients) % 200 == 0:
            log(f"  {len(clients)} connected…")

    await asyncio.gather(*(open_one(pk) for pk in members))
    connect_seconds = time.perf_counter() - started
    log(
        f"{len(clients)} clients connected in {connect_seconds:.1f} s "
        f"({retried} retries, {failures} gave up)"
    )
    for reason, count in reasons.items():
        log(f"  attempt failed {count}×: {reason}")
    writer = await Client.connect("127.0.0.1", port, cookie=cookies[writer_id])
    writer_listener = asyncio.create_task(listen(writer))
    # Every connection has joined its groups once its "ready" came (at most a minute).
    deadline = time.perf_counter() + 60
    while len(ready) < len(clients) + 1 and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    log(f"{len(ready)} of {len(clients) + 1} connections ready")

    # Warm-up, not measured: the server's first message loads templates, the Markdown parser
    # and the broker connection (about 2.5 s once), which would queue the next ones.
    for sequence in range(3):
        writer.send_json(
            {"type": "send", "room": data["room"], "body": f"Warm-up bench-seq-warm{sequence}"}
        )
    # Until the writer hears its warm-ups (on a loaded machine the first message took longer
    # than a fixed pause, and the measured ones then queued behind it), at most two minutes.
    deadline = time.perf_counter() + 120
    while received.get(id(writer), 0) < 3 and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(1)
    for sequence in range(messages):
        marker = str(sequence)
        sent_at[marker] = time.perf_counter()
        writer.send_json(
            {"type": "send", "room": data["room"], "body": f"Fan-out check bench-seq-{marker}"}
        )
        await asyncio.sleep(interval)
    # Wait for the stragglers (a loaded machine falls behind), at most `drain` seconds.
    expected = messages * (len(clients) + 1)
    deadline = time.perf_counter() + drain
    while time.perf_counter() < deadline:
        if sum(len(values) for values in latencies.values()) >= expected:
            break
        await asyncio.sleep(0.5)
    finished = True
    for task in [*listeners, writer_listener]:
        task.cancel()
    for client in [*clients.values(), writer]:
        client.close()
    silent = sum(1 for count in received.values() if count == 0)
    log(f"connections that heard nothing: {silent}; heard 'ready': {len(ready)}; closed: {closed}")
    log(
        "deliveries per message: "
        + ", ".join(str(len(latencies.get(str(n), []))) for n in range(messages))
    )
    per_delivery = [value for values in latencies.values() for value in values]
    everyone = [max(values) for values in latencies.values() if len(values) >= len(clients)]
    delivered = sum(len(values) for values in latencies.values())
    return {
        "heard_all": sum(1 for count in received.values() if count >= messages),
        "connected": len(clients),
        "failed": failures,
        "retried": retried,
        "connect_seconds": connect_seconds,
        "per_delivery": per_delivery,
        "all_reached": everyone,
        "delivered": delivered,
        "expected": messages * (len(clients) + 1),  # the writer hears its own messages too
    }


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--drain", type=float, default=180.0)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="flywheel-chat-bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    prefix = f"bench-chat-{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "flywheel.config.settings",
        "FLYWHEEL_EMBEDDED_SCHEDULER": "0",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import redis

    scratch = redis.Redis.from_url(REDIS_URL)
    stale = list(scratch.scan_iter("flywheel-chat*"))  # groups left by an earlier run
    if stale:
        scratch.delete(*stale)
    data = build(args.members, database_url)

    from django.conf import settings

    settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = prefix  # the baseline's own keys
    baseline = asyncio.run(raw_layer(args.members, runs=10))

    log("starting daphne…")
    # The server's log goes to a file: a pipe nobody reads fills at 64 KiB and then blocks
    # the server in write(2) (every delivery stops), which is what cost the first 1,000-member
    # runs two thirds of their deliveries.
    server_log_path = workdir / "daphne.log"
    server_log = server_log_path.open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(args.port),
            "flywheel.asgi:application",
        ],
        env={**env, "PYTHONPATH": os.environ.get("PYTHONPATH", "src")},
        stdout=subprocess.DEVNULL,
        stderr=server_log,
    )
    try:
        deadline = time.monotonic() + 300  # a loaded machine takes a while to import Django
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise SystemExit(f"daphne exited: {server_log_path.read_text()[-2000:]}")
            try:
                import socket

                socket.create_connection(("127.0.0.1", args.port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            raise SystemExit("daphne did not start in 300 s")
        log("daphne is up")
        idle_rss = rss_mib(server.pid)
        result = asyncio.run(
            through_server(data, args.port, args.messages, args.interval, args.drain)
        )
        loaded_rss = rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
        server_log.close()
    server_lines = server_log_path.read_text(errors="replace").splitlines()
    log(f"daphne wrote {len(server_lines)} log lines ({server_log_path}); the last ones:")
    for line in server_lines[-15:]:
        log(f"  {line}")

    ms = 1000
    raw_p50 = statistics.median(baseline["fanout"]) * ms
    ws_p50 = statistics.median(result["per_delivery"]) * ms
    rows = [
        ("channel layer, one send → receive", baseline["single"]),
        (f"channel layer, group_send → each of {args.members} channels", baseline["fanout"]),
        (f"channel layer, group_send → the last of {args.members}", baseline["last"]),
        (
            f"WebSocket, writer's send → each of {result['connected']} members",
            result["per_delivery"],
        ),
        ("WebSocket, writer's send → the last member", result["all_reached"]),
    ]
    log("")
    log("| measured | p50 | p95 | samples |")
    log("|---|---|---|---|")
    for label, values in rows:
        log(
            f"| {label} | {percentile(values, 0.5) * ms:.1f} ms | "
            f"{percentile(values, 0.95) * ms:.1f} ms | {len(values)} |"
        )
    log("")
    log(
        f"connected: {result['connected']} of {args.members} in {result['connect_seconds']:.1f} s "
        f"({result['retried']} retries, {result['failed']} gave up); delivered {result['delivered']} of {result['expected']} "
        f"({result['heard_all']} connections heard every message); "
        f"daphne RSS {idle_rss:.0f} MiB idle → {loaded_rss:.0f} MiB with every client "
        f"({(loaded_rss - idle_rss) * 1024 / max(1, result['connected']):.0f} KiB per connection)"
    )
    log(f"fan-out p50 through the server / raw layer p50: {ws_p50 / raw_p50:.1f}×")


if __name__ == "__main__":
    main()
