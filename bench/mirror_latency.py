"""Visitor -> agent mirror latency and throughput under load: Tandem against a raw relay.

N synthetic visitors each stream rrweb-sized mirror frames (`{"t": "ev", "s": n, "e": [...]}`,
a mix of DOM mutations of ~1.3-1.7 KB and pointer, click, scroll and input frames of
~300-400 B) at a fixed rate to one watching agent each. Every event carries its send time
(`time.perf_counter_ns()`: all clients live in this one process, so one clock); the agent
side computes the latency of each frame on receipt and checks its sequence number.

Everything is started here on 127.0.0.1 and stopped at the end, also on error:

- raw websockets relay: a bare `websockets` server (a subprocess of this script) handing
  each visitor socket's frames to its paired agent socket, no validation, no channel
  layer. The floor for "Python relays a WebSocket frame on this machine".
- tandem, 1 process: a real daphne server (`tandem.asgi:application`) on a temporary
  SQLite database with the demo data; the default single-process channel layer.
- with --redis: two daphne processes on a throwaway `redis-server` and one SQLite file,
  each visitor on the first and its agent on the second; once with the layer `REDIS_URL`
  selects by default, and (unless `--redis default`) once with channels_redis's core
  RedisChannelLayer.

Printed per variant: the send rate achieved, p50/p99/max latency in ms (with the ratio to
the raw relay), delivered events/s, frames lost (not delivered within 10 s of the last
send), the CPU the servers and this client process used (100% = one core), the servers'
CPU per delivered frame and their memory per 1,000 sessions. Figures only; nothing here
asserts on time. See bench/README.md for how to read them. `--profile DIR` records the
servers with py-spy while the load runs.

Run with `make bench` or
`.venv/bin/python bench/mirror_latency.py [--visitors 20] [--rate 50] [--seconds 10] [--redis]`
(see bench/README.md for all options).
"""

