"""What the benchmarks share: starting and stopping the processes they measure (daphne,
redis-server, a raw baseline), readiness polls, the demo agent's login, CPU and memory
readings from /proc, and a summary of what went wrong in a server log.

The scripts run as `python bench/<name>.py`, so this folder is on sys.path.
"""

import asyncio
import gc
import math
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, OpenerDirector, ProxyHandler, Request, build_opener

import orjson
from websockets.asyncio.client import ClientConnection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "benchpass"

STEP_TIMEOUT = 30.0  # seconds for any one set-up step (connect, handshake frame)
POLL_INTERVAL = 0.05  # seconds between readiness polls of a starting process
POLL_ATTEMPTS = 400  # readiness polls before giving up (~20 s plus connect time)
MAX_HANDSHAKE_FRAMES = 50  # frames skipped while waiting for one expected frame type

# Server log lines worth reporting, and the noise around them.
PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL)\b|^[\w.]*(Error|Exception)\b")
STAMP = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ +")
ACCESS = re.compile(r"^\S+:\d+ - - \[")  # daphne's access log: one line per request or socket
OVER_CAPACITY = "channels over capacity"  # channels_redis dropping a frame for a full channel


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_process(
    stack: ExitStack, command: Sequence[str], env: dict[str, str], log: Path
) -> subprocess.Popen:
    """Start `command` with output to `log`; `stack` stops it however the run ends."""
    with log.open("w") as handle:
        proc = subprocess.Popen(
            list(command), env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT
        )
    stack.callback(stop_process, proc)
    return proc


def stop_process(proc: subprocess.Popen, grace: float = 10) -> bool:
    """SIGTERM, then SIGKILL after `grace` seconds; True when it exited on SIGTERM."""
    if proc.poll() is not None:
        return True
    proc.terminate()
    try:
        proc.wait(timeout=grace)
        return True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        return False


def wait_ready(name: str, proc: subprocess.Popen, log: Path, ready: Callable[[], bool]) -> None:
    """Poll `ready` a bounded number of times; fail with the log if the process dies."""
    for _ in range(POLL_ATTEMPTS):
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{tail(log)}")
        if ready():
            return
        time.sleep(POLL_INTERVAL)
    raise RuntimeError(f"{name} never became ready:\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def redis_pong(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def http_opener(jar: CookieJar | None = None) -> OpenerDirector:
    """urllib without proxies: every request goes straight to 127.0.0.1."""
    return build_opener(ProxyHandler({}), HTTPCookieProcessor(CookieJar() if jar is None else jar))


def http_ok(url: str) -> bool:
    try:
        with http_opener().open(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc); NaN elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return math.nan
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """A process's resident memory now (VmRSS in /proc/<pid>/status); NaN elsewhere."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return math.nan
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else math.nan


def prepare_database(env: dict[str, str]) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["demo", "--password", PASSWORD]):
        done = subprocess.run(
            [*manage, *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {command[0]} failed:\n{done.stdout}{done.stderr}")


def start_tandem(stack: ExitStack, env: dict[str, str], log: Path) -> tuple[int, subprocess.Popen]:
    """A daphne server on a free port; returns (port, process) once it answers HTTP."""
    port = free_port()
    command = [str(BIN / "daphne"), "-b", HOST, "-p", str(port), "tandem.asgi:application"]
    proc = start_process(stack, command, env, log)
    wait_ready("daphne", proc, log, lambda: http_ok(f"http://{HOST}:{port}/accounts/login/"))
    return port, proc


def agent_cookie(port: int) -> str:
    """Log in as the demo agent through the login form; return the Cookie header value."""
    jar = CookieJar()
    opener = http_opener(jar)
    login = f"http://{HOST}:{port}/accounts/login/"
    with opener.open(login, timeout=10) as response:
        response.read()
    form = {
        "username": "agent",
        "password": PASSWORD,
        "csrfmiddlewaretoken": cookie(jar, "csrftoken"),
    }
    request = Request(login, data=urlencode(form).encode(), headers={"Referer": login})
    with opener.open(request, timeout=10) as response:
        response.read()
    session = cookie(jar, "sessionid")
    if not session:
        raise RuntimeError("login as agent failed: no sessionid cookie")
    return f"sessionid={session}"


def cookie(jar: CookieJar, name: str) -> str:
    return next((c.value or "" for c in jar if c.name == name), "")


def start_redis(stack: ExitStack, log: Path) -> str:
    """A throwaway redis-server on a free port, nothing persisted; returns its URL."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", HOST]
    command += ["--save", "", "--appendonly", "no"]
    proc = start_process(stack, command, dict(os.environ), log)
    wait_ready("redis-server", proc, log, lambda: redis_pong(port))
    return f"redis://{HOST}:{port}/0"


async def expect(ws: ClientConnection, frame_type: str) -> dict:
    """The next frame of `frame_type`, skipping others; an error frame fails set-up."""
    async with asyncio.timeout(STEP_TIMEOUT):
        for _ in range(MAX_HANDSHAKE_FRAMES):
            frame = orjson.loads(await ws.recv())
            if frame.get("t") == frame_type:
                return frame
            if frame.get("t") == "error":
                raise RuntimeError(f"waiting for {frame_type!r}, got {frame}")
    raise RuntimeError(f"no {frame_type!r} frame in {MAX_HANDSHAKE_FRAMES} frames")


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic GC in this client while it measures: its pauses (up to tens of ms) would
    otherwise land in the tail of every variant. Reference counting still frees each frame."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()
        gc.collect()


def log_summary(log: Path, shown: int = 8) -> list[str]:
    """What went wrong in a server log: dropped frames, then each distinct error once."""
    text = log.read_text(errors="replace")
    lines = [line for line in text.splitlines() if not ACCESS.match(line)]
    notes = []
    full = sum(OVER_CAPACITY in line for line in lines)
    if full:
        notes.append(f"server log: {full} x '{OVER_CAPACITY}' (the layer dropped frames)")
    problems = [STAMP.sub("", line) for line in lines if PROBLEM.search(line)]
    if problems:
        distinct = list(dict.fromkeys(problems))
        tracebacks = sum(line.startswith("Traceback") for line in lines)
        notes.append(
            f"server log: {len(problems)} warning/error lines, {tracebacks} tracebacks; "
            f"{len(distinct)} distinct (first {shown}):"
        )
        notes += [f"    {line[:200]}" for line in distinct[:shown]]
    return notes


def start_profiler(
    folder: Path | None, name: str, pid: int, seconds: float
) -> subprocess.Popen | None:
    """`py-spy record` on process `pid` for `seconds`, its raw stacks written into `folder`
    (None: no profile). Needs py-spy in the virtualenv."""
    if folder is None:
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    out = folder / f"{slug}-{pid}.txt"
    command = [str(BIN / "py-spy"), "record", "-p", str(pid), "-r", "250", "-f", "raw"]
    command += ["-d", str(max(1, math.ceil(seconds))), "-o", str(out), "--nonblocking"]
    print(f"profiling {name} into {out}", flush=True)
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
