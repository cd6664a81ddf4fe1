"""Remote control: the agent asks, the visitor consents, the agent's inputs reach the page;
masked fields refuse them; either side ends it."""

import pytest

from cobrowse.services import tabs
from tests.fixtures import (
    agents_count,
    join,
    latest_session,
    nothing,
    receive,
    receive_error,
    send,
    start_session,
    timeline,
    watching,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def grant(visitor, viewer) -> None:
    await send(viewer, {"t": "rc_request"})
    assert await receive(visitor) == {"t": "rc_requested", "agent": "agent", "req": 1}
    assert await receive(viewer) == {"t": "rc_pending", "agent": "agent"}
    await send(visitor, {"t": "rc", "enabled": True, "req": 1})
    assert await receive(visitor) == {"t": "rc", "enabled": True, "to": 1}
    assert await receive(viewer) == {"t": "rc", "enabled": True, "to": 1}


async def test_visitor_accepting_gives_the_agent_control(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)

    await grant(visitor, viewer)
    await send(viewer, {"t": "input", "kind": "click", "id": 12})

    applied = await receive(visitor)
    assert {k: applied[k] for k in ("t", "kind", "id")} == {"t": "input", "kind": "click", "id": 12}
    assert isinstance(applied["rid"], str)
    assert await timeline(key) == [
        ("started", "visitor"),
        ("agent_joined", "agent"),
        ("rc_requested", "agent"),
        ("rc_on", "visitor"),
    ]


async def test_typing_and_scrolling_carry_their_values(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    await grant(visitor, viewer)

    await send(viewer, {"t": "input", "kind": "input", "id": 7, "value": "hello"})
    await send(viewer, {"t": "input", "kind": "input", "id": 8, "value": True})
    await send(viewer, {"t": "input", "kind": "scroll", "id": 1, "x": 0, "y": 640.5})

    assert (await receive(visitor))["value"] == "hello"
    assert (await receive(visitor))["value"] is True
    scrolled = await receive(visitor)
    assert (scrolled["x"], scrolled["y"]) == (0, 640.5)


async def test_agent_without_control_cannot_act_on_the_page(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)

    await send(viewer, {"t": "input", "kind": "click", "id": 12})

    assert await receive_error(viewer) == "rc_off"
    assert await nothing(visitor)


async def test_declined_request_tells_the_agent_and_grants_nothing(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await send(viewer, {"t": "rc_request"})
    await receive(visitor)
    await receive(viewer)

    await send(visitor, {"t": "rc_decline", "req": 1})

    assert await receive(viewer) == {"t": "rc_declined"}
    await send(viewer, {"t": "input", "kind": "click", "id": 12})
    assert await receive_error(viewer) == "rc_off"
    assert await nothing(visitor)
    assert ("rc_declined", "visitor") in await timeline(key)


async def test_visitor_cannot_switch_control_on_unasked(demo_group, visitor_socket):
    visitor = await visitor_socket()
    await start_session(visitor)

    await send(visitor, {"t": "rc", "enabled": True, "req": 1})

    assert await receive_error(visitor) == "bad_frame"


async def test_the_visitors_answer_goes_to_the_request_it_answers(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, first, key = await watching(visitor_socket, agent_socket, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2
    await send(first, {"t": "rc_request"})
    assert (await receive(visitor))["req"] == 1
    await send(second, {"t": "rc_request"})  # asks while the visitor reads the first
    assert (await receive(visitor))["req"] == 2
    assert (await receive(first))["t"] == "rc_pending"
    assert (await receive(first))["t"] == "rc_pending"

    # The visitor accepts the first agent's request: it no longer waits, nothing changes.
    await send(visitor, {"t": "rc", "enabled": True, "req": 1})
    assert await receive_error(visitor) == "bad_frame"
    await send(visitor, {"t": "rc_decline", "req": 1})
    assert await receive_error(visitor) == "bad_frame"
    await send(visitor, {"t": "rc", "enabled": True})  # no request named at all
    assert await receive_error(visitor) == "bad_frame"
    assert (await latest_session(key)).rc_state == "requested"
    assert await nothing(first)

    await send(visitor, {"t": "rc", "enabled": True, "req": 2})
    assert await receive(visitor) == {"t": "rc", "enabled": True, "to": 2}
    assert await receive(first) == {"t": "rc", "enabled": False, "to": 2}


@pytest.mark.parametrize("ender", ["agent", "visitor"])
async def test_either_side_ends_control(demo_group, agent, visitor_socket, agent_socket, ender):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await grant(visitor, viewer)

    if ender == "agent":
        await send(viewer, {"t": "rc_end"})
    else:
        await send(visitor, {"t": "rc", "enabled": False})

    assert await receive(visitor) == {"t": "rc", "enabled": False, "to": 0}
    assert await receive(viewer) == {"t": "rc", "enabled": False, "to": 0}
    await send(viewer, {"t": "input", "kind": "click", "id": 12})
    assert await receive_error(viewer) == "rc_off"
    assert (await timeline(key))[-1] == ("rc_off", ender)


async def test_page_refusing_an_input_tells_the_agent_that_sent_it(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    other, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(viewer) == 2
    await grant(visitor, viewer)
    assert await receive(other) == {"t": "rc_pending", "agent": "agent"}
    # The other agent hears who has control, and may not act itself.
    assert await receive(other) == {"t": "rc", "enabled": False, "to": 1}
    await send(viewer, {"t": "input", "kind": "input", "id": 9, "value": "secret"})
    applied = await receive(visitor)

    await send(visitor, {"t": "rc_refused", "to": applied["rid"], "msg": "This field is masked."})

    assert await receive(viewer) == {"t": "error", "code": "masked", "msg": "This field is masked."}
    assert await nothing(other)


async def test_refusal_with_a_forged_reply_address_reaches_nobody(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    await grant(visitor, viewer)

    await send(visitor, {"t": "rc_refused", "to": "forged", "msg": "x"})

    assert await nothing(viewer)


@pytest.mark.parametrize(
    "frame",
    [
        {"t": "input", "kind": "eval", "id": 1},
        {"t": "input", "kind": "click"},
        {"t": "input", "kind": "click", "id": "1"},
        {"t": "input", "kind": "input", "id": 1, "value": {"nested": 1}},
        {"t": "input", "kind": "input", "id": 1, "value": "x" * 10_001},
    ],
)
async def test_malformed_input_is_refused(demo_group, agent, visitor_socket, agent_socket, frame):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    await grant(visitor, viewer)

    await send(viewer, frame)

    assert await receive_error(viewer) == "bad_frame"
    assert await nothing(visitor)


async def test_control_stays_on_across_a_navigation_and_for_agents_joining_later(
    demo_group, agent, agent2, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 60
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await grant(visitor, viewer)
    await send(viewer, {"t": "resync"})
    await receive(visitor)
    session = await latest_session(key)
    assert session.rc_state == "on"

    token = tabs.resume_token(session=session)
    next_page = await visitor_socket()
    await send(next_page, {"t": "resume", "token": token})
    resumed = await receive(next_page)
    assert resumed["state"]["rc"] is True

    late = await agent_socket(key, agent2)
    joined = await receive(late)
    assert (joined["rc"], joined["rc_to"]) == (False, 1)  # control stays with agent 1


async def test_the_visitor_gives_control_to_a_viewer_by_index_and_takes_it_back(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, first, key = await watching(visitor_socket, agent_socket, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2

    await send(visitor, {"t": "rc_give", "to": 2})

    assert await receive(visitor) == {"t": "rc", "enabled": True, "to": 2}
    assert await receive(first) == {"t": "rc", "enabled": False, "to": 2}
    assert await receive(second) == {"t": "rc", "enabled": True, "to": 2}
    await send(first, {"t": "input", "kind": "click", "id": 3})
    assert await receive_error(first) == "rc_off"
    await send(second, {"t": "input", "kind": "click", "id": 3})
    assert (await receive(visitor))["kind"] == "click"

    await send(visitor, {"t": "rc_give", "to": 1})
    assert await receive(visitor) == {"t": "rc", "enabled": True, "to": 1}
    assert await receive(first) == {"t": "rc", "enabled": True, "to": 1}
    assert await receive(second) == {"t": "rc", "enabled": False, "to": 1}

    await send(visitor, {"t": "rc_give", "to": 0})
    assert await receive(visitor) == {"t": "rc", "enabled": False, "to": 0}
    assert await receive(first) == {"t": "rc", "enabled": False, "to": 0}
    assert ("rc_on", "visitor") in await timeline(key)
    assert (await timeline(key))[-1] == ("rc_off", "visitor")


async def test_control_returns_to_the_visitor_when_its_holder_leaves(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, first, key = await watching(visitor_socket, agent_socket, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2
    await send(visitor, {"t": "rc_give", "to": 2})
    assert (await receive(visitor))["to"] == 2
    assert (await receive(first))["to"] == 2

    await second.disconnect()

    assert await receive(visitor) == {"t": "rc", "enabled": False, "to": 0}
    assert await receive(first) == {"t": "rc", "enabled": False, "to": 0}


@pytest.mark.parametrize("to", [5, -1, "1", None])
async def test_control_cannot_go_to_a_viewer_that_does_not_exist(
    demo_group, agent, visitor_socket, agent_socket, to
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)

    await send(visitor, {"t": "rc_give", "to": to})

    assert await receive_error(visitor) == "bad_frame"
    assert await nothing(viewer)
    assert (await latest_session(key)).rc_state == "off"


async def test_a_second_agent_asking_while_the_first_has_control_is_told_it_is_busy(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, first, key = await watching(visitor_socket, agent_socket, agent)
    await grant(visitor, first)
    second, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(first) == 2

    await send(second, {"t": "rc_request"})

    assert await receive(second) == {
        "t": "error",
        "code": "rc_busy",
        "msg": "Another agent has control of the visitor's page.",
    }
    assert await nothing(visitor) and await nothing(first)
    assert (await latest_session(key)).rc_state == "on"