import argparse
import asyncio
import math
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from harness import (
    HOST,
    POLL_INTERVAL,
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
    tail,
    wait_ready,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

GROUP = 72
SITE = "production"

STEP_TIMEOUT = 15.0  # seconds for any one set-up step (connect, handshake frame)
DRAIN_SECONDS = 10.0  # how long frames still in flight after the last send may take
LEAD_IN = 0.3  # seconds between the end of set-up and the first frame
MAX_NOTES = 5  # odd frames or closes remembered per visitor/agent pair
RELAY = "raw websockets relay"  # the baseline variant's name
STOCK_RATE_LIMIT = 200  # TANDEM_WS_RATE_PER_SECOND's default, frames/s per socket
# Frames an agent gets besides the mirror's that say nothing about it: news of the other
# sessions of its group (every bench session is in one group) and agent counts.
NEWS = frozenset({"session_new", "agents"})

# Log lines worth reporting: logged warnings and errors, and the last line of a traceback.
LAYER_CORE = "channels_redis.core.RedisChannelLayer"


# --- Synthetic rrweb events -------------------------------------------------------------
# rrweb event types: 2 full snapshot, 3 incremental, 4 meta. Incremental sources:
# 0 mutation, 1 mouse move, 2 mouse interaction, 3 scroll, 5 input.


def meta_event() -> dict:
    return {"type": 4, "data": {"href": f"http://{HOST}/bench", "width": 1280, "height": 800}}


def full_snapshot_event(target_bytes: int = 50_000) -> dict:
    """A document of list items, grown until its JSON is about `target_bytes`."""
    items: list[dict] = []
    body = {"type": 2, "tagName": "body", "attributes": {}, "childNodes": items, "id": 4}
    html = {"type": 2, "tagName": "html", "attributes": {}, "childNodes": [body], "id": 3}
    document = {"type": 0, "childNodes": [{"type": 1, "name": "html", "id": 2}, html], "id": 1}
    event = {"type": 2, "data": {"node": document, "initialOffset": {"left": 0, "top": 0}}}
    next_id = 5
    while len(orjson.dumps(event)) < target_bytes and next_id < 100_000:
        items.append(_list_item(next_id, f"Product {next_id} - in stock, ships tomorrow"))
        next_id += 2
    return event


def _list_item(node_id: int, text: str) -> dict:
    return {
        "type": 2,
        "tagName": "li",
        "attributes": {"class": "product-row", "data-sku": f"SKU-{node_id:06d}"},
        "childNodes": [{"type": 3, "textContent": text, "id": node_id + 1}],
        "id": node_id,
    }


def mutation_event(first_id: int, adds: int) -> dict:
    """A DOM mutation: `adds` new list items, two class changes, one text change."""
    return {
        "type": 3,
        "data": {
            "source": 0,
            "texts": [{"id": 11, "value": f"{adds} new results for your search"}],
            "attributes": [
                {"id": 7, "attributes": {"class": "cart cart--updated", "aria-busy": "false"}},
                {"id": 9, "attributes": {"style": "transform: translateY(-12px); opacity: 1"}},
            ],
            "removes": [{"parentId": 5, "id": first_id - 1}],
            "adds": [
                {
                    "parentId": 5,
                    "nextId": None,
                    "node": _list_item(first_id + 2 * i, f"Result {i}: blue cotton shirt, size M"),
                }
                for i in range(adds)
            ],
        },
    }


def mouse_move_event(x: int, y: int) -> dict:
    positions = [
        {"x": x + 3 * i, "y": y + 2 * i, "id": 42, "timeOffset": -16 * (3 - i)} for i in range(4)
    ]
    return {"type": 3, "data": {"source": 1, "positions": positions}}


def click_event() -> dict:
    return {"type": 3, "data": {"source": 2, "type": 2, "id": 42, "x": 318, "y": 207}}


def scroll_event(y: int) -> dict:
    return {"type": 3, "data": {"source": 3, "id": 1, "x": 0, "y": y}}


def input_event() -> dict:
    return {"type": 3, "data": {"source": 5, "id": 57, "text": "blue shirt", "isChecked": False}}


def frame_cycle() -> list[list[dict]]:
    """The events of ten consecutive frames; visitors walk this cycle at their own phase."""
    return [
        [mutation_event(1000, 6)],
        [mouse_move_event(100, 200)],
        [mouse_move_event(112, 208)],
        [click_event(), mouse_move_event(124, 216)],
        [mouse_move_event(136, 224)],
        [mutation_event(2000, 3), mouse_move_event(148, 232)],
        [scroll_event(640), mouse_move_event(160, 240)],
        [mouse_move_event(172, 248)],
        [input_event(), mouse_move_event(184, 256)],
        [mouse_move_event(196, 264)],
    ]


def stamp(events: list[dict]) -> None:
    """Write the send time into every event (rrweb's own wall-clock timestamp too)."""
    sent = time.perf_counter_ns()
    wall_ms = time.time_ns() // 1_000_000
    for event in events:
        event["sent"] = sent
        event["timestamp"] = wall_ms


def ev_text(seq: int, events: list[dict]) -> str:
    # The templates are shared by all visitors; stamping and encoding happen with no
    # await in between, so no other task sees a half-stamped template.
    stamp(events)
    return orjson.dumps({"t": "ev", "s": seq, "e": events}).decode()


def snap_text(to: list) -> str:
    events = [meta_event(), full_snapshot_event()]
    stamp(events)
    return orjson.dumps({"t": "snap", "s": 0, "to": to, "e": events}).decode()


# --- Processes: start on 127.0.0.1, poll until ready, always stop -----------------------


def wait_idle(pid: int, polls: int = 50) -> None:
    """Poll until a process stops using CPU (two quiet polls in a row), at most `polls` times.

    daphne can hang for good on SIGTERM while a socket's disconnect handler is still
    running (its on_commit hook waits on the event loop that is shutting down), so the
    server gets to finish the sockets we just closed before it is stopped.
    """
    quiet, last = 0, cpu_seconds(pid)
    for _ in range(polls):
        time.sleep(POLL_INTERVAL * 2)
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.01 else 0
        if quiet >= 2 or math.isnan(now):
            return
        last = now


# --- Tandem: database, server, agent login ----------------------------------------------


def tandem_env(tmp: Path, rate: int, database: str = "bench.db") -> dict[str, str]:
    """The servers' environment: a fresh SQLite file, no inherited Redis or debug settings."""
    unset = {"DATABASE_URL", "REDIS_URL", "TANDEM_CHANNEL_LAYER", "DEBUG"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp / database}",
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "TANDEM_LOG_LEVEL": "WARNING",
        # Every simulated client comes from 127.0.0.1: no per-address limits.
        "TANDEM_CLIENT_MAX_SOCKETS": "0",
        "TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE": "0",
    }
    if rate > STOCK_RATE_LIMIT * 2 // 3:
        # Leave headroom above the offered rate so the limiter never closes a socket.
        env |= {"TANDEM_WS_RATE_PER_SECOND": str(rate * 2), "TANDEM_WS_RATE_BURST": str(rate * 6)}
    return env


