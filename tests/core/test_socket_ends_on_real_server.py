"""However a socket ends on a real daphne (refused for a big frame or too many frames, closed
by an agent while the page streams, dropped mid-stream), the server closes it with a code an
application may send and its cleanup runs: the session lets go of its visitor or agent.

The in-process communicator accepts any close code and never refuses a send, so these
faults only show on a real server."""

import asyncio

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from core.protocol import CloseCode
from tests.cobrowse import wire
from tests.servers import prepare_database, server_env, start_server, stop_server

FRAME_LIMIT = 65536
EVENTS = [{"type": 3, "data": {"source": 1, "pad": "x" * 60000}, "timestamp": 1}]


@pytest.fixture(scope="module")
def edge_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("edge")
    env = server_env(
        tmp,
        TANDEM_WS_MAX_FRAME_BYTES=str(FRAME_LIMIT),
        TANDEM_WS_RATE_BURST="300",
        TANDEM_WS_RATE_PER_SECOND="1",
        TANDEM_VISITOR_GRACE_SECONDS="75",
    )
    prepare_database(env)
    server = start_server(env, tmp / "daphne.log")
    yield server
    stop_server(server)
    log = (tmp / "daphne.log").read_text()
    assert "Exception inside application" not in log, log[-3000:]


@pytest.fixture(scope="module")
def cookie(edge_server) -> str:
    return wire.log_in(edge_server)


async def closed_with(socket) -> int:
    """Read on until the server closes the socket; its close code."""
    try:
        async with asyncio.timeout(wire.WAIT):
            while True:
                await socket.recv()
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, "closed without a close frame"
        return closed.rcvd.code


async def key_taken_over(server, key: str):
    """A new page's socket that starts a session with `key`: the closed socket's cleanup
    runs once the server has read the close handshake, so the first tries may still find
    the key taken (`key_in_use`); a crashed consumer would keep it taken for good."""
    async with asyncio.timeout(wire.WAIT):
        while True:
            visitor = await wire.visitor_page(server)
            await wire.send(visitor, {"t": "start", "site": "production", "key": key})
            frame = orjson.loads(await visitor.recv())
            if frame["t"] == "started":
                return visitor
            assert frame.get("code") == "key_in_use", frame
            await visitor.close()
            await asyncio.sleep(0.05)  # polling the server's state


async def test_too_big_frame_closes_with_4413_and_frees_the_sessions_key(edge_server):
    visitor = await wire.start_session(edge_server, "edge1")

    await wire.send(visitor, {"t": "ev", "s": 1, "e": [{"pad": "x" * FRAME_LIMIT}]})

    error = await wire.frame_of(visitor, "error")
    assert error["code"] == "too_big"
    assert await closed_with(visitor) == CloseCode.TOO_BIG
    # The socket's cleanup ran: the page's next start takes the key over (its session
    # has no visitor socket), where a crashed consumer would leave it taken.
    await (await key_taken_over(edge_server, "edge1")).close()


async def test_too_many_frames_close_with_4429_and_free_the_sessions_key(edge_server):
    visitor = await wire.start_session(edge_server, "edge2")

    for _ in range(600):  # twice the burst: the bucket refills at one frame a second
        await wire.send(visitor, {"t": "focus"})

    assert (await wire.frame_of(visitor, "error", code="rate_limited"))["code"]
    assert await closed_with(visitor) == CloseCode.RATE_LIMITED
    await (await key_taken_over(edge_server, "edge2")).close()


async def stream(visitor, frames: int, first: int = 1) -> None:
    """The page sends `frames` mirror frames, and the server has relayed them all when
    this returns (the visitor's socket answers a `handoff` only after them)."""
    for seq in range(first, first + frames):
        await wire.send(visitor, {"t": "ev", "s": seq, "e": EVENTS})
    await wire.send(visitor, {"t": "handoff"})
    await wire.frame_of(visitor, "handoff")


async def test_agent_that_closes_while_the_page_streams_leaves_the_session(edge_server, cookie):
    visitor = await wire.start_session(edge_server, "edge3")
    viewer = await asyncio.to_thread(wire.agent_viewer, edge_server, "edge3", cookie)
    await wire.frame_of(visitor, "agents", count=1)
    # The viewer reads nothing: the server's frames for it back up in its transport.
    await stream(visitor, 100)

    # It says goodbye while frames for it are still queued, and the page streams on:
    # the server now sends to a socket whose client has closed.
    await asyncio.to_thread(viewer.send_close)
    await stream(visitor, 100, first=101)
    await asyncio.to_thread(viewer.abort)

    # The agent's cleanup ran: the page learns it has no agent left.
    assert await wire.frame_of(visitor, "agents", count=0)
    await visitor.close()


async def test_agent_whose_connection_drops_mid_stream_leaves_the_session(edge_server, cookie):
    visitor = await wire.start_session(edge_server, "edge4")
    viewer = await asyncio.to_thread(wire.agent_viewer, edge_server, "edge4", cookie)
    await wire.frame_of(visitor, "agents", count=1)
    await stream(visitor, 100)

    await asyncio.to_thread(viewer.abort)

    assert await wire.frame_of(visitor, "agents", count=0)
    await stream(visitor, 20, first=101)  # the page streams on to nobody
    await visitor.close()


async def test_refused_socket_sends_a_code_an_application_may_send(edge_server):
    """Every refusal closes with 1000 or 4000-4999: here an unknown socket path."""
    url = edge_server.url.replace("http", "ws") + "/ws/nowhere/"
    socket = await connect(url, proxy=None, open_timeout=wire.WAIT)
    error = await wire.frame_of(socket, "error")
    assert error["code"] == "not_found"
    assert await closed_with(socket) == CloseCode.NOT_FOUND
