"""Many pages streaming at once, through one server process and through two on one Redis
(each visitor on one process, its agent on the other): every mirror frame arrives, once,
in the order the page sent it. A small scale of what bench/mirror_latency.py measures."""

import asyncio
from collections.abc import Iterator

import orjson
import pytest
from websockets.asyncio.client import ClientConnection

from tests.browser import test_two_servers as scale
from tests.presence.test_two_processes import PAGE_ORIGIN, log_in, next_frame, open_socket, send
from tests.servers import Server, prepare_database, server_env, start_server, stop_server

redis_url = scale.redis_url
two_servers = scale.two_servers

SESSIONS = 12
FRAMES = 60  # per page, sent as fast as the socket takes them (under the burst limit)
MAX_SKIPPED = 50


@pytest.fixture(scope="module")
def one_server(tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("one")
    env = server_env(tmp)
    prepare_database(env)
    server = start_server(env, tmp / "daphne.log")
    yield server
    stop_server(server)


async def frame_of(socket: ClientConnection, kind: str) -> dict:
    for _ in range(MAX_SKIPPED):
        frame = await next_frame(socket)
        assert frame["t"] != "error", frame
        if frame["t"] == kind:
            return frame
    raise AssertionError(f"no {kind!r} frame among the next {MAX_SKIPPED}")


async def watched_page(
    visitor_server: Server, agent_server: Server, cookie: str
) -> tuple[ClientConnection, ClientConnection]:
    """A visitor page with a session, and an agent's viewer that has its snapshot."""
    page = await open_socket(
        f"{visitor_server.url.replace('http', 'ws')}/ws/visitor/72/", PAGE_ORIGIN
    )
    await send(page, {"t": "start", "site": "production"})
    key = (await frame_of(page, "started"))["key"]
    viewer_url = f"{agent_server.url.replace('http', 'ws')}/ws/agent/session/{key}/"
    viewer = await open_socket(viewer_url, agent_server.url, cookie)
    await frame_of(viewer, "joined")
    request = await frame_of(page, "snapshot")
    await send(page, {"t": "snap", "s": 0, "to": request["to"], "e": [{"type": 4}]})
    await frame_of(viewer, "snap")
    return page, viewer


async def stream(page: ClientConnection, session: int) -> None:
    for seq in range(1, FRAMES + 1):
        event = {"type": 3, "data": {"source": 1, "positions": [{"x": seq, "y": session}]}}
        await send(page, {"t": "ev", "s": seq, "e": [event]})


async def arrived(viewer: ClientConnection) -> list[int]:
    """Sequence numbers of the mirror frames the viewer got, until the last one."""
    seen: list[int] = []
    while not seen or seen[-1] < FRAMES:
        frame = orjson.loads(await asyncio.wait_for(viewer.recv(), 10))
        if frame["t"] == "ev":
            seen.append(frame["s"])
    return seen


async def every_frame_arrives_in_order(visitor_server: Server, agent_server: Server) -> None:
    cookie = await asyncio.to_thread(log_in, agent_server)
    pairs = [await watched_page(visitor_server, agent_server, cookie) for _ in range(SESSIONS)]
    try:
        received = asyncio.gather(*(arrived(viewer) for _, viewer in pairs))
        await asyncio.gather(*(stream(page, n) for n, (page, _) in enumerate(pairs)))
        assert await received == [list(range(1, FRAMES + 1))] * SESSIONS
    finally:
        for page, viewer in pairs:
            await page.close()
            await viewer.close()


async def test_one_process_relays_every_frame_of_every_page_in_order(one_server):
    await every_frame_arrives_in_order(one_server, one_server)


async def test_two_processes_on_redis_relay_every_frame_in_order(two_servers):
    visitor_server, agent_server = two_servers
    await every_frame_arrives_in_order(visitor_server, agent_server)
