"""Who is online now, per group, in Django's cache: every process sees it (Redis with
REDIS_URL), no consumer keeps it in memory.

Each online visitor has its own cache entry (its open connections, which of them has the
focus, what the focused tab last reported, and when each was last heard from), so a
heartbeat touches one small entry whatever the crowd. A per-group index of visitor ids,
changed only when someone comes or goes, lets the dashboard list them. A visitor whose
heartbeat stopped (a process died without saying goodbye) counts as gone once
TANDEM_PRESENCE_TIMEOUT_SECONDS pass, and leaves the index the next time the group is
listed.
"""

import math
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache

from core import ids, locks

_LOCK_SECONDS = 5  # a holder that died frees the lock after this long


def now() -> float:
    """The presence clock (one place for tests to move it)."""
    return time.time()


def _index_key(group_id: int) -> str:
    return f"tandem.presence.{group_id}"


def _visitor_key(group_id: int, visitor_id: str) -> str:
    return f"tandem.presence.{group_id}.v.{ids.visitor_digest(visitor_id)}"


def _entry_timeout() -> int:
    """How long the cache keeps an entry nobody refreshes: past the point it counts as
    gone, so the liveness check, not the cache, decides."""
    return settings.TANDEM_PRESENCE_TIMEOUT_SECONDS * 2 + 60


@contextmanager
def _lock(key: str) -> Iterator[None]:
    """Serialize a read-modify-write of `key` between threads and processes (core.locks:
    never goes on without the lock, raises LockBusy if it stays taken)."""
    with locks.held(key, seconds=_LOCK_SECONDS):
        yield


def _alive(entry: dict | None, at: float) -> bool:
    """Heard from lately, and not a visitor whose last page closed longer ago than the grace
    (`away_until`: see visitor_offline)."""
    return (
        entry is not None
        and at - entry["seen"] <= settings.TANDEM_PRESENCE_TIMEOUT_SECONDS
        and at <= entry.get("away_until", at)
    )


class Leave(NamedTuple):
    """What closing one connection did to its visitor."""

    gone: bool  # it was the last: the visitor is offline now
    focus: str | None  # the connection that took the focus over from it, if any
    away_until: float | None = None  # it was the last: online until then, unless back


def _tab(entry: dict | None, channel: str) -> dict | None:
    return entry.get("tabs", {}).get(channel) if entry else None


def _live_tabs(entry: dict, at: float) -> dict[str, dict]:
    """The visitor's connections heard from lately: one whose process died without a
    goodbye drops out here, and is never handed the focus."""
    timeout = settings.TANDEM_PRESENCE_TIMEOUT_SECONDS
    tabs = entry.get("tabs", {})
    return {channel: tab for channel, tab in tabs.items() if at - tab["seen"] <= timeout}


def visitor_online(
    *, group_id: int, visitor_id: str, channel: str, info: dict, cobrowse: bool | None = None
) -> str | None:
    """Record `channel` as the visitor's focused connection: a new tab, or an open one that
    takes the focus back. Returns the connection that had the focus, if another.
    `cobrowse`: whether the tab's page can start a co-browse session (its hello said);
    None keeps what it said before."""
    key = _visitor_key(group_id, visitor_id)
    at = now()
    with _lock(key):
        previous = cache.get(key)
        if not _alive(previous, at):
            previous = None
        tabs = _live_tabs(previous, at) if previous else {}
        had_tabs = bool(tabs)  # none: the visitor is back from another page within the grace
        tab = tabs.get(channel, {})
        tabs[channel] = {**tab, "opened": tab.get("opened", at), "seen": at}
        if cobrowse is not None:
            tabs[channel]["cobrowse"] = cobrowse
        cache.set(
            key,
            {
                "visitorid": visitor_id,
                "channel": channel,
                "tabs": tabs,
                "since": previous["since"] if previous else at,
                "seen": at,
                "info": {**(previous["info"] if previous else {}), **info},
            },
            timeout=_entry_timeout(),
        )
    if previous is None:
        index = _index_key(group_id)
        with _lock(index):
            cache.set(index, (cache.get(index) or set()) | {visitor_id}, timeout=None)
        return None
    return previous["channel"] if had_tabs and previous["channel"] != channel else None


