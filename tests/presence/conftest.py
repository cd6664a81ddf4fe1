"""Shared fixtures for these tests live in `tests/fixtures.py`, written once."""

import pytest

from presence import registry
from tests.fixtures import *  # noqa: F403


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
