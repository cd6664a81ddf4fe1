"""An agent closes the viewer: the visitor and the other agents hear the new count."""

import json

import pytest

from cobrowse.models import CobrowseSession
from tests.fixtures import (
    agents_count,
    join,
    latest_session,
    nothing,
    receive,
    receive_text,
    send,
    start_session,
    timeline,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_visitor_hears_the_agent_leave(demo_group, agent, visitor_socket, agent_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await viewer.disconnect()

    assert await agents_count(visitor) == 0
    assert await timeline(key) == [
        ("started", "visitor"),
        ("agent_joined", "agent"),
        ("agent_left", "agent"),
    ]
    assert (await latest_session(key)).state == CobrowseSession.State.ACTIVE


async def test_remaining_agent_keeps_watching_when_another_leaves(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    staying, _ = await join(agent_socket, visitor, key, agent)
    leaving, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(staying) == 2

    await leaving.disconnect()

    assert await agents_count(visitor) == 1
    assert await agents_count(staying) == 1
    mirrored = json.dumps({"t": "ev", "s": 1, "e": [{"type": 3}]})
    await send(visitor, mirrored)
    assert await receive_text(staying) == mirrored


async def test_agent_can_come_back_after_leaving(demo_group, agent, visitor_socket, agent_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    await viewer.disconnect()
    assert await agents_count(visitor) == 0

    again, _ = await join(agent_socket, visitor, key, agent)

    assert await nothing(again)
    assert [t for t, _ in await timeline(key)] == [
        "started",
        "agent_joined",
        "agent_left",
        "agent_joined",
    ]


async def test_agent_closing_after_the_session_ended_changes_nothing(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    await send(visitor, {"t": "stop"})
    assert await receive(viewer) == {"t": "ended", "reason": "stopped"}

    await viewer.disconnect()

    assert [t for t, _ in await timeline(key)] == ["started", "agent_joined", "ended"]
