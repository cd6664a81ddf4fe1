"""The visitor page streams its changes (`ev` frames) to the agents watching its session."""

import json
from unittest import mock

import pytest

from cobrowse.relays import mirror
from tests.fixtures import agents_count, join, nothing, receive, receive_text, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)

# Odd spacing, key order and escapes: the relay must not re-encode what it forwards.
RAW_EV = (
    '{ "e" : [{"type":3,"data":{"source":0,"texts":[{"id":5,"value":"caf\\u00e9 \u2603"}]},'
    '"timestamp":1700000000001}],  "s":1, "t":"ev" }'
)


async def test_mirror_frame_reaches_every_agent_unchanged(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, _ = await join(agent_socket, visitor, key, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2

    await send(visitor, RAW_EV)

    assert await receive_text(first) == RAW_EV
    assert await receive_text(second) == RAW_EV
    assert await nothing(visitor)


async def test_chunked_mirror_frames_are_relayed_in_order(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    data = json.dumps([{"type": 3, "data": {"source": 1}, "timestamp": 2}])
    chunks = [
        json.dumps(
            {"t": "ev", "s": 4, "part": part, "parts": 3, "d": data[part * 10 : (part + 1) * 10]}
        )
        for part in range(3)
    ]

    for chunk in chunks:
        await send(visitor, chunk)

    assert [await receive_text(viewer) for _ in chunks] == chunks


async def test_mirror_frame_never_reaches_an_agent_of_another_session(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    watched = await visitor_socket()
    watched_key = await start_session(watched)
    watcher, _ = await join(agent_socket, watched, watched_key, agent)
    other = await visitor_socket()
    other_key = await start_session(other)
    bystander, _ = await join(agent_socket, other, other_key, agent2)
    # The watcher's viewer hears of the new session in its group (a notice, no mirror).
    assert (await receive(watcher))["t"] == "session_new"

    await send(watched, RAW_EV)

    assert await receive_text(watcher) == RAW_EV
    assert await nothing(bystander)


async def test_mirror_frames_with_no_agent_watching_go_nowhere(demo_group, visitor_socket):
    visitor = await visitor_socket()
    await start_session(visitor)

    await send(visitor, RAW_EV)

    assert await nothing(visitor)


async def test_agent_who_joins_later_gets_only_later_frames(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    await send(visitor, {"t": "ev", "s": 1, "e": [{"early": True}]})
    viewer, _ = await join(agent_socket, visitor, key, agent)

    later = json.dumps({"t": "ev", "s": 2, "e": [{"late": True}]})
    await send(visitor, later)

    assert await receive_text(viewer) == later


async def test_a_fault_in_the_relay_is_answered_and_the_socket_lives_on(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    broken = mock.AsyncMock(side_effect=RuntimeError("channel layer down"))

    with mock.patch.object(mirror, "mirror_broadcast", broken):
        await send(visitor, RAW_EV)
        assert await receive(visitor) == {
            "t": "error",
            "code": "internal",
            "msg": "Internal error.",
        }

    await send(visitor, RAW_EV)
    assert await receive_text(viewer) == RAW_EV
