"""What happens to a client whose transport already holds all it may: a dashboard (or any
socket but a viewer) is closed with 4408 and its cleanup runs; an agent's viewer loses
frames but keeps its socket, gets frames again once it has caught up, and the page is asked
for a fresh snapshot for it.

daphne's transport is stood in for by a `SendBuffer` that Twisted would have paused;
tests/cobrowse/test_agent_reads_slowly.py measures the real thing."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import override_settings

from core.limits import SendBuffer
from core.protocol import CloseCode
from tandem.asgi import application
from tests.fixtures import (
    AGENT_ORIGIN,
    TIMEOUT,
    close_code,
    join,
    nothing,
    receive,
    receive_text,
    send,
    session_cookie,
    start_session,
)

pytestmark = pytest.mark.django_db(transaction=True)


def backed_up() -> SendBuffer:
    """A transport over its high-water mark with all the pending bytes it may hold."""
    buffer = SendBuffer()
    buffer.pauseProducing()
    buffer.sent(settings.TANDEM_WS_MAX_PENDING_BYTES)
    return buffer


def with_buffer(buffer: SendBuffer):
    async def app(scope, receive, send):
        return await application({**scope, "tandem.send_buffer": buffer}, receive, send)

    return app


async def open_with(buffer: SendBuffer, path: str, user) -> WebsocketCommunicator:
    cookie = await sync_to_async(session_cookie)(user)
    headers = [(b"host", b"testserver"), (b"origin", AGENT_ORIGIN.encode())]
    headers.append((b"cookie", cookie.encode()))
    socket = WebsocketCommunicator(with_buffer(buffer), path, headers=headers)
    connected, _ = await socket.connect(timeout=TIMEOUT)
    assert connected
    return socket


async def test_dashboard_that_does_not_read_is_closed_with_4408(demo_group, agent):
    dashboard = await open_with(backed_up(), "/ws/agent/dashboard/", agent)

    assert await close_code(dashboard) == CloseCode.SLOW
    await dashboard.disconnect()  # and its consumer ended without a fault


@override_settings(TANDEM_WS_MAX_PENDING_BYTES=65536)
async def test_viewer_that_does_not_read_loses_frames_and_gets_them_again_once_caught_up(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    buffer = SendBuffer()
    viewer, _ = await join(
        lambda key, user: open_with(buffer, f"/ws/agent/session/{key}/", user),
        visitor,
        key,
        agent,
    )
    buffer.pauseProducing()  # the viewer stops reading
    frames = [f'{{"t":"ev","s":{seq},"e":[{{"pad":"{"x" * 30000}"}}]}}' for seq in (1, 2, 3)]

    for frame in frames:
        await send(visitor, frame)

    assert [await receive_text(viewer) for _ in range(2)] == frames[:2]
    assert await nothing(viewer)  # the third would pass the limit: dropped
    buffer.resumeProducing()  # the transport drained: the viewer has caught up
    await send(visitor, '{"t":"ev","s":4,"e":[]}')
    assert (await receive(viewer))["s"] == 4  # a gap the viewer answers with `resync`
    # and, in case the snapshot it asked for was among the lost, the server asks too
    request = await receive(visitor)
    assert request["t"] == "snapshot" and len(request["to"]) == 1
    await viewer.disconnect()
