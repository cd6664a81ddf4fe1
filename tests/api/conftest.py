"""Shared fixtures for these tests live in `tests/fixtures.py`, written once. The REST API
signals presence visitors, so its tests also open presence sockets and move the presence
clock, with the fixtures of `tests/presence/conftest.py`."""

from tests.fixtures import *  # noqa: F403
from tests.presence.conftest import clock, presence_socket  # noqa: F401
