"""Online state lives where every process sees it: a visitor's presence socket on one server
process, an agent's dashboard on another, both on one Redis (Django's cache and the
channel layer) and one database."""

import asyncio

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from tests.browser import test_two_servers as scale
from tests.cobrowse.wire import log_in
from tests.servers import Server

# The two daphne processes on one throwaway redis-server, as the mirror test runs them.
redis_url = scale.redis_url
two_servers = scale.two_servers

PAGE_ORIGIN = "http://127.0.0.1:5000"  # a visitor page on a trusted domain of group 72
WAIT = 10  # seconds any one expected frame may take
MAX_SKIPPED = 50  # frames of other types passed over while waiting for one


async def open_socket(url: str, origin: str, cookie: str | None = None) -> ClientConnection:
    headers = {"Cookie": cookie} if cookie else None
    return await connect(
        url, origin=Origin(origin), additional_headers=headers, proxy=None, open_timeout=WAIT
    )


async def send(socket: ClientConnection, frame: dict) -> None:
    await socket.send(orjson.dumps(frame).decode())


async def next_frame(socket: ClientConnection) -> dict:
    async with asyncio.timeout(WAIT):
        return orjson.loads(await socket.recv())


async def frame_of(socket: ClientConnection, kind: str, visitor_id: str | None = None) -> dict:
    """The next frame of type `kind` (about `visitor_id`, when given), passing over others."""
    for _ in range(MAX_SKIPPED):
        frame = await next_frame(socket)
        assert frame["t"] != "error", frame
        about = frame.get("visitorid", frame.get("visitor", {}).get("visitorid"))
        if frame["t"] == kind and visitor_id in (None, about):
            return frame
    raise AssertionError(f"no {kind!r} frame among the next {MAX_SKIPPED}")


async def visitor_page(server: Server, visitor_id: str) -> ClientConnection:
    """A visitor page's presence socket, past hello."""
    page = await open_socket(server.url.replace("http", "ws") + "/ws/presence/72/", PAGE_ORIGIN)
    await send(page, {"t": "hello", "visitorid": visitor_id})
    assert await next_frame(page) == {"t": "connected", "visitorid": visitor_id}
    return page


async def agent_dashboard(server: Server) -> tuple[ClientConnection, list[dict]]:
    """The demo agent's dashboard socket, and the visitors its first listing shows."""
    cookie = await asyncio.to_thread(log_in, server)
    url = server.url.replace("http", "ws") + "/ws/agent/dashboard/"
    dashboard = await open_socket(url, server.url, cookie)
    return dashboard, (await frame_of(dashboard, "visitors"))["visitors"]


async def signal(dashboard: ClientConnection, visitor_id: str, data: dict) -> dict:
    frame = {"t": "signal", "group": 72, "visitorid": visitor_id, "mtype": "signal", "data": data}
    await send(dashboard, frame)
    return await frame_of(dashboard, "signaled", visitor_id)


async def test_agent_on_one_process_sees_and_signals_a_visitor_on_the_other(two_servers):
    visitor_server, agent_server = two_servers
    page = await visitor_page(visitor_server, "v-across")

    dashboard, listed = await agent_dashboard(agent_server)
    assert [v["visitorid"] for v in listed if v["visitorid"] == "v-across"] == ["v-across"]

    await send(page, {"t": "presence", "title": "Basket", "data": {"plan": "gold"}})
    updated = (await frame_of(dashboard, "visitor", "v-across"))["visitor"]
    assert (updated["title"], updated["data"]) == ("Basket", {"plan": "gold"})

    sent = await signal(dashboard, "v-across", {"text": "Need a hand?"})
    assert sent["online"] is True
    arrived = await next_frame(page)
    assert arrived == {"t": "signal", "id": sent["id"], "data": {"text": "Need a hand?"}}
    await send(page, {"t": "ack", "id": sent["id"]})
    # Exactly once: the next frame the page gets is the next signal, not the first again.
    again = await signal(dashboard, "v-across", {"text": "Still there?"})
    arrived = await next_frame(page)
    assert arrived == {"t": "signal", "id": again["id"], "data": {"text": "Still there?"}}
    await send(page, {"t": "ack", "id": again["id"]})

    await page.close()
    assert await frame_of(dashboard, "visitor_gone", "v-across") == {
        "t": "visitor_gone",
        "group": 72,
        "visitorid": "v-across",
    }
    await dashboard.close()


async def test_signal_for_an_offline_visitor_arrives_when_it_connects_to_the_other_process(
    two_servers,
):
    visitor_server, agent_server = two_servers
    dashboard, _ = await agent_dashboard(agent_server)

    sent = await signal(dashboard, "v-later", {"offer": "10%"})
    assert sent["online"] is False

    page = await visitor_page(visitor_server, "v-later")
    assert await next_frame(page) == {"t": "signal", "id": sent["id"], "data": {"offer": "10%"}}
    await send(page, {"t": "ack", "id": sent["id"]})
    await page.close()
    await frame_of(dashboard, "visitor_gone", "v-later")  # the ack before it is stored too

    # Acknowledged, so never delivered again: after a new hello the next frame is a new signal.
    page = await visitor_page(visitor_server, "v-later")
    fresh = await signal(dashboard, "v-later", {"offer": "20%"})
    assert await next_frame(page) == {"t": "signal", "id": fresh["id"], "data": {"offer": "20%"}}
    await page.close()
    await dashboard.close()
