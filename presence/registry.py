"""Who is online now, per group, in Django's cache: every process sees it (Redis with
REDIS_URL), no consumer keeps it in memory.

One cache entry per group maps visitor ids to what their focused tab last reported; a
short lock makes its read-modify-write safe between processes. An entry whose heartbeat
stopped (a process died without saying goodbye) is dropped when the group is read.
"""

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

_LOCK_SECONDS = 5
_LOCK_TRIES = 400


def now() -> float:
    """The presence clock (one place for tests to move it)."""
    return time.time()


def _key(group_id: int) -> str:
    return f"tandem.presence.{group_id}"


@contextmanager
def _locked(group_id: int) -> Iterator[dict]:
    lock = _key(group_id) + ".lock"
    for _ in range(_LOCK_TRIES):
        if cache.add(lock, 1, timeout=_LOCK_SECONDS):
            break
        time.sleep(0.005)  # another process holds the group for a few microseconds
    try:
        online = cache.get(_key(group_id)) or {}
        yield online
        cache.set(_key(group_id), online, timeout=None)
    finally:
        cache.delete(lock)


def _alive(entry: dict, now: float) -> bool:
    return now - entry["seen"] <= settings.TANDEM_PRESENCE_TIMEOUT_SECONDS


def visitor_online(*, group_id: int, visitor_id: str, channel: str, info: dict) -> str | None:
    """Record `channel` as the visitor's focused connection; returns the one it replaces."""
    with _locked(group_id) as online:
        previous = online.get(visitor_id)
        online[visitor_id] = {
            "visitorid": visitor_id,
            "channel": channel,
            "since": previous["since"] if previous else time.time(),
            "seen": time.time(),
            "info": {**(previous["info"] if previous else {}), **info},
        }
    return previous["channel"] if previous else None


def visitor_update(*, group_id: int, visitor_id: str, channel: str, info: dict) -> dict | None:
    """Merge `info` into what the visitor reported; None when `channel` lost the focus."""
    with _locked(group_id) as online:
        entry = online.get(visitor_id)
        if entry is None or entry["channel"] != channel:
            return None
        data = {**entry["info"].get("data", {}), **info.pop("data", {})}
        entry["info"] = {**entry["info"], **info, "data": data}
        entry["seen"] = time.time()
        return dict(entry)


def visitor_seen(*, group_id: int, visitor_id: str, channel: str) -> None:
    with _locked(group_id) as online:
        entry = online.get(visitor_id)
        if entry is not None and entry["channel"] == channel:
            entry["seen"] = time.time()


def visitor_offline(*, group_id: int, visitor_id: str, channel: str) -> bool:
    """Forget the visitor if `channel` is still its connection; True when it was."""
    with _locked(group_id) as online:
        entry = online.get(visitor_id)
        if entry is None or entry["channel"] != channel:
            return False
        del online[visitor_id]
        return True


def visitor_get(*, group_id: int, visitor_id: str) -> dict | None:
    entry = (cache.get(_key(group_id)) or {}).get(visitor_id)
    return entry if entry and _alive(entry, time.time()) else None


def visitors_online(*, group_id: int) -> list[dict]:
    """The group's online visitors, longest online first; stale entries are dropped."""
    now = time.time()
    with _locked(group_id) as online:
        for visitor_id in [v for v, entry in online.items() if not _alive(entry, now)]:
            del online[visitor_id]
        return sorted((dict(entry) for entry in online.values()), key=lambda e: e["since"])


# Unique connections: a 6-digit id held by one connection at a time. `cache.add` is atomic
# in every backend, so two processes can never hand out the same id; the entry outlives its
# deadline a little so that an id is not reused while its holder is being told it expired.

_UNIQUE_TRIES = 50


def _unique_key(group_id: int, code: str) -> str:
    return f"tandem.presence.unique.{group_id}.{code}"


def unique_reserve(*, group_id: int, channel: str, seconds: int) -> str:
    """A fresh 6-digit id for `channel`, held for `seconds` (plus a margin)."""
    for _ in range(_UNIQUE_TRIES):
        code = f"{secrets.randbelow(900_000) + 100_000}"
        if cache.add(_unique_key(group_id, code), channel, timeout=seconds + 60):
            return code
    raise RuntimeError("no free unique presence id after many tries")


def unique_extend(*, group_id: int, code: str, channel: str, seconds: int) -> bool:
    """Keep `code` for `channel` `seconds` longer from now; False if it is not its holder."""
    key = _unique_key(group_id, code)
    if cache.get(key) != channel:
        return False
    return cache.touch(key, timeout=seconds + 60)


def unique_release(*, group_id: int, code: str, channel: str) -> None:
    key = _unique_key(group_id, code)
    if cache.get(key) == channel:
        cache.delete(key)


def unique_holder(*, group_id: int, code: str) -> str | None:
    return cache.get(_unique_key(group_id, code))
