"""The dashboard page shows every online visitor when the server sends the list in parts
(here a 4 KiB send limit makes a dozen visitors several frames)."""

import orjson
import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from tests.browser.conftest import log_in
from tests.servers import prepare_database, server_env, start_server, stop_server

ONLINE = 12


@pytest.fixture(scope="module")
def small_frames_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parts")
    env = server_env(tmp, TANDEM_WS_MAX_FRAME_BYTES="4096", TANDEM_WS_MAX_SEND_BYTES="4096")
    prepare_database(env)
    server = start_server(env, tmp / "daphne.log")
    yield server
    stop_server(server)


def test_dashboard_shows_all_visitors_of_a_list_sent_in_parts(small_frames_server, new_context):
    url = small_frames_server.url.replace("http", "ws") + "/ws/presence/72/"
    pages = []
    try:
        for number in range(ONLINE):
            page = connect(url, origin="http://127.0.0.1:5000", proxy=None)
            pages.append(page)
            page.send(orjson.dumps({"t": "hello", "visitorid": f"v-{number}"}).decode())
            assert orjson.loads(page.recv(timeout=10))["t"] == "connected"
            data = {"note": "x" * 900}
            page.send(orjson.dumps({"t": "presence", "title": "Shop", "data": data}).decode())
            # Answered after the presence frame: the server has the data when it answers.
            page.send(orjson.dumps({"t": "hello", "visitorid": f"v-{number}"}).decode())
            assert orjson.loads(page.recv(timeout=10))["code"] == "already_started"
        agent = new_context().new_page()
        frames = []
        agent.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))

        log_in(agent, small_frames_server)

        expect(agent.locator("#visitors tbody tr")).to_have_count(ONLINE)
        listed = [orjson.loads(f) for f in frames if '"t":"visitors"' in str(f)]
        assert len(listed) > 1 and {frame["parts"] for frame in listed} == {len(listed)}
    finally:
        for page in pages:
            page.close()
