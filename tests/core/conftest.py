"""Shared fixtures for these tests live in `tests/fixtures.py`, written once."""

from tests.fixtures import *  # noqa: F403
