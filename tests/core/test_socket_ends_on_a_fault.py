"""A fault of the server's outside a frame handler (here a channel-layer handler that
raises), or the server cancelling a consumer, still ends the socket cleanly: a close code
an application may send, and the consumer's cleanup, so the session lets go of it."""

import asyncio

import pytest

from cobrowse.consumers import AgentConsumer
from cobrowse.models import CobrowseSession
from core.protocol import CloseCode
from tests.fixtures import TIMEOUT, agents_count, close_code, join, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)


async def test_fault_in_a_relay_handler_closes_with_4500_and_the_agent_leaves(
    demo_group, agent, visitor_socket, agent_socket, monkeypatch
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    async def broken(self, message):
        raise RuntimeError("a bug")

    monkeypatch.setattr(AgentConsumer, "frame_send", broken)
    await send(visitor, {"t": "message", "data": {"text": "hello"}})

    assert await close_code(viewer) == CloseCode.INTERNAL
    assert await agents_count(visitor) == 0
    await viewer.wait(timeout=TIMEOUT)  # the consumer finished, without raising


async def test_cancelled_visitor_consumer_still_leaves_its_session(demo_group, visitor_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    visitor.future.cancel()  # as daphne does to an application slow to shut down
    with pytest.raises(asyncio.CancelledError):
        await visitor.future

    session = await CobrowseSession.objects.aget(key=key)
    assert session.visitors_connected == 0
