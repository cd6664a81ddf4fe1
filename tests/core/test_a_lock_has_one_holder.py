"""The one lock (core.locks): one holder at a time, a holder whose lock lapsed cannot
delete the next holder's, and a waiter that gives up raises instead of going on unlocked.
The cache's clock and the waiting clock are moved by hand."""

import pytest
from django.core.cache.backends import base, locmem

from core import locks
from tests.browser import test_two_servers as scale


class Clock:
    now = 1_900_000_000.0

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    """One clock for the cache's expiry and for waiting; a pause moves it on."""
    fake = Clock()
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        fake.advance(seconds)

    monkeypatch.setattr(locmem, "time", fake)
    monkeypatch.setattr(base, "time", fake)
    monkeypatch.setattr(locks, "monotonic", fake.time)
    monkeypatch.setattr(locks, "pause", pause)
    fake.pauses = pauses
    return fake


def test_two_holders_cannot_both_hold_a_lock(clock):
    with locks.held("one", seconds=5):
        with pytest.raises(locks.LockBusy), locks.held("one", seconds=5, wait=1):
            pytest.fail("a second holder got in")
        with locks.held("another", seconds=5):  # other names are free
            pass
    with locks.held("one", seconds=5, wait=0):  # given back: free again at once
        pass


def test_a_holder_whose_lock_lapsed_cannot_delete_the_next_holders(clock):
    with locks.held("slow", seconds=5):
        clock.advance(6)  # the first holder froze past its lock's lifetime
        second = locks.acquire("slow", seconds=5)
        assert second is not None
    # The first holder woke up and left its block: the second still holds the lock.
    assert locks.acquire("slow", seconds=5) is None
    assert locks.release("slow", second) is True
    assert locks.acquire("slow", seconds=5) is not None


def test_a_waiter_that_gives_up_raises_and_runs_nothing(clock):
    token = locks.acquire("busy", seconds=60)
    ran = []
    with pytest.raises(locks.LockBusy):
        with locks.held("busy", seconds=5, wait=2):
            ran.append(True)
    assert ran == []
    assert 2 <= sum(clock.pauses) < 2.1  # it waited as long as asked, no longer
    assert max(clock.pauses) <= locks._LONGEST_PAUSE  # with a bounded backoff
    assert clock.pauses[0] < clock.pauses[-1]
    assert locks.release("busy", token) is True  # the holder's lock was left alone


def test_a_waiter_takes_the_lock_once_a_dead_holders_lapses(clock):
    locks.acquire("dead", seconds=3)  # its holder dies without giving it back
    ran = []
    with locks.held("dead", seconds=5):  # waits up to 10 s by default
        ran.append(True)
    assert ran == [True]
    assert 3 <= sum(clock.pauses) < 10


redis_url = scale.redis_url


def test_on_redis_a_lapsed_holder_cannot_delete_the_next_holders_lock(redis_url, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    first = locks.acquire("redis-lock", seconds=5)
    assert first is not None
    assert locks.acquire("redis-lock", seconds=5) is None
    assert locks.release("redis-lock", first + 1) is False  # not its token: kept
    assert locks.acquire("redis-lock", seconds=5) is None
    assert locks.release("redis-lock", first) is True
    with pytest.raises(locks.LockBusy), locks.held("redis-lock", seconds=5):
        with locks.held("redis-lock", seconds=5, wait=0):
            pass
    assert locks.acquire("redis-lock", seconds=5) is not None  # the block gave it back
