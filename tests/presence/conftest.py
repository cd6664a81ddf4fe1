"""Shared fixtures for these tests live in `tests/fixtures.py`, written once; the presence
ones live here (`tests/api/conftest.py` imports them too)."""

from collections.abc import Awaitable, Callable

import pytest

from presence import registry
from tests.fixtures import *  # noqa: F403
from tests.fixtures import ORIGIN, Socket


@pytest.fixture
def clock(monkeypatch):
    """The presence clock, moved by hand."""

    class Clock:
        now = 1_900_000_000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(registry, "now", lambda: fake.now)
    return fake


@pytest.fixture
def presence_socket(open_socket) -> Callable[..., Awaitable[Socket]]:
    """A page's presence socket for group `group`, opened from `origin`."""

    async def open_(group: int = 72, origin: str = ORIGIN) -> Socket:
        return await open_socket(f"/ws/presence/{group}/", [(b"origin", origin.encode())])

    return open_
