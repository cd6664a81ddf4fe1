"""An agent points and draws on the visitor's page without control: the frames reach the
session's visitor tab alone, bad ones are refused with an error frame, and the timeline
records each pointer showing and stroke, never the moves."""

import pytest

from cobrowse.relays.annotations import MAX_COORD, MAX_FRAME_POINTS, MAX_STROKE_POINTS
from tests.fixtures import (
    agents_count,
    close_code,
    join,
    nothing,
    receive,
    receive_error,
    send,
    start_session,
    timeline,
    watching,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_agent_pointer_reaches_the_visitor_with_who_points(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)

    await send(viewer, {"t": "pointer", "x": 120.5, "y": 2400, "p": "page1"})
    await send(viewer, {"t": "pointer_hide"})

    assert await receive(visitor) == {
        "t": "pointer",
        "from": 1,
        "name": "agent",
        "x": 120.5,
        "y": 2400,
        "p": "page1",
    }
    assert await receive(visitor) == {"t": "pointer_hide", "from": 1}
    assert await nothing(viewer)


async def test_strokes_and_clear_reach_the_visitor_only(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    other, _ = await join(agent_socket, visitor, key, agent2)
    await agents_count(viewer)

    await send(viewer, {"t": "draw", "id": 1, "kind": "pen", "pts": [10, 20, 30, 40]})
    await send(viewer, {"t": "draw", "id": 1, "kind": "pen", "pts": [50, 60]})
    await send(viewer, {"t": "draw_clear"})

    assert await receive(visitor) == {
        "t": "draw",
        "from": 1,
        "id": 1,
        "kind": "pen",
        "pts": [10, 20, 30, 40],
    }
    assert (await receive(visitor))["pts"] == [50, 60]
    assert await receive(visitor) == {"t": "draw_clear", "from": 1}
    assert await nothing(other)
    assert await nothing(viewer)


async def test_timeline_records_each_showing_and_stroke_not_each_move(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)

    for x in range(5):
        await send(viewer, {"t": "pointer", "x": x, "y": x})
    await send(viewer, {"t": "pointer_hide"})
    await send(viewer, {"t": "pointer", "x": 1, "y": 1})
    await send(viewer, {"t": "draw", "id": 7, "kind": "highlight", "pts": [1, 2]})
    await send(viewer, {"t": "draw", "id": 7, "kind": "highlight", "pts": [3, 4]})
    await send(viewer, {"t": "draw", "id": 8, "kind": "pen", "pts": [5, 6]})
    await send(viewer, {"t": "draw_clear"})
    # The socket handles one frame at a time, each recording before the next: once the
    # visitor has this last one, every row above is written.
    await send(viewer, {"t": "pointer_hide"})
    for _ in range(11):
        await receive(visitor)

    events = [event for event in await timeline(key) if event[0] not in ("started",)]
    assert [event for event in events if event[1] == "agent" and event[0] != "agent_joined"] == [
        ("pointer", "agent"),
        ("pointer", "agent"),
        ("drawing", "agent"),
        ("drawing", "agent"),
        ("drawing_cleared", "agent"),
    ]


async def test_visitor_dismisses_the_drawings_and_the_agents_hear_it(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    other, _ = await join(agent_socket, visitor, key, agent2)
    await agents_count(viewer)

    await send(visitor, {"t": "draw_dismiss"})

    assert await receive(viewer) == {"t": "draw_dismissed"}
    assert await receive(other) == {"t": "draw_dismissed"}
    assert ("drawing_cleared", "visitor") in await timeline(key)


@pytest.mark.parametrize(
    "frame",
    [
        {"t": "pointer", "x": "10", "y": 5},
        {"t": "pointer", "x": True, "y": 5},
        {"t": "pointer", "x": 10},
        {"t": "pointer", "x": MAX_COORD + 1, "y": 5},
        {"t": "pointer", "x": 5, "y": -MAX_COORD - 1},
        {"t": "draw", "id": 1, "kind": "spray", "pts": [1, 2]},
        {"t": "draw", "id": 1, "kind": "pen", "pts": [1, 2, 3]},
        {"t": "draw", "id": 1, "kind": "pen", "pts": [1, "2"]},
        {"t": "draw", "id": 1, "kind": "pen", "pts": [1, None]},
        {"t": "draw", "id": -1, "kind": "pen", "pts": [1, 2]},
        {"t": "draw", "id": 1, "kind": "pen", "pts": [0] * (2 * MAX_FRAME_POINTS + 2)},
        {"t": "draw", "id": 1, "kind": "pen", "pts": "1,2"},
    ],
)
async def test_bad_pointer_and_draw_frames_get_an_error_and_reach_nobody(
    demo_group, agent, visitor_socket, agent_socket, frame
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)

    await send(viewer, frame)

    assert await receive_error(viewer) == "bad_frame"
    assert await nothing(visitor)
    await send(viewer, {"t": "pointer", "x": 1, "y": 2})  # the socket carries on
    assert (await receive(visitor))["t"] == "pointer"


async def test_huge_numbers_are_refused(demo_group, agent, visitor_socket, agent_socket):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)

    await send(viewer, '{"t": "pointer", "x": 1e400, "y": 1}')

    assert await receive_error(viewer) in ("bad_frame", "bad_json")
    assert await nothing(visitor)


async def test_a_stroke_stops_at_its_point_cap(demo_group, agent, visitor_socket, agent_socket):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    batch = [1.5] * (2 * MAX_FRAME_POINTS)
    for _ in range(MAX_STROKE_POINTS // MAX_FRAME_POINTS):
        await send(viewer, {"t": "draw", "id": 3, "kind": "pen", "pts": batch})
        assert (await receive(visitor))["t"] == "draw"

    await send(viewer, {"t": "draw", "id": 3, "kind": "pen", "pts": batch})

    assert await receive_error(viewer) == "bad_frame"
    assert await nothing(visitor)


async def test_other_sessions_never_receive_the_marks(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    stranger = await visitor_socket()
    await start_session(stranger)

    await send(viewer, {"t": "pointer", "x": 3, "y": 4})
    await send(viewer, {"t": "draw", "id": 1, "kind": "pen", "pts": [1, 2]})

    assert (await receive(visitor))["t"] == "pointer"
    assert (await receive(visitor))["t"] == "draw"
    assert await nothing(stranger)


async def test_agent_of_another_group_cannot_point(
    demo_group, agent, outsider, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    intruder = await agent_socket(key, outsider)

    assert await receive_error(intruder) == "not_found"
    assert await close_code(intruder) == 4404
    await send(intruder, {"t": "pointer", "x": 1, "y": 1})
    assert await nothing(visitor)


async def test_only_the_focused_tab_shows_the_marks(
    demo_group, agent, visitor_socket, agent_socket
):
    first, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    await send(first, {"t": "handoff"})
    token = (await receive(first))["token"]
    second = await visitor_socket()
    await send(second, {"t": "resume", "token": token, "why": "crossdomain"})
    assert (await receive(second))["t"] == "resumed"
    assert (await receive(first))["t"] == "blur"

    await send(viewer, {"t": "pointer", "x": 3, "y": 4})
    await send(viewer, {"t": "pointer_hide"})

    assert "pointer" in [(await receive(second))["t"] for _ in range(2)]
    assert await nothing(first)


async def test_a_leaving_agent_takes_its_pointer_and_drawings_away(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    await send(viewer, {"t": "pointer", "x": 3, "y": 4})
    await send(viewer, {"t": "draw", "id": 1, "kind": "highlight", "pts": [1, 2]})
    await receive(visitor)
    await receive(visitor)

    await viewer.disconnect()

    received = [await receive(visitor) for _ in range(3)]
    assert {"t": "pointer_hide", "from": 1} in received
    assert {"t": "draw_clear", "from": 1} in received