def visitor_update(*, group_id: int, visitor_id: str, channel: str, info: dict) -> dict | None:
    """Merge `info` into what the visitor reported; None when `channel` lost the focus."""
    key = _visitor_key(group_id, visitor_id)
    with _lock(key):
        entry = cache.get(key)
        if entry is None or entry["channel"] != channel:
            return None
        data = {**entry["info"].get("data", {}), **info.pop("data", {})}
        entry["info"] = {**entry["info"], **info, "data": data}
        entry["seen"] = now()
        if (tab := _tab(entry, channel)) is not None:
            tab["seen"] = entry["seen"]
        cache.set(key, entry, timeout=_entry_timeout())
        return entry


def visitor_seen(*, group_id: int, visitor_id: str, channel: str) -> None:
    """A heartbeat of any of the visitor's connections, focused or not: one small entry read
    and written, however many visitors are online."""
    key = _visitor_key(group_id, visitor_id)
    with _lock(key):
        entry = cache.get(key)
        tab = _tab(entry, channel)
        if tab is not None:
            entry["seen"] = tab["seen"] = now()
            cache.set(key, entry, timeout=_entry_timeout())


def visitor_offline(*, group_id: int, visitor_id: str, channel: str, grace: float = 0) -> Leave:
    """Forget `channel`. The visitor stays online while another of its connections is alive;
    when `channel` had the focus, the most recently opened of them takes it over. When it
    was the last, the visitor stays online `grace` seconds more (`away_until`), so that a
    page that goes to the next page of the site (which connects again) is one visitor
    online all along; `visitor_forget` ends that unless it came back."""
    key = _visitor_key(group_id, visitor_id)
    at = now()
    with _lock(key):
        entry = cache.get(key)
        if _tab(entry, channel) is None:
            return Leave(gone=False, focus=None)
        del entry["tabs"][channel]
        tabs = _live_tabs(entry, at)
        if tabs:
            focus = None
            if entry["channel"] == channel or entry["channel"] not in tabs:
                focus = max(tabs, key=lambda c: tabs[c]["opened"])
                entry["channel"] = focus
            entry["tabs"] = tabs
            entry["seen"] = max(tab["seen"] for tab in tabs.values())
            cache.set(key, entry, timeout=_entry_timeout())
            return Leave(gone=False, focus=focus)
        if grace > 0:
            entry["tabs"] = {}
            entry["away_until"] = at + grace
            cache.set(key, entry, timeout=_entry_timeout())
            return Leave(gone=False, focus=None, away_until=entry["away_until"])
        cache.delete(key)
    _unindex(group_id, visitor_id)
    return Leave(gone=True, focus=None)


def visitor_forget(*, group_id: int, visitor_id: str, away_until: float) -> bool:
    """The grace `visitor_offline` gave has passed: forget the visitor unless one of its
    pages connected since. True when it is gone now."""
    key = _visitor_key(group_id, visitor_id)
    with _lock(key):
        entry = cache.get(key)
        if entry is None or entry.get("away_until") != away_until:
            return False
        cache.delete(key)
    _unindex(group_id, visitor_id)
    return True


def _unindex(group_id: int, visitor_id: str) -> None:
    """Take a visitor whose entry was deleted out of the group's index, unless a page of it
    connected again in between (and put it back in)."""
    index = _index_key(group_id)
    with _lock(index):
        if cache.get(_visitor_key(group_id, visitor_id)) is None:
            cache.set(index, (cache.get(index) or set()) - {visitor_id}, timeout=None)


def visitor_focused(*, group_id: int, visitor_id: str) -> str | None:
    """The channel of the visitor's focused connection, if it is online."""
    entry = visitor_get(group_id=group_id, visitor_id=visitor_id)
    return entry["channel"] if entry else None


