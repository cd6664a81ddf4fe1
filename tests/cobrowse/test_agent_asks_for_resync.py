"""An agent's viewer lost track of the mirror and asks the visitor for a fresh snapshot."""

import json

import pytest

from tests.fixtures import agents_count, join, nothing, receive, receive_text, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)


async def test_resync_asks_the_visitor_for_a_snapshot_for_that_agent(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, _ = await join(agent_socket, visitor, key, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2

    await send(second, {"t": "resync"})

    request = await receive(visitor)
    assert request["t"] == "snapshot" and len(request["to"]) == 1
    answer = json.dumps({"t": "snap", "s": 9, "to": request["to"], "e": [{"type": 2}]})
    await send(visitor, answer)
    assert await receive_text(second) == answer
    assert await nothing(first)
    assert await nothing(second)


async def test_each_resync_is_a_new_request(demo_group, agent, visitor_socket, agent_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(viewer, {"t": "resync"})
    await send(viewer, {"t": "resync"})

    assert (await receive(visitor))["t"] == "snapshot"
    assert (await receive(visitor))["t"] == "snapshot"
    assert await nothing(visitor)
