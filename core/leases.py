"""Leases in Django's cache (local memory by default, Redis with REDIS_URL): which server
processes are alive. (Exclusive locks are in core/locks.py.)

A process proves it is alive by refreshing its own key every
TANDEM_PROCESS_HEARTBEAT_SECONDS; the key lapses 3 heartbeats after the last refresh, so
a process that was SIGKILLed, froze or lost its network counts as dead within
3 x TANDEM_PROCESS_HEARTBEAT_SECONDS. Sockets are recorded with the id of the process that
holds them (cobrowse.models.SessionSocket), and the sweeper (cobrowse/sweeps.py) treats
the sockets of a dead process as closed.
"""

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger("tandem.leases")

# This process's id: host, pid and a random part (a pid can be reused after a restart).
PROCESS = f"{socket.gethostname()[:40]}.{os.getpid()}.{secrets.token_hex(4)}"


def now() -> float:
    """The leases' clock in seconds since the epoch (one place for tests to move it)."""
    return time.time()


def _process_key(process: str) -> str:
    return f"tandem.process.{process}"


def process_ttl() -> int:
    """Seconds after its last heartbeat that a process counts as dead."""
    return 3 * settings.TANDEM_PROCESS_HEARTBEAT_SECONDS


def heartbeat(process: str = PROCESS) -> bool:
    """Say that `process` (this one) is alive for another process_ttl() seconds; False when
    its lease had lapsed (or never existed), so others may have counted its sockets closed."""
    key = _process_key(process)
    lapsed = cache.get(key) is None
    cache.set(key, now(), timeout=process_ttl())
    return not lapsed


def processes_alive(processes: Iterable[str]) -> set[str]:
    """Those of `processes` whose heartbeat has not lapsed; this process always counts as
    alive (it is running this code), even if its heartbeat is late."""
    keys = {_process_key(process): process for process in processes if process != PROCESS}
    alive = {PROCESS} & set(processes)
    if not keys:
        return alive
    return alive | {keys[key] for key in cache.get_many(list(keys))}


# This process's background work: the heartbeat, and the sweeps the apps register
# (cobrowse/sweeps.py, from its AppConfig.ready).

_running: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}
_sweeps: list[Callable[[], object]] = []


def sweep_register(sweep: Callable[[], object]) -> None:
    """Run `sweep` (synchronous, may use the database) every TANDEM_SWEEP_SECONDS on
    each process; the sweep itself decides whether this process holds its lease."""
    if sweep not in _sweeps:
        _sweeps.append(sweep)


async def process_running() -> None:
    """Make sure this process's heartbeat and sweeper run on the current event loop: the
    first call beats once before it returns, so no socket is recorded under a process
    that does not count as alive yet. Cheap to call on every connection."""
    loop = asyncio.get_running_loop()
    task = _running.get(loop)
    if task is not None and not task.done():
        return
    for old in [old for old in _running if old.is_closed()]:
        del _running[old]
    await asyncio.to_thread(heartbeat)
    _running[loop] = loop.create_task(_background(), name="tandem.process")


async def _background() -> None:
    beat = settings.TANDEM_PROCESS_HEARTBEAT_SECONDS
    sweep_every = settings.TANDEM_SWEEP_SECONDS
    next_sweep = now() + sweep_every
    while True:
        await asyncio.sleep(min(beat, max(0.0, next_sweep - now())) if sweep_every else beat)
        try:
            if not await asyncio.to_thread(heartbeat):
                log.warning(
                    "liveness lease had lapsed process=%s: sockets may have been counted closed",
                    PROCESS,
                )
        except Exception:
            log.exception("heartbeat failed process=%s", PROCESS)
        if sweep_every and now() >= next_sweep:
            next_sweep = now() + sweep_every
            for sweep in _sweeps:
                try:
                    await database_sync_to_async(sweep)()
                except Exception:
                    log.exception("sweep failed process=%s", PROCESS)