def visitor_first(*, group_id: int, visitor_id: str) -> str | None:
    """The channel of the visitor's longest-open live connection, if it is online."""
    entry = visitor_get(group_id=group_id, visitor_id=visitor_id)
    tabs = _live_tabs(entry, now()) if entry else {}
    return min(tabs, key=lambda channel: tabs[channel]["opened"]) if tabs else None


def visitor_get(*, group_id: int, visitor_id: str) -> dict | None:
    entry = cache.get(_visitor_key(group_id, visitor_id))
    return entry if _alive(entry, now()) else None


def visitors_online(*, group_id: int) -> list[dict]:
    """The group's online visitors, longest online first; the gone leave the index."""
    index = _index_key(group_id)
    visitor_ids = cache.get(index) or set()
    keys = {_visitor_key(group_id, visitor_id): visitor_id for visitor_id in visitor_ids}
    entries = cache.get_many(list(keys))
    at = now()
    alive = [entry for entry in entries.values() if _alive(entry, at)]
    gone = visitor_ids - {entry["visitorid"] for entry in alive}
    if gone:
        with _lock(index):
            # Checked again under the lock: one of them may have just come back.
            back = {v for v in gone if _alive(cache.get(_visitor_key(group_id, v)), now())}
            cache.set(index, (cache.get(index) or set()) - (gone - back), timeout=None)
    return sorted(alive, key=lambda entry: entry["since"])


# Unique connections: a 6-digit id held by one connection at a time. `cache.add` is atomic
# in every backend, so two processes can never hand out the same id. Each entry carries its
# deadline on the presence clock: the id is free again once that passes, whether or not the
# process of its holder is alive to close the connection; the cache keeps the entry a
# minute longer so that an id is not reused while its holder is being told it expired.

_UNIQUE_TRIES = 50
_UNIQUE_MARGIN = 60


def _unique_key(group_id: int, code: str) -> str:
    return f"tandem.presence.unique.{group_id}.{code}"


def unique_reserve(*, group_id: int, channel: str, seconds: int) -> str:
    """A fresh 6-digit id for `channel`, held for `seconds` from now."""
    holder = {"channel": channel, "deadline": now() + seconds}
    for _ in range(_UNIQUE_TRIES):
        code = f"{secrets.randbelow(900_000) + 100_000}"
        key = _unique_key(group_id, code)
        if cache.add(key, holder, timeout=seconds + _UNIQUE_MARGIN):
            return code
        if unique_holder(group_id=group_id, code=code) is None:  # past its deadline
            with _lock(key):
                if unique_holder(group_id=group_id, code=code) is None:
                    cache.set(key, holder, timeout=seconds + _UNIQUE_MARGIN)
                    return code
    raise RuntimeError("no free unique presence id after many tries")


def unique_extend(*, group_id: int, code: str, channel: str, deadline: float) -> bool:
    """Keep `code` for `channel` until `deadline` (on the presence clock); False if it is
    not its holder (or its deadline passed)."""
    key = _unique_key(group_id, code)
    with _lock(key):
        if unique_holder(group_id=group_id, code=code) != channel:
            return False
        seconds = math.ceil(max(0.0, deadline - now()))
        cache.set(key, {"channel": channel, "deadline": deadline}, timeout=seconds + _UNIQUE_MARGIN)
    return True


def unique_release(*, group_id: int, code: str, channel: str) -> None:
    key = _unique_key(group_id, code)
    with _lock(key):
        entry = cache.get(key)
        if isinstance(entry, dict) and entry.get("channel") == channel:
            cache.delete(key)


def unique_holder(*, group_id: int, code: str) -> str | None:
    """The channel holding `code`, or None when nobody does or its deadline passed."""
    entry = cache.get(_unique_key(group_id, code))
    if not isinstance(entry, dict) or now() >= entry.get("deadline", 0):
        return None
    return entry.get("channel")
