"""Short exclusive locks any server process may take, in Django's cache (local memory by
default, Redis with REDIS_URL). The one lock of Tandem: presence entries, agent
availability and the sweeper's lease all take it here.

A lock is a key added atomically (`cache.add`) with a random token as its value and a time
to live, so a holder that dies frees it by itself. It is released only by its holder: on
Redis a script compares the value with the holder's token and deletes it in one step; on
the local-memory cache (one process) the same is a get, a compare and a delete, which is
best effort but races with nothing that outlives a lock. A holder whose lock lapsed and was
taken by another therefore never deletes the other's.

`held` waits for a lock with a bounded backoff and raises LockBusy when it stays taken;
it never goes on without the lock.
"""

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

_FIRST_PAUSE = 0.002  # seconds; a writer holds a lock for microseconds to milliseconds
_LONGEST_PAUSE = 0.05

# The waiting clock and pause (one place for tests to replace them).
monotonic = time.monotonic
pause = time.sleep


class LockBusy(RuntimeError):
    """A lock stayed taken by another holder for longer than the caller would wait."""


def _key(name: str) -> str:
    return f"tandem.lock.{name}"


def acquire(name: str, *, seconds: float) -> int | None:
    """Take the lock `name` for at most `seconds`; its token, or None if another holds it.

    The token is an integer so that Django's Redis cache stores it as plain digits, which
    `release` compares inside Redis."""
    token = secrets.randbits(62) + 1
    if cache.add(_key(name), token, timeout=max(1, round(seconds))):
        return token
    return None


def release(name: str, token: int) -> bool:
    """Give the lock `name` back if `token` still holds it (it may have lapsed and been
    taken by another); True if it was deleted."""
    key = _key(name)
    backend = getattr(cache, "_cache", None)
    if hasattr(backend, "get_client"):  # Django's Redis cache: compare-and-delete in Redis
        redis_key = cache.make_and_validate_key(key)
        client = backend.get_client(redis_key, write=True)
        return bool(client.eval(_RELEASE_SCRIPT, 1, redis_key, str(token)))
    # Local memory: one process, and nothing else runs between these two calls on
    # its data for longer than a lock's lifetime.
    if cache.get(key) == token:
        return cache.delete(key)
    return False


@contextmanager
def held(name: str, *, seconds: float, wait: float | None = None) -> Iterator[None]:
    """Hold the lock `name` (for at most `seconds`) while the block runs. Waits for it with
    a pause that doubles up to _LONGEST_PAUSE, for `wait` seconds at most (by default twice
    `seconds`, so a holder that died has freed it by then); raises LockBusy after that."""
    give_up = monotonic() + (2 * seconds if wait is None else wait)
    delay = _FIRST_PAUSE
    while (token := acquire(name, seconds=seconds)) is None:
        if monotonic() >= give_up:
            raise LockBusy(f"lock {name} stayed taken")
        pause(delay)
        delay = min(2 * delay, _LONGEST_PAUSE)
    try:
        yield
    finally:
        release(name, token)
