"""A visitor page starts a session only for a reverse session (the agent's "Show my
screen" on the dashboard invokes startSession({sessionKey, reverse: true})): the session
starts with the invitation open; declining or withdrawing it ends the session, accepting
it and then ending it ends it too."""

import pytest

from tests.fixtures import (
    agents_count,
    close_code,
    latest_session,
    nothing,
    receive,
    receive_error,
    send,
    start_session,
    timeline,
)

pytestmark = pytest.mark.django_db(transaction=True)

INVITED = {"t": "reverse", "state": "invited"}


async def start_reverse(visitor, key: str = "482913") -> str:
    await send(visitor, {"t": "start", "site": "production", "key": key, "reverse": True})
    started = await receive(visitor)
    assert started["t"] == "started" and started["key"] == key, started
    assert await receive(visitor) == INVITED
    return key


async def join(agent_socket, visitor, key: str, user):
    """`user` opens the viewer: it learns of the invitation and that the visitor's page is
    not shown, and the visitor's page is not asked for a snapshot."""
    viewer = await agent_socket(key, user)
    joined = await receive(viewer)
    assert joined["t"] == "joined", joined
    assert (joined["reverse"], joined["reverse_only"]) == ("invited", True), joined
    assert await agents_count(viewer) == 1
    assert await agents_count(visitor) == 1
    assert await nothing(visitor)
    return viewer


async def test_reverse_start_opens_the_invitation_with_the_session(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()

    key = await start_reverse(visitor)

    session = await latest_session(key)
    assert session.reverse_state == "invited" and session.reverse_only
    assert await timeline(key) == [("started", "visitor"), ("reverse_invited", "system")]
    await join(agent_socket, visitor, key, agent)


async def test_plain_start_has_no_reverse_frame(demo_group, visitor_socket):
    visitor = await visitor_socket()
    await send(visitor, {"t": "start", "site": "production", "reverse": False})

    assert (await receive(visitor))["t"] == "started"
    assert await nothing(visitor)


async def test_declining_ends_a_session_started_for_the_reverse_session(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_reverse(visitor)
    viewer = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "reverse", "accept": False})

    # The agent hears "declined" first, then the end.
    for socket in (visitor, viewer):
        assert await receive(socket) == {"t": "reverse", "state": "declined"}
        assert await receive(socket) == {"t": "ended", "reason": "reverse_declined"}
        assert await close_code(socket) == 4000
    assert not (await latest_session(key)).is_active
    assert await timeline(key) == [
        ("started", "visitor"),
        ("reverse_invited", "system"),
        ("agent_joined", "agent"),
        ("reverse_declined", "visitor"),
        ("ended", "visitor"),
    ]


async def test_accepted_then_ended_by_the_agent_ends_the_session(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_reverse(visitor)
    viewer = await join(agent_socket, visitor, key, agent)
    await send(visitor, {"t": "reverse", "accept": True})
    for socket in (visitor, viewer):
        assert await receive(socket) == {"t": "reverse", "state": "accepted"}

    await send(viewer, {"t": "reverse_end"})

    for socket in (visitor, viewer):
        assert await receive(socket) == {"t": "reverse", "state": "ended"}
        assert await receive(socket) == {"t": "ended", "reason": "reverse_ended"}
        assert await close_code(socket) == 4000
    assert (await timeline(key))[-3:] == [
        ("reverse_accepted", "visitor"),
        ("reverse_ended", "agent"),
        ("ended", "agent"),
    ]


async def test_withdrawn_invitation_ends_a_session_started_for_it(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_reverse(visitor)
    viewer = await join(agent_socket, visitor, key, agent)

    await send(viewer, {"t": "reverse_end"})

    for socket in (visitor, viewer):
        assert await receive(socket) == {"t": "reverse", "state": "ended"}
        assert await receive(socket) == {"t": "ended", "reason": "reverse_ended"}
    assert not (await latest_session(key)).is_active


async def test_reverse_start_with_a_key_in_use_is_refused(demo_group, visitor_socket):
    first = await visitor_socket()
    key = await start_session(first, key="482913")
    second = await visitor_socket()

    await send(second, {"t": "start", "site": "production", "key": key, "reverse": True})

    assert await receive_error(second) == "key_in_use"
    assert (await latest_session(key)).reverse_state == ""


@pytest.mark.parametrize("reverse", ["yes", 1, None, {}])
async def test_reverse_that_is_not_a_boolean_is_a_bad_frame(demo_group, visitor_socket, reverse):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production", "reverse": reverse})

    assert await receive_error(visitor) == "bad_frame"
