"""The agents hear where the visitor is: its page left (navigating or closed), came back,
or its tab was hidden behind another."""

import time

import pytest

from tests.fixtures import join, receive, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def grace(settings):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 45


async def visitor_frame(socket) -> dict:
    """The next `visitor` frame, passing over agent counts and snapshots."""
    while True:
        frame = await receive(socket)
        if frame["t"] == "visitor":
            return frame


async def test_agent_is_told_the_visitor_left_with_the_grace_it_has_to_come_back(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    before = int(time.time() * 1000)

    await visitor.disconnect()

    away = await visitor_frame(viewer)
    assert away["state"] == "away" and away["grace"] == 45
    assert before <= away["since"] <= int(time.time() * 1000)


async def test_agent_is_told_the_visitor_is_back_on_its_next_page(
    demo_group, agent, visitor_socket, agent_socket
):
    first = await visitor_socket()
    await send(first, {"t": "start", "site": "production"})
    started = await receive(first)
    viewer, _ = await join(agent_socket, first, started["key"], agent)
    await first.disconnect()
    assert (await visitor_frame(viewer))["state"] == "away"

    second = await visitor_socket()
    await send(second, {"t": "resume", "token": started["resume"], "why": "navigate"})

    assert await visitor_frame(viewer) == {"t": "visitor", "state": "here"}


async def test_agent_joining_while_the_visitor_is_away_is_told_so(
    demo_group, agent, visitor_socket, agent_socket
):
    first = await visitor_socket()
    await send(first, {"t": "start", "site": "production"})
    started = await receive(first)
    await first.disconnect()

    viewer = await agent_socket(started["key"], agent)
    joined = await receive(viewer)

    assert joined["t"] == "joined"
    assert joined["presence"]["state"] == "away" and joined["presence"]["grace"] == 45


async def test_agent_joining_a_present_visitor_is_told_it_is_here(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key, agent)

    assert (await receive(viewer))["presence"] == {"state": "here"}


async def test_agent_is_told_when_the_visitor_hides_and_shows_its_tab(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "visibility", "hidden": True})
    assert await visitor_frame(viewer) == {"t": "visitor", "state": "blurred"}

    await send(visitor, {"t": "visibility", "hidden": False})
    assert await visitor_frame(viewer) == {"t": "visitor", "state": "here"}


async def test_a_hidden_tab_that_does_not_hold_the_focus_says_nothing_to_agents(
    demo_group, agent, visitor_socket, agent_socket
):
    first = await visitor_socket()
    await send(first, {"t": "start", "site": "production"})
    started = await receive(first)
    viewer, _ = await join(agent_socket, first, started["key"], agent)
    second = await visitor_socket()
    await send(second, {"t": "resume", "token": started["resume"], "why": "navigate"})
    assert await visitor_frame(viewer) == {"t": "visitor", "state": "here"}

    await send(first, {"t": "visibility", "hidden": True})  # the tab left behind
    await send(second, {"t": "visibility", "hidden": True})

    assert await visitor_frame(viewer) == {"t": "visitor", "state": "blurred"}


async def test_a_visibility_frame_without_a_session_is_refused(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "visibility", "hidden": True})

    frame = await receive(visitor)
    assert frame["t"] == "error" and frame["code"] == "not_started"
