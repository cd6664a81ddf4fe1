"""Who is online now, per group, in Django's cache: every process sees it (Redis with
REDIS_URL), no consumer keeps it in memory.

One cache entry per group maps visitor ids to what their focused tab last reported; a
short lock makes its read-modify-write safe between processes. An entry whose heartbeat
stopped (a process died without saying goodbye) is dropped when the group is read.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

_LOCK_SECONDS = 5
_LOCK_TRIES = 400


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