# --- The raw relay (runs as `mirror_latency.py --serve-relay PORT`) ---------------------


async def serve_relay(port: int) -> None:
    """/a/<pair> sockets receive every frame their /v/<pair> socket sends, as sent."""
    agents: dict[str, ServerConnection] = {}

    async def handler(ws: ServerConnection) -> None:
        role, _, pair = ws.request.path.strip("/").partition("/") if ws.request else ("", "", "")
        if role == "a":
            agents[pair] = ws
            await ws.send('{"t":"ready"}')
            await ws.wait_closed()
            if agents.get(pair) is ws:
                del agents[pair]
            return
        async for message in ws:
            agent = agents.get(pair)
            if agent is not None:
                try:
                    await agent.send(message)
                except ConnectionClosed:
                    pass
            # Not kept while the visitor is quiet (Tandem keeps no relayed frame either):
            # the memory figures compare like with like.
            del message

    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with serve(handler, HOST, port, compression=None, max_size=2**22, ping_interval=None):
        await stop


def start_relay(stack: ExitStack, log: Path) -> tuple[int, int]:
    port = free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve-relay", str(port)]
    proc = start_process(stack, command, dict(os.environ), log)
    wait_ready("raw relay", proc, log, lambda: port_open(port))
    return port, proc.pid


# --- Clients: pairs of visitor and agent sockets ---------------------------------------


@dataclass
class Pair:
    index: int
    visitor: ClientConnection
    agent: ClientConnection
    sent: int = 0
    sending: bool = True
    received: int = 0
    last_seq: int = 0
    events: int = 0
    last_receive_ns: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    readers: list[asyncio.Task] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Remember something odd on this pair's sockets (the first few only)."""
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)


async def ws_open(
    stack: AsyncExitStack, url: str, origin: str, headers: dict[str, str] | None = None
) -> ClientConnection:
    """A client socket closed by `stack`; no proxy, no compression (daphne offers none)."""
    return await stack.enter_async_context(
        connect(
            url,
            origin=Origin(origin),
            additional_headers=headers,
            proxy=None,
            compression=None,
            max_size=2**22,
            open_timeout=STEP_TIMEOUT,
            close_timeout=2,
            ping_interval=None,
        )
    )


async def open_tandem_pair(
    stack: AsyncExitStack, ports: list[int], cookie: str, index: int
) -> Pair:
    """Visitor starts a session (on the first server), agent joins (on the last; the same
    one when there is one), visitor answers the snapshot request."""
    visitor_port, agent_port = ports[0], ports[-1]
    origin = f"http://{HOST}:{visitor_port}"
    visitor = await ws_open(stack, f"ws://{HOST}:{visitor_port}/ws/visitor/{GROUP}/", origin)
    await visitor.send(orjson.dumps({"t": "start", "site": SITE}).decode())
    key = (await expect(visitor, "started"))["key"]
    agent_url = f"ws://{HOST}:{agent_port}/ws/agent/session/{key}/"
    agent = await ws_open(stack, agent_url, f"http://{HOST}:{agent_port}", {"Cookie": cookie})
    await expect(agent, "joined")
    request = await expect(visitor, "snapshot")
    await visitor.send(snap_text(request["to"]))
    await expect(agent, "snap")
    return Pair(index, visitor, agent)


async def open_relay_pair(stack: AsyncExitStack, port: int, index: int) -> Pair:
    """The same sockets on the raw relay: agent first, then the visitor's snapshot."""
    origin = f"http://{HOST}:{port}"
    agent = await ws_open(stack, f"ws://{HOST}:{port}/a/{index}", origin)
    await expect(agent, "ready")
    visitor = await ws_open(stack, f"ws://{HOST}:{port}/v/{index}", origin)
    await visitor.send(snap_text([]))
    await expect(agent, "snap")
    return Pair(index, visitor, agent)


