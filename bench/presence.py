"""Presence at scale: how many heartbeating visitors one process holds, and how long an
agent's signal takes to reach one of them at that load, against a raw websockets server.

N synthetic visitor pages connect to the presence socket one after another (a bounded
number at a time), say `hello` with their own visitor id, report what they look at
(`presence`) and then send a `ping` every `--heartbeat` seconds, as the visitor script
does (staggered at random). Once all are in, an agent's dashboard lists who is online,
then signals random visitors at a fixed rate; each visitor records the latency when the
signal arrives (`time.perf_counter_ns()`: every client lives in this one process, so one
clock) and acknowledges it. A second dashboard opened at the end counts who is still
online: a visitor whose heartbeats did not land counts as gone (the server is started
with TANDEM_PRESENCE_TIMEOUT_SECONDS at three heartbeats).

Everything is started here on 127.0.0.1 and stopped at the end, also on error:

- raw websockets server: a bare `websockets` server (a subprocess of this script) that
  speaks the same frames: it keeps online visitors and unacknowledged signals in dicts,
  answers the dashboard with the list of who is online, and hands each signal to its
  visitor's socket. No validation, no database, no cache, no channel layer. The floor
  for "Python holds N sockets and relays a message to one of them on this machine".
- tandem: a real daphne server (`tandem.asgi:application`) on a temporary SQLite
  database with the demo data (`migrate`, `demo --password benchpass`); in-memory
  channel layer and local-memory cache.
- with --redis: tandem on a throwaway `redis-server` (channels_redis and Django's Redis
  cache, as several processes would run).

Printed per variant: visitors online after the run, connects/s while ramping up, pings/s,
server memory (VmRSS; total and per 1000 visitors), signal latency p50/p99/max in ms,
signals lost or delivered twice, and the CPU the server and this client used while
signalling (100% = one core); ratios (xN) against the raw server. Figures only; nothing
here asserts on time. See bench/README.md for how to read them.

Run with `make bench` or `.venv/bin/python bench/presence.py [--visitors 2000]
[--heartbeat 10] [--signals 500] [--signal-rate 25] [--redis]`.
"""

