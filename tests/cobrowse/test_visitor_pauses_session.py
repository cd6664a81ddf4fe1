"""The visitor pauses the session (Glance's pauseSession) and resumes it: the agents hear
it as the visitor's presence."""

import pytest

from tests.cobrowse.test_agent_hears_visitor_presence import visitor_frame
from tests.fixtures import join, receive, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)


async def test_agent_is_told_when_the_visitor_pauses_and_resumes(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "pause", "paused": True})
    assert await visitor_frame(viewer) == {"t": "visitor", "state": "paused"}

    await send(visitor, {"t": "pause", "paused": False})
    assert await visitor_frame(viewer) == {"t": "visitor", "state": "here"}


async def test_a_pause_frame_without_a_session_is_refused(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "pause", "paused": True})

    frame = await receive(visitor)
    assert (frame["t"], frame["code"]) == ("error", "not_started")


async def test_a_pause_frame_without_a_boolean_is_a_bad_frame(demo_group, visitor_socket):
    visitor = await visitor_socket()
    await start_session(visitor)

    await send(visitor, {"t": "pause", "paused": "yes"})

    frame = await receive(visitor)
    assert (frame["t"], frame["code"]) == ("error", "bad_frame")