# --- The load: send on a schedule, measure on receipt -----------------------------------


@dataclass(frozen=True)
class Shape:
    visitors: int
    rate: int
    seconds: float

    @property
    def label(self) -> str:
        return f"{self.visitors}x{self.rate}"

    @property
    def frames_per_visitor(self) -> int:
        return max(1, round(self.rate * self.seconds))


async def send_frames(pair: Pair, shape: Shape, cycle: list[list[dict]], start: float) -> None:
    """Frames 1..N at `shape.rate`; a late frame goes at once, the schedule is kept."""
    interval = 1 / shape.rate
    for seq in range(1, shape.frames_per_visitor + 1):
        delay = start + (seq - 1) * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            await pair.visitor.send(ev_text(seq, cycle[(pair.index + seq) % len(cycle)]))
        except ConnectionClosed as closed:
            pair.note(f"visitor socket closed while sending: {closed}")
            break
        pair.sent = seq
    pair.sending = False
    if pair.last_seq >= pair.sent:
        pair.done.set()


async def receive_frames(pair: Pair) -> None:
    """Agent side: latency of each mirror frame on receipt; done once the last one is in."""
    try:
        async for message in pair.agent:
            now = time.perf_counter_ns()
            frame = orjson.loads(message)
            if frame.get("t") != "ev":
                if frame.get("t") not in NEWS:
                    pair.note(f"agent got {str(frame)[:200]}")
                continue
            events = frame["e"]
            pair.latencies_ms.append((now - events[0]["sent"]) / 1e6)
            pair.received += 1
            pair.events += len(events)
            if frame["s"] <= pair.last_seq:
                pair.note(f"agent got frame {frame['s']} after {pair.last_seq}")
            pair.last_seq = frame["s"]
            pair.last_receive_ns = now
            if not pair.sending and pair.last_seq >= pair.sent:
                pair.done.set()
    except ConnectionClosed as closed:
        pair.note(f"agent socket closed: {closed}")
    finally:
        pair.done.set()


async def watch_visitor(pair: Pair) -> None:
    """Keep the visitor socket read; note anything but agent counts (errors, closes)."""
    try:
        async for message in pair.visitor:
            frame = orjson.loads(message)
            if frame.get("t") not in ("agents", "snapshot"):
                pair.note(f"visitor got {str(frame)[:200]}")
    except ConnectionClosed as closed:
        pair.note(f"visitor socket closed: {closed}")


@dataclass
class Measurement:
    name: str
    shape: Shape
    sent: int
    send_seconds: float
    received: int
    events: int
    window_seconds: float
    latencies_ms: list[float]
    client_cpu: float
    server_cpu: float  # share of one core, all server processes together
    server_cpu_seconds: float
    rss_added_mib: list[float]  # server memory the open sessions added, per process
    processes: int
    notes: list[str]

    @property
    def cpu_us_per_frame(self) -> float:
        return self.server_cpu_seconds / self.received * 1e6 if self.received else math.nan

    @property
    def mib_per_1000(self) -> float:
        """All server processes together: what 1,000 sessions cost the deployment."""
        return sum(self.rss_added_mib) / self.shape.visitors * 1000

    @property
    def lost(self) -> int:
        return self.sent - self.received

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return math.nan
        return self.latencies_ms[min(len(self.latencies_ms) - 1, int(q * len(self.latencies_ms)))]


def servers_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


async def servers_rss(pids: list[int]) -> list[float]:
    """Each process's resident memory once it has finished what it was doing (the sockets
    just opened or closed)."""
    for pid in pids:
        await asyncio.to_thread(wait_idle, pid)
    return [rss_mib(pid) for pid in pids]


async def rss_idle(
    pids: list[int], opener: Callable[[AsyncExitStack], Awaitable[Pair]]
) -> list[float]:
    """The servers' memory with no session open, after one session has come and gone: what
    any first session pays once (imports done lazily, the database connection and its
    cache, the thread that serves it, the Redis connections) is no session's cost."""
    async with AsyncExitStack() as stack:
        await opener(stack)
    return await servers_rss(pids)


async def rss_added(pids: list[int], idle: list[float]) -> list[float]:
    return [now - before for now, before in zip(await servers_rss(pids), idle, strict=True)]


