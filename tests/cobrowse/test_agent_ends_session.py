"""An agent ends the session for everyone from the viewer."""

import pytest

from cobrowse.models import CobrowseSession
from tests.fixtures import close_code, join, latest_session, receive, send, start_session, timeline

pytestmark = pytest.mark.django_db(transaction=True)


async def test_agent_ends_the_session_for_the_visitor_and_every_agent(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    other, _ = await join(agent_socket, visitor, key, agent2)

    await send(viewer, {"t": "end"})

    assert await _ended(visitor) == {"t": "ended", "reason": "agent_ended"}
    assert await close_code(visitor) == 4000
    for socket in (viewer, other):
        assert await _ended(socket) == {"t": "ended", "reason": "agent_ended"}
        assert await close_code(socket) == 4000
    session = await latest_session(key)
    assert session.state == CobrowseSession.State.ENDED
    assert ("ended", agent.get_username()) in await timeline(key)
    detail = await session.events.filter(type="ended").values_list("detail", flat=True).afirst()
    assert detail == "agent_ended"


async def test_an_end_with_fields_it_does_not_know_still_ends_it(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(viewer, {"t": "end", "why": "done"})

    assert await _ended(viewer) == {"t": "ended", "reason": "agent_ended"}


async def _ended(socket) -> dict:
    """The `ended` frame, passing over agent counts and presence news that came first."""
    while True:
        frame = await receive(socket)
        if frame["t"] == "ended":
            return frame
