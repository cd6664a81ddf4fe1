"""Settings read from the environment refuse values that could not work."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tandem.env import env_ice_servers, env_int


def test_frame_limit_above_daphnes_message_cap_stops_start_up():
    env = {**os.environ, "TANDEM_WS_MAX_FRAME_BYTES": str(2 * 1024 * 1024)}

    result = subprocess.run(
        [sys.executable, "-c", "import tandem.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "TANDEM_WS_MAX_FRAME_BYTES must be at most" in result.stderr


@pytest.mark.parametrize("raw", ["lots", "12.5", ""])
def test_integer_setting_that_is_not_an_integer_stops_start_up(monkeypatch, raw):
    monkeypatch.setenv("TANDEM_WS_RATE_BURST", raw)

    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("TANDEM_WS_RATE_BURST", 1)


def test_ice_servers_are_a_json_list_of_rtc_ice_servers(monkeypatch):
    servers = [
        {"urls": "stun:stun.example.com:3478"},
        {"urls": ["turn:turn.example.com:3478"], "username": "tandem", "credential": "pw"},
    ]
    monkeypatch.setenv("TANDEM_ICE_SERVERS", json.dumps(servers))

    assert env_ice_servers("TANDEM_ICE_SERVERS") == servers


def test_no_ice_servers_by_default(monkeypatch):
    monkeypatch.delenv("TANDEM_ICE_SERVERS", raising=False)

    assert env_ice_servers("TANDEM_ICE_SERVERS") == []


@pytest.mark.parametrize(
    "raw",
    [
        "turn:turn.example.com",
        "[{urls: 'stun:x'}]",
        '{"urls": "stun:x"}',
        '["stun:x"]',
        '[{"url": "stun:x"}]',
        '[{"urls": [1]}]',
        '[{"urls": "turn:x", "credential": 5}]',
    ],
)
def test_ice_servers_that_are_not_a_list_of_servers_stop_start_up(monkeypatch, raw):
    monkeypatch.setenv("TANDEM_ICE_SERVERS", raw)

    with pytest.raises(ImproperlyConfigured, match="TANDEM_ICE_SERVERS"):
        env_ice_servers("TANDEM_ICE_SERVERS")


def settings_read_from_the_environment() -> set[str]:
    """Every variable tandem/settings.py reads with one of the tandem.env parsers."""
    source = (Path(__file__).resolve().parents[2] / "tandem" / "settings.py").read_text()
    return set(re.findall(r'env_[a-z_]+\(\s*"([A-Z][A-Z0-9_]*)"', source))


def test_every_setting_is_listed_in_env_example_and_documented():
    root = Path(__file__).resolve().parents[2]
    example = (root / ".env.example").read_text()
    documented = (root / "docs" / "settings.md").read_text()
    names = settings_read_from_the_environment()

    assert "TANDEM_WS_MAX_FRAME_BYTES" in names  # the scan finds them
    assert sorted(n for n in names if f"{n}=" not in example) == []
    assert sorted(n for n in names if f"`{n}`" not in documented) == []