async def run_load(
    name: str, pairs: list[Pair], shape: Shape, pids: list[int], memory_added: list[float]
) -> Measurement:
    """Stream from every pair at once, wait (bounded) for stragglers, sum the figures."""
    cycle = frame_cycle()
    profilers = [start_profiler(PROFILE_DIR, name, pid, shape.seconds) for pid in pids]
    readers = [task for p in pairs for task in p.readers]
    cpu_client, cpu_server = time.process_time(), servers_cpu(pids)
    start = time.perf_counter() + LEAD_IN
    stagger = 1 / (shape.rate * len(pairs))  # spread the visitors' frames over each interval
    senders = [
        asyncio.create_task(send_frames(p, shape, cycle, start + i * stagger))
        for i, p in enumerate(pairs)
    ]
    notes: list[str] = []
    _, late = await asyncio.wait(senders, timeout=shape.seconds * 3 + 30)
    for task in late:
        task.cancel()
    if late:
        notes.append(f"{len(late)} senders did not finish in time and were stopped")
    send_seconds = time.perf_counter() - start
    waiters = [asyncio.create_task(p.done.wait()) for p in pairs]
    await asyncio.wait(waiters, timeout=DRAIN_SECONDS)
    wall = time.perf_counter() - start
    client_cpu = (time.process_time() - cpu_client) / wall
    server_cpu_seconds = servers_cpu(pids) - cpu_server
    for task in readers + senders + waiters:
        task.cancel()
    await asyncio.gather(*readers, *senders, *waiters, return_exceptions=True)
    for profiler in profilers:
        if profiler is not None:
            await asyncio.to_thread(profiler.wait, 30)
    last_ns = max((p.last_receive_ns for p in pairs), default=0)
    return Measurement(
        name=name,
        shape=shape,
        sent=sum(p.sent for p in pairs),
        send_seconds=send_seconds,
        received=sum(p.received for p in pairs),
        events=sum(p.events for p in pairs),
        window_seconds=max(last_ns / 1e9 - start, 1e-9),
        latencies_ms=sorted(ms for p in pairs for ms in p.latencies_ms),
        client_cpu=client_cpu,
        server_cpu=server_cpu_seconds / wall,
        server_cpu_seconds=server_cpu_seconds,
        rss_added_mib=memory_added,
        processes=len(pids),
        notes=notes + [f"pair {p.index}: {note}" for p in pairs for note in p.notes],
    )


PROFILE_DIR: Path | None = None  # --profile: where py-spy writes one profile per server
WARM_UP = 1_000_000  # the index of the pair opened and closed before the idle reading


async def open_pairs(count: int, opener: Callable[[int], Awaitable[Pair]]) -> list[Pair]:
    """One after another: session start writes to SQLite, and set-up is not what we time.
    Each pair's sockets are read from the moment it is open: an agent hears of every
    session opened after its own, and a client that stops reading stops answering the
    server's pings too (daphne closes such a socket after --ping-timeout)."""
    pairs = []
    for index in range(count):
        pair = await opener(index)
        pair.readers = [
            asyncio.create_task(receive_frames(pair)),
            asyncio.create_task(watch_visitor(pair)),
        ]
        pairs.append(pair)
    return pairs


async def load_relay(port: int, pid: int, shape: Shape) -> Measurement:
    idle = await rss_idle([pid], lambda stack: open_relay_pair(stack, port, WARM_UP))
    async with AsyncExitStack() as stack:
        pairs = await open_pairs(shape.visitors, lambda i: open_relay_pair(stack, port, i))
        added = await rss_added([pid], idle)
        with gc_paused():
            return await run_load(RELAY, pairs, shape, [pid], added)


async def load_tandem(
    name: str, ports: list[int], pids: list[int], cookie: str, shape: Shape
) -> Measurement:
    idle = await rss_idle(pids, lambda stack: open_tandem_pair(stack, ports, cookie, WARM_UP))
    async with AsyncExitStack() as stack:
        pairs = await open_pairs(
            shape.visitors, lambda i: open_tandem_pair(stack, ports, cookie, i)
        )
        added = await rss_added(pids, idle)
        with gc_paused():
            return await run_load(name, pairs, shape, pids, added)


# --- Variants ---------------------------------------------------------------------------


