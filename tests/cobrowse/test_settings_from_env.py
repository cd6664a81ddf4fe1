"""Settings read from the environment refuse values that could not work."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cobrowse.env import env_int


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
