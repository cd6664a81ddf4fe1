"""The settings pytest runs with: Tandem's own, plus a test-only SECRET_KEY.

With DEBUG off (as in production) Tandem refuses to start without a SECRET_KEY; the test
process and the servers it starts (tests/servers.py) use this one.
"""

import os

TEST_SECRET_KEY = "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
os.environ.setdefault("SECRET_KEY", TEST_SECRET_KEY)
# Tests visit the demo site with DEBUG off.
os.environ.setdefault("TANDEM_DEMO_PAGES", "1")
# The asset proxy's tests reach their sites on 127.0.0.1; tests that check the refusal of
# private addresses turn this off.
os.environ.setdefault("TANDEM_ASSET_ALLOW_PRIVATE", "1")

from tandem.settings import *  # noqa: E402, F403