def measure_relay(tmp: Path, shape: Shape) -> Measurement:
    with ExitStack() as stack:
        port, pid = start_relay(stack, tmp / "relay.log")
        return asyncio.run(load_relay(port, pid, shape))


def measure_tandem(name: str, env: dict[str, str], logs: list[Path], shape: Shape) -> Measurement:
    """One daphne per log: visitors on the first, agents on the last."""
    with ExitStack() as stack:
        servers = [start_tandem(stack, env, log) for log in logs]
        ports, procs = [port for port, _ in servers], [proc for _, proc in servers]
        try:
            cookie = agent_cookie(ports[-1])
            pids = [proc.pid for proc in procs]
            measurement = asyncio.run(load_tandem(name, ports, pids, cookie, shape))
        except BaseException:
            for log in logs:
                print(f"{name} failed; server log tail:\n{tail(log)}", file=sys.stderr)
            raise
        for proc in procs:
            wait_idle(proc.pid)
        for proc in procs:
            if not stop_process(proc, grace=5):
                measurement.notes.append("daphne still running 5 s after SIGTERM: killed")
    for log in logs:
        measurement.notes += log_summary(log)
    return measurement


def tandem_variants(
    redis: str | None, redis_url: str | None
) -> list[tuple[str, dict[str, str], int]]:
    """(name, extra environment, server processes) of each Tandem variant."""
    variants = [("tandem, 1 process", {}, 1)]
    if not redis or redis_url is None:
        return variants
    variants.append(("tandem, 2 proc, redis", {"REDIS_URL": redis_url}, 2))
    if redis == "all":
        core = {"REDIS_URL": redis_url, "TANDEM_CHANNEL_LAYER": LAYER_CORE}
        variants.append(("tandem, 2 proc, core layer", core, 2))
    return variants


def run(shapes: list[Shape], redis: str | None, redis_shapes: list[Shape]) -> list[Measurement]:
    """Each load in turn: the raw relay, then each Tandem variant (the Redis ones only for
    the loads in `redis_shapes`)."""
    with tempfile.TemporaryDirectory(prefix="tandem-bench-") as name, ExitStack() as stack:
        tmp = Path(name)
        redis_url = None
        if redis and shutil.which("redis-server") is None:
            print("--redis: redis-server not found on PATH; Redis variants skipped", flush=True)
        elif redis:
            redis_url = start_redis(stack, tmp / "redis.log")
        results = []
        for load, shape in enumerate(shapes):
            print(f"load {shape.label}: raw websockets relay ({shape.seconds:g} s)", flush=True)
            results.append(measure_relay(tmp, shape))
            # A database per load: the sessions of the last load's servers (stopped, so
            # their sockets count as lost) must not be swept while this one opens its own.
            env = tandem_env(tmp, shape.rate, f"bench-{load}.db")
            prepare_database(env)
            variants = tandem_variants(redis if shape in redis_shapes else None, redis_url)
            for index, (variant, extra, processes) in enumerate(variants):
                print(f"load {shape.label}: {variant} ({shape.seconds:g} s)", flush=True)
                logs = [tmp / f"daphne-{load}-{index}-{n}.log" for n in range(processes)]
                results.append(measure_tandem(variant, env | extra, logs, shape))
        return results


# --- Report -----------------------------------------------------------------------------

COLUMNS = (
    f"{'variant':<27}{'load':>8}{'sent/s':>8}"
    f"{'p50 ms':>16}{'p99 ms':>16}{'max ms':>16}"
    f"{'events/s':>14}{'lost':>7}{'cpu srv':>9}{'cpu us/frame':>16}{'MiB/1000':>14}{'cpu cli':>9}"
)


def cell(value: float, base: float | None, digits: int = 2) -> str:
    """`value (xratio)`, with fewer decimals for big numbers so columns stay aligned."""
    text = f"{value:.{digits if value < 100 else 0}f}"
    if base is None or not base or math.isnan(base):
        return text
    ratio = value / base
    return f"{text} (x{ratio:.1f})" if ratio < 10 else f"{text} (x{ratio:.0f})"