import argparse
import asyncio
import itertools
import math
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from harness import (
    HOST,
    agent_cookie,
    cpu_seconds,
    expect,
    free_port,
    gc_paused,
    log_summary,
    port_open,
    prepare_database,
    rss_mib,
    start_process,
    start_profiler,
    start_redis,
    start_tandem,
    stop_process,
    wait_ready,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

GROUP = 72
# A visitor page on another port of 127.0.0.1: a trusted domain of the demo group.
PAGE_ORIGIN = f"http://{HOST}:5000"

STEP_TIMEOUT = 30.0  # seconds for any one set-up step (connect, handshake frame)
DRAIN_SECONDS = 10.0  # how long signals still in flight after the last send may take
RAMP_PARALLEL = 50  # visitors connecting at once while ramping up
LEAD_IN = 0.3  # seconds between the end of set-up and the first signal
MAX_NOTES = 12  # odd frames or closes remembered per variant
MAX_FRAME = 2**24  # the first dashboard frame lists every visitor online
FD_HEADROOM = 500  # file descriptors beyond one per visitor (logs, dashboards, pipes)
STOP_GRACE = 5.0  # seconds a server gets to exit on SIGTERM before SIGKILL
PROFILE_DIR: Path | None = None  # --profile: where py-spy writes its profiles
SEED = 72


@dataclass(frozen=True)
class Shape:
    visitors: int
    heartbeat: float
    signals: int
    signal_rate: float

    @property
    def timeout(self) -> int:
        """The presence timeout both servers get: three missed heartbeats."""
        return max(10, math.ceil(3 * self.heartbeat))


# --- Processes ---------------------------------------------------------------------------


def raise_fd_limit(visitors: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE (the servers inherit it) as far as the hard
    limit allows; returns how many visitors fit under it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = visitors + FD_HEADROOM
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    return max(1, soft - FD_HEADROOM)


# --- Tandem: database, server, agent login ----------------------------------------------


def tandem_env(tmp: Path, shape: Shape) -> dict[str, str]:
    """The servers' environment: a fresh SQLite file, no inherited Redis or debug settings."""
    unset = {"DATABASE_URL", "REDIS_URL", "TANDEM_CHANNEL_LAYER", "DEBUG"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    return env | {
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "TANDEM_LOG_LEVEL": "WARNING",
        "TANDEM_PRESENCE_TIMEOUT_SECONDS": str(shape.timeout),
        # Every simulated client comes from 127.0.0.1: no per-address limits.
        "TANDEM_CLIENT_MAX_SOCKETS": "0",
        "TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE": "0",
    }


# --- The raw server (runs as `presence.py --serve-raw PORT --timeout SECONDS`) ------------


async def serve_raw(port: int, online_seconds: int) -> None:
    """The presence and dashboard frames Tandem speaks, kept in dicts: /v is a visitor
    page, /a an agent's dashboard."""
    sockets: dict[str, ServerConnection] = {}  # visitor id -> its socket
    seen: dict[str, float] = {}  # visitor id -> last heard from
    info: dict[str, dict] = {}  # visitor id -> what its page reported
    pending: dict[int, tuple[str, dict]] = {}  # signal id -> (visitor id, frame)
    ids = itertools.count(1)

    async def visitor(ws: ServerConnection) -> None:
        visitor_id = ""
        try:
            async for message in ws:
                frame = orjson.loads(message)
                kind = frame.get("t")
                if kind == "hello":
                    visitor_id = frame["visitorid"]
                    sockets[visitor_id], seen[visitor_id] = ws, time.monotonic()
                    info[visitor_id] = {}
                    await ws.send(orjson.dumps({"t": "connected", "visitorid": visitor_id}))
                    for to, waiting in list(pending.values()):
                        if to == visitor_id:
                            await ws.send(orjson.dumps(waiting))
                elif kind == "presence":
                    info[visitor_id].update({k: v for k, v in frame.items() if k != "t"})
                    seen[visitor_id] = time.monotonic()
                elif kind == "ping":
                    seen[visitor_id] = time.monotonic()
                elif kind == "ack":
                    pending.pop(frame["id"], None)
        finally:
            if sockets.get(visitor_id) is ws:
                del sockets[visitor_id], seen[visitor_id], info[visitor_id]

    async def agent(ws: ServerConnection) -> None:
        now = time.monotonic()
        online = [
            {"group": GROUP, "visitorid": v, **info[v]}
            for v, at in seen.items()
            if now - at <= online_seconds
        ]
        await ws.send(orjson.dumps({"t": "visitors", "visitors": online}))
        async for message in ws:
            frame = orjson.loads(message)
            if frame.get("t") != "signal":
                continue
            message_id, to = next(ids), frame["visitorid"]
            out = {"t": "signal", "id": message_id, "data": frame.get("data")}
            pending[message_id] = (to, out)
            target = sockets.get(to)
            if target is not None:
                try:
                    await target.send(orjson.dumps(out))
                except ConnectionClosed:
                    pass
            sent = {"t": "signaled", "visitorid": to, "id": message_id, "online": bool(target)}
            await ws.send(orjson.dumps(sent))

    async def handler(ws: ServerConnection) -> None:
        path = ws.request.path if ws.request else ""
        await (agent(ws) if path.startswith("/a") else visitor(ws))

    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with serve(handler, HOST, port, compression=None, max_size=MAX_FRAME, ping_interval=None):
        await stop


def start_raw(stack: ExitStack, shape: Shape, log: Path) -> tuple[int, subprocess.Popen]:
    port = free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-raw", str(port)]
    command += ["--timeout", str(shape.timeout)]
    proc = start_process(stack, command, dict(os.environ), log)
    wait_ready("raw server", proc, log, lambda: port_open(port))
    return port, proc


# --- Clients: visitors that heartbeat and acknowledge, an agent that signals ------------


@dataclass
class Target:
    """Where the clients connect: the same frames, Tandem's paths or the raw server's."""

    name: str
    port: int
    proc: subprocess.Popen
    visitor_path: str
    dashboard_path: str
    cookie: str = ""

    def url(self, path: str) -> str:
        return f"ws://{HOST}:{self.port}{path}"


@dataclass
class Visitor:
    visitor_id: str
    ws: ClientConnection
    seen: set[int] = field(default_factory=set)  # ids of the signals it received
    tasks: list[asyncio.Task] = field(default_factory=list)


@dataclass
class Tally:
    """What the clients of one variant saw."""

    expected: int = 0  # signals sent so far
    received: int = 0
    duplicates: int = 0
    pings: int = 0
    not_online: int = 0  # signals the server said it could not push at once
    closed: int = 0  # visitor sockets the server closed during the run
    latencies_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stopping: bool = False
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def note(self, text: str) -> None:
        if not self.stopping and len(self.notes) < MAX_NOTES:
            self.notes.append(text[:200])

    def check_done(self) -> None:
        if self.expected and self.received >= self.expected:
            self.all_in.set()


async def ws_open(url: str, origin: str, headers: dict[str, str] | None = None) -> ClientConnection:
    """A client socket; no proxy, no compression (daphne offers none), no client pings."""
    return await connect(
        url,
        origin=Origin(origin),
        additional_headers=headers,
        proxy=None,
        compression=None,
        max_size=MAX_FRAME,
        open_timeout=STEP_TIMEOUT,
        close_timeout=1,
        ping_interval=None,
    )


async def listen(visitor: Visitor, tally: Tally) -> None:
    """A visitor page: record each signal's latency on receipt, then acknowledge it."""
    try:
        async for message in visitor.ws:
            now = time.perf_counter_ns()
            frame = orjson.loads(message)
            if frame.get("t") != "signal":
                tally.note(f"{visitor.visitor_id} got {frame}")
                continue
            if frame["id"] in visitor.seen:
                tally.duplicates += 1
            else:
                visitor.seen.add(frame["id"])
                tally.latencies_ms.append((now - frame["data"]["sent"]) / 1e6)
                tally.received += 1
                tally.check_done()
            await visitor.ws.send(orjson.dumps({"t": "ack", "id": frame["id"]}).decode())
    except ConnectionClosed as closed:
        if not tally.stopping:
            tally.closed += 1
        tally.note(f"{visitor.visitor_id} socket closed: {closed}")


async def heartbeat(visitor: Visitor, interval: float, rng: random.Random, tally: Tally) -> None:
    """A ping every `interval` seconds, the first at a random point of the first one."""
    await asyncio.sleep(rng.uniform(0, interval))
    ping = orjson.dumps({"t": "ping"}).decode()
    while True:
        try:
            await visitor.ws.send(ping)
        except ConnectionClosed:
            return
        tally.pings += 1
        await asyncio.sleep(interval)


async def open_visitor(target: Target, index: int, shape: Shape, tally: Tally) -> Visitor:
    """hello, then presence, as the visitor script does on every connection."""
    ws = await ws_open(target.url(target.visitor_path), PAGE_ORIGIN)
    visitor_id = f"bench-{index}"
    try:
        await ws.send(orjson.dumps({"t": "hello", "visitorid": visitor_id}).decode())
        await expect(ws, "connected")
        page = {
            "t": "presence",
            "url": f"https://shop.example/products/{index}",
            "title": f"Product {index}",
            "browser": "Mozilla/5.0 (X11; Linux x86_64) bench",
            "data": {"plan": "gold", "cart": index % 7},
        }
        await ws.send(orjson.dumps(page).decode())
    except BaseException:
        await ws.close()
        raise
    visitor = Visitor(visitor_id, ws)
    rng = random.Random(SEED + index)
    visitor.tasks = [
        asyncio.create_task(listen(visitor, tally)),
        asyncio.create_task(heartbeat(visitor, shape.heartbeat, rng, tally)),
    ]
    return visitor


async def ramp_up(target: Target, shape: Shape, tally: Tally) -> tuple[list[Visitor], float]:
    """All visitors in, RAMP_PARALLEL at a time; returns them and the seconds it took."""
    gate = asyncio.Semaphore(RAMP_PARALLEL)

    async def one(index: int) -> Visitor:
        async with gate:
            return await open_visitor(target, index, shape, tally)

    start = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(shape.visitors)), return_exceptions=True)
    seconds = time.perf_counter() - start
    failed = [r for r in results if isinstance(r, BaseException)]
    if failed:
        # Not subject to MAX_NOTES: this one is always worth reading.
        tally.notes.insert(
            0, f"{len(failed)} visitors failed to connect; first: {failed[0]!r}"[:300]
        )
    visitors = [r for r in results if isinstance(r, Visitor)]
    if not visitors:
        raise RuntimeError(f"{target.name}: no visitor connected: {failed[0]!r}")
    return visitors, seconds


async def open_dashboard(target: Target) -> tuple[ClientConnection, int]:
    """An agent's dashboard and how many of our visitors its first listing shows online."""
    headers = {"Cookie": target.cookie} if target.cookie else None
    origin = f"http://{HOST}:{target.port}"  # Tandem's own pages open this socket
    ws = await ws_open(target.url(target.dashboard_path), origin, headers)
    listing = await expect(ws, "visitors")
    ours = [v for v in listing["visitors"] if str(v["visitorid"]).startswith("bench-")]
    return ws, len(ours)


# What the dashboard hears in a run besides signal replies and departures: the listing,
# visitors' reports, its availability, and each page's ack of a signal (`delivered`).
EXPECTED_AT_DASHBOARD = ("visitor", "availability", "sessions", "session", "delivered")


async def watch_dashboard(ws: ClientConnection, tally: Tally) -> None:
    """The agent's side: replies to signals, and anything unexpected."""
    try:
        async for message in ws:
            frame = orjson.loads(message)
            if frame.get("t") == "signaled":
                tally.not_online += not frame["online"]
            elif frame.get("t") == "visitor_gone":
                tally.note(f"dashboard: {frame['visitorid']} went offline")
            elif frame.get("t") not in EXPECTED_AT_DASHBOARD:
                tally.note(f"dashboard got {frame}")
    except ConnectionClosed as closed:
        tally.note(f"dashboard socket closed: {closed}")


async def send_signals(
    agent: ClientConnection, visitors: list[Visitor], shape: Shape, tally: Tally
) -> None:
    """Signals to random visitors on a fixed schedule (a late one goes at once)."""
    rng = random.Random(SEED)
    start = time.perf_counter() + LEAD_IN
    for n in range(shape.signals):
        delay = start + n / shape.signal_rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        to = rng.choice(visitors).visitor_id
        data = {"n": n, "sent": time.perf_counter_ns()}
        frame = {"t": "signal", "group": GROUP, "visitorid": to, "mtype": "signal", "data": data}
        await agent.send(orjson.dumps(frame).decode())
        tally.expected += 1
    tally.check_done()


@dataclass
class Measurement:
    name: str
    shape: Shape
    connected: int
    online_start: int
    online_end: int
    ramp_seconds: float
    ramp_cpu: float  # server CPU seconds spent letting the visitors in
    rss_idle: float
    rss_loaded: float
    pings_per_second: float
    hold_seconds: float
    server_cpu: float
    client_cpu: float
    tally: Tally
    notes: list[str]

    @property
    def lost(self) -> int:
        return self.tally.expected - self.tally.received

    @property
    def mib_per_1000(self) -> float:
        return (self.rss_loaded - self.rss_idle) / max(self.connected, 1) * 1000

    def percentile(self, q: float) -> float:
        values = sorted(self.tally.latencies_ms)
        if not values:
            return math.nan
        return values[min(len(values) - 1, int(q * len(values)))]


async def hold(target: Target, visitors: list[Visitor], shape: Shape, tally: Tally) -> dict:
    """Signal while every visitor heartbeats; count who is online before and after."""
    agent, online_start = await open_dashboard(target)
    watcher = asyncio.create_task(watch_dashboard(agent, tally))
    pid = target.proc.pid
    pings, cpu_client, cpu_server = tally.pings, time.process_time(), cpu_seconds(pid)
    start = time.perf_counter()
    profiler = start_profiler(
        PROFILE_DIR, f"{target.name} signals", pid, shape.signals / shape.signal_rate
    )
    with gc_paused():
        await send_signals(agent, visitors, shape, tally)
        try:
            await asyncio.wait_for(tally.all_in.wait(), DRAIN_SECONDS)
        except TimeoutError:
            tally.note(f"{tally.expected - tally.received} signals not in {DRAIN_SECONDS:g} s")
    wall = time.perf_counter() - start
    if profiler is not None:
        await asyncio.to_thread(profiler.wait, 30)
    figures = {
        "online_start": online_start,
        "pings_per_second": (tally.pings - pings) / wall,
        "hold_seconds": wall,
        "client_cpu": (time.process_time() - cpu_client) / wall,
        "server_cpu": (cpu_seconds(pid) - cpu_server) / wall,
    }
    last, figures["online_end"] = await open_dashboard(target)
    await last.close()
    watcher.cancel()
    await agent.close()
    return figures


async def measure(target: Target, shape: Shape) -> Measurement:
    tally = Tally()
    rss_idle = rss_mib(target.proc.pid)
    visitors: list[Visitor] = []
    try:
        cpu = cpu_seconds(target.proc.pid)
        # Profiled for about as long as a quiet machine takes to let the visitors in.
        profiler = start_profiler(
            PROFILE_DIR, f"{target.name} connects", target.proc.pid, shape.visitors / 200
        )
        visitors, ramp_seconds = await ramp_up(target, shape, tally)
        if profiler is not None:
            await asyncio.to_thread(profiler.wait, 30)
        ramp_cpu = cpu_seconds(target.proc.pid) - cpu
        rss_loaded = rss_mib(target.proc.pid)
        print(f"  {len(visitors)} visitors in {ramp_seconds:.1f} s; signalling", flush=True)
        figures = await hold(target, visitors, shape, tally)
    finally:
        # The server goes first, so it does not spend minutes saying goodbye to N sockets.
        tally.stopping = True
        stop_process(target.proc, grace=STOP_GRACE)
        for task in (task for visitor in visitors for task in visitor.tasks):
            task.cancel()
        await asyncio.gather(*(v.ws.close() for v in visitors), return_exceptions=True)
    return Measurement(
        name=target.name,
        shape=shape,
        connected=len(visitors),
        ramp_seconds=ramp_seconds,
        ramp_cpu=ramp_cpu,
        rss_idle=rss_idle,
        rss_loaded=rss_loaded,
        tally=tally,
        notes=list(tally.notes),
        **figures,
    )


# --- Variants ---------------------------------------------------------------------------


def measure_raw(tmp: Path, shape: Shape) -> Measurement:
    with ExitStack() as stack:
        port, proc = start_raw(stack, shape, tmp / "raw.log")
        target = Target("raw websockets server", port, proc, "/v", "/a")
        return asyncio.run(measure(target, shape))


@dataclass
class Failure:
    """A variant that could not finish at this load (the others still run)."""

    name: str
    reason: str
    notes: list[str]


def measure_tandem(
    name: str, env: dict[str, str], log: Path, shape: Shape
) -> Measurement | Failure:
    with ExitStack() as stack:
        port, proc = start_tandem(stack, env, log)
        try:
            target = Target(name, port, proc, f"/ws/presence/{GROUP}/", "/ws/agent/dashboard/")
            target.cookie = agent_cookie(port)
            measurement = asyncio.run(measure(target, shape))
        except Exception as error:
            return Failure(name, f"{type(error).__name__}: {error}"[:300], log_summary(log))
    measurement.notes += log_summary(log)
    return measurement


def tandem_variants(stack: ExitStack, tmp: Path, redis: bool) -> list[tuple[str, dict[str, str]]]:
    variants: list[tuple[str, dict[str, str]]] = [("tandem, in-memory", {})]
    if not redis:
        return variants
    if shutil.which("redis-server") is None:
        print("--redis: redis-server not found on PATH; the Redis variant is skipped", flush=True)
        return variants
    url = start_redis(stack, tmp / "redis.log")
    return [*variants, ("tandem, redis", {"REDIS_URL": url})]


def run(shape: Shape, redis: bool, logs: Path | None) -> list[Measurement | Failure]:
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as name, ExitStack() as stack:
        tmp = Path(name)
        if logs is not None:
            stack.callback(keep_logs, tmp, logs)
        print("measuring: raw websockets server", flush=True)
        results: list[Measurement | Failure] = [measure_raw(tmp, shape)]
        env = tandem_env(tmp, shape)
        prepare_database(env)
        for index, (variant, extra) in enumerate(tandem_variants(stack, tmp, redis)):
            print(f"measuring: {variant}", flush=True)
            log = tmp / f"daphne-{index}.log"
            results.append(measure_tandem(variant, env | extra, log, shape))
        return results


def keep_logs(tmp: Path, logs: Path) -> None:
    logs.mkdir(parents=True, exist_ok=True)
    for log in tmp.glob("*.log"):
        shutil.copy(log, logs / log.name)


# --- Report -----------------------------------------------------------------------------

COLUMNS = (
    f"{'variant':<24}{'online':>12}{'conn/s':>14}{'cpu ms/conn':>14}{'pings/s':>9}{'rss MiB':>9}"
    f"{'MiB/1000':>14}{'p50 ms':>15}{'p99 ms':>15}{'max ms':>15}{'lost':>6}{'dup':>5}"
    f"{'cpu srv':>14}{'cpu cli':>9}"
)


def cell(value: float, base: float | None, digits: int = 2, unit: str = "") -> str:
    """`value (xratio)`, with fewer decimals for big numbers so columns stay aligned."""
    if math.isnan(value):
        return "n/a"
    text = f"{value:.{digits if value < 100 else 0}f}{unit}"
    if base is None or not base or math.isnan(base):
        return text
    ratio = value / base
    return f"{text} (x{ratio:.1f})" if ratio < 10 else f"{text} (x{ratio:.0f})"


def row(m: Measurement, base: Measurement | None) -> str:
    def vs(value: Callable[[Measurement], float], digits: int = 2, unit: str = "") -> str:
        return cell(value(m), value(base) if base else None, digits, unit)

    latency = "".join(f"{vs(lambda x, q=q: x.percentile(q)):>15}" for q in (0.5, 0.99, 1.0))
    return (
        f"{m.name:<24}{f'{m.online_end}/{m.shape.visitors}':>12}"
        f"{vs(lambda x: x.connected / x.ramp_seconds, 0):>14}"
        f"{vs(lambda x: x.ramp_cpu * 1000 / x.connected, 1):>14}{m.pings_per_second:>9.0f}"
        f"{m.rss_loaded:>9.0f}{vs(lambda x: x.mib_per_1000, 1):>14}{latency}"
        f"{m.lost:>6}{m.tally.duplicates:>5}{vs(lambda x: x.server_cpu * 100, 0, '%'):>14}"
        f"{m.client_cpu:>9.0%}"
    )


def headline(m: Measurement, base: Measurement) -> str:
    return (
        f"{m.name}: held {m.online_end} of {m.shape.visitors} visitors online, p99 signal "
        f"{m.percentile(0.99):.1f} ms (raw {base.percentile(0.99):.1f} ms), "
        f"{m.mib_per_1000:.1f} MiB per 1000 visitors (raw {base.mib_per_1000:.1f} MiB)"
    )


def report(results: list[Measurement | Failure], shape: Shape) -> None:
    base = results[0]
    assert isinstance(base, Measurement)  # the raw server's failure stops the run
    print(
        f"\nPresence: {shape.visitors} visitors pinging every {shape.heartbeat:g} s "
        f"(online timeout {shape.timeout} s); {shape.signals} signals at "
        f"{shape.signal_rate:g}/s to random visitors; ratios (xN) against the raw server"
    )
    print(COLUMNS)
    print("-" * len(COLUMNS))
    print(row(base, None))
    for measurement in results[1:]:
        if isinstance(measurement, Failure):
            print(f"{measurement.name:<24}failed: {measurement.reason}")
        else:
            print(row(measurement, base))
    print()
    for measurement in results[1:]:
        if isinstance(measurement, Measurement):
            print(headline(measurement, base))
    for m in results:
        if isinstance(m, Failure):
            print(f"\n{m.name} (failed):")
            print("\n".join(f"  {note}" for note in m.notes))
            continue
        if m.online_start != m.online_end:
            m.notes.insert(0, f"online before signalling: {m.online_start}, after: {m.online_end}")
        if m.online_start < m.connected:
            m.notes.insert(
                0, f"{m.connected} visitors connected, {m.online_start} counted online at once"
            )
        if m.connected < m.shape.visitors:
            m.notes.insert(0, f"only {m.connected} of {m.shape.visitors} visitors connected")
        if m.tally.closed:
            m.notes.insert(0, f"{m.tally.closed} visitor sockets closed by the server")
        if m.tally.not_online:
            m.notes.append(f"{m.tally.not_online} signals found their visitor offline")
        if m.server_cpu > 0.85:
            m.notes.append("server near one full core: latency includes queueing")
        if m.notes:
            print(f"\n{m.name}:")
            print("\n".join(f"  {note}" for note in m.notes))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=2000, help="visitors (1-20000)")
    parser.add_argument("--heartbeat", type=float, default=10, help="seconds between pings")
    parser.add_argument("--signals", type=int, default=500, help="signals to send (1-100000)")
    parser.add_argument("--signal-rate", type=float, default=25, help="signals/s (1-150)")
    parser.add_argument("--redis", action="store_true", help="also Tandem on redis-server")
    parser.add_argument("--logs", type=Path, help="keep the server logs in this folder")
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="py-spy each server process into DIR"
    )
    parser.add_argument("--serve-raw", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=int, default=30, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    if args.serve_raw:
        asyncio.run(serve_raw(args.serve_raw, args.timeout))
        return
    visitors = max(1, min(args.visitors, 20_000))
    fit = raise_fd_limit(visitors)
    if fit < visitors:
        print(f"note: the open-file limit allows {fit} visitors, not {visitors}")
        visitors = fit
    shape = Shape(
        visitors=visitors,
        heartbeat=max(2.0, min(args.heartbeat, 60.0)),
        signals=max(1, min(args.signals, 100_000)),
        # Below the dashboard socket's stock limit of 200 frames/s, with room to spare.
        signal_rate=max(1.0, min(args.signal_rate, 150.0)),
    )
    if args.profile:
        global PROFILE_DIR
        PROFILE_DIR = args.profile.resolve()
        PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    report(run(shape, args.redis, args.logs), shape)


if __name__ == "__main__":
    main()
