"""Settings read from the environment refuse values that could not work."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cobrowse.env import env_ice_servers, env_int


def test_frame_limit_above_daphnes_message_cap_stops_start_up():
    env = {**os.environ, "TANDEM_WS_MAX_FRAME_BYTES": str(2 * 1024 * 1024)}

    result = subprocess.run(
        [sys.executable, "-c", "import cobrowse.settings"],
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