def row(m: Measurement, base: Measurement | None) -> str:
    quantiles = (0.5, 0.99, 1.0)
    latency = "".join(
        f"{cell(m.percentile(q), base.percentile(q) if base else None):>16}" for q in quantiles
    )
    events = cell(
        m.events / m.window_seconds, base.events / base.window_seconds if base else None, 0
    )
    cpu = cell(m.cpu_us_per_frame, base.cpu_us_per_frame if base else None, 0)
    memory = cell(m.mib_per_1000, base.mib_per_1000 if base else None, 1)
    return (
        f"{m.name:<27}{m.shape.label:>8}{m.sent / m.send_seconds:>8.0f}{latency}"
        f"{events:>14}{m.lost:>7}{m.server_cpu:>9.0%}{cpu:>16}{memory:>14}{m.client_cpu:>9.0%}"
    )


def report(results: list[Measurement], seconds: float) -> None:
    print(
        f"\nVisitor -> agent mirror latency: load = visitors x frames/s each, {seconds:g} s "
        "per variant, one agent per visitor; ratios (xN) against the raw relay at the same load"
    )
    print(COLUMNS)
    print("-" * len(COLUMNS))
    base = None
    for measurement in results:
        if measurement.name == RELAY:
            if base is not None:
                print()
            base = measurement
            print(row(measurement, None))
        else:
            print(row(measurement, base))
    for measurement in results:
        who = f"{measurement.name}, {measurement.shape.label}"
        if measurement.server_cpu > 0.85 * measurement.processes:
            measurement.notes.append(
                "server processes near one full core each: latency includes queueing"
            )
        if measurement.processes > 1:
            each = ", ".join(
                f"{added / measurement.shape.visitors * 1000:.0f}"
                for added in measurement.rss_added_mib
            )
            measurement.notes.append(f"MiB/1000 by process (visitors' first, agents' last): {each}")
        if measurement.client_cpu > 0.85:
            measurement.notes.append(
                "client process near one full core: figures include client-side queueing"
            )
        if measurement.notes:
            print(f"\n{who}:")
            print("\n".join(f"  {note}" for note in measurement.notes[:40]))


def raise_fd_limit(wanted: int) -> None:
    """Raise the soft open-file limit (the servers inherit it) as far as the hard one allows."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def parse_loads(text: str | None, seconds: float) -> list[Shape]:
    """`200x5,20x50` as shapes; an empty list for None."""
    shapes = []
    for part in (text or "").split(","):
        if part.strip():
            visitors, _, rate = part.strip().partition("x")
            shapes.append(
                Shape(max(1, min(int(visitors), 1000)), max(1, min(int(rate), 500)), seconds)
            )
    return shapes


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=20, help="visitor/agent pairs (1-1000)")
    parser.add_argument("--rate", type=int, default=50, help="frames/s per visitor (1-500)")
    parser.add_argument(
        "--loads",
        metavar="VxR,...",
        help="several loads in one run, e.g. 200x5,20x50 (visitors x frames/s each)",
    )
    parser.add_argument(
        "--redis-loads",
        metavar="VxR,...",
        help="with --redis: the loads that also run on two processes (default: all)",
    )
    parser.add_argument("--seconds", type=float, default=10, help="seconds of load (1-60)")
    parser.add_argument(
        "--redis",
        nargs="?",
        const="all",
        choices=["all", "default"],
        help="also two Tandem processes on redis-server (default: only the default layer)",
    )
    parser.add_argument(
        "--profile", type=Path, metavar="DIR", help="py-spy each server under load into DIR"
    )
    parser.add_argument("--serve-relay", type=int, metavar="PORT", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    if args.serve_relay:
        asyncio.run(serve_relay(args.serve_relay))
        return
    seconds = max(1.0, min(args.seconds, 60.0))
    single = f"{args.visitors}x{args.rate}"
    shapes = parse_loads(args.loads, seconds) or parse_loads(single, seconds)
    redis_shapes = parse_loads(args.redis_loads, seconds) or shapes
    # Both ends of every socket, here and in daphne.
    raise_fd_limit(max(shape.visitors for shape in shapes) * 4 + 256)
    if args.profile:
        global PROFILE_DIR
        PROFILE_DIR = args.profile.resolve()
        PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    for shape in shapes:
        if shape.rate > STOCK_RATE_LIMIT * 2 // 3:
            print(f"note: rate {shape.rate} is near Tandem's per-socket limit; raised for it")
    report(run(shapes, args.redis, redis_shapes), seconds)


if __name__ == "__main__":
    main()
