"""Who is watching, by client index, and messages between the visitor page and its agents
(what Surfly's viewer_joined/left, sendMessage and `message` stand on)."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model

from cobrowse.models import SessionEvent
from cobrowse.relays.chat import MAX_MESSAGE_BYTES
from tests.fixtures import (
    ORIGIN,
    agents_count,
    join,
    nothing,
    receive,
    receive_error,
    send,
    start_session,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_each_viewer_gets_the_next_client_index_and_the_visitor_hears_who(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    await (
        get_user_model()
        .objects.filter(username="agent2")
        .aupdate(first_name="Ada", last_name="Lovelace")
    )
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first = await agent_socket(key, agent)
    assert (await receive(first))["index"] == 1
    joined = await receive(visitor)
    assert joined == {
        "t": "agents",
        "count": 1,
        "names": ["agent"],
        "viewer": {"index": 1, "name": "agent", "joined": True},
    }
    await receive(first)  # its own agents frame
    await receive(visitor)  # snapshot request

    second = await agent_socket(key, agent2)
    assert (await receive(second))["index"] == 2
    both = await receive(visitor)
    assert both["viewer"] == {"index": 2, "name": "Ada Lovelace", "joined": True}
    # The panel's names: first names where agents have them, in the order they joined.
    assert both["names"] == ["agent", "Ada"]
    await receive(visitor)  # snapshot request
    await second.disconnect()

    assert await receive(visitor) == {
        "t": "agents",
        "count": 1,
        "names": ["agent"],
        "viewer": {"index": 2, "name": "Ada Lovelace", "joined": False},
    }
    again = await agent_socket(key, agent2)
    assert (await receive(again))["index"] == 3  # an index is never reused


@pytest.fixture
def clock(monkeypatch):
    """Messages are stamped with the server's time in ms: fixed here."""
    monkeypatch.setattr("cobrowse.relays.chat._now_ms", lambda: 1_700_000_000_000)


async def test_visitor_message_reaches_every_agent_with_its_origin(
    demo_group, agent, agent2, visitor_socket, agent_socket, clock
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, _ = await join(agent_socket, visitor, key, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    await agents_count(first)

    await send(visitor, {"t": "message", "data": {"text": "Where is my order?"}})

    expected = {
        "t": "message",
        "data": {"text": "Where is my order?"},
        "origin": ORIGIN,
        "from": 0,
        "name": "Visitor",
        "at": 1_700_000_000_000,
    }
    assert await receive(first) == expected
    assert await receive(second) == expected


async def test_visitor_message_carries_the_name_from_the_start_parameters(
    demo_group, agent, visitor_socket, agent_socket, clock
):
    visitor = await visitor_socket()
    await send(visitor, {"t": "start", "site": "production", "name": "Grace Hopper"})
    key = (await receive(visitor))["key"]
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "message", "data": "Hi"})

    message = await receive(viewer)
    assert (message["name"], message["from"], message["at"]) == (
        "Grace Hopper",
        0,
        1_700_000_000_000,
    )


async def test_agent_message_reaches_the_visitor_and_the_other_agents(
    demo_group, agent, agent2, visitor_socket, agent_socket, clock
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, _ = await join(agent_socket, visitor, key, agent)
    second, _ = await join(agent_socket, visitor, key, agent2)
    await agents_count(first)

    await send(first, {"t": "message", "data": "Let me look"})

    to_visitor = await receive(visitor)
    assert to_visitor["t"] == "message"
    assert (to_visitor["data"], to_visitor["from"], to_visitor["name"], to_visitor["at"]) == (
        "Let me look",
        1,
        "agent",
        1_700_000_000_000,
    )
    assert to_visitor["origin"].startswith("http")
    assert (await receive(second))["data"] == "Let me look"
    assert (await receive(first))["data"] == "Let me look"  # its own chat panel shows it too


async def test_bad_messages_are_refused_and_go_nowhere(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "message"})
    assert await receive_error(visitor) == "bad_frame"
    await send(visitor, {"t": "message", "data": None})
    assert await receive_error(visitor) == "bad_frame"
    await send(viewer, {"t": "message", "data": "x" * (MAX_MESSAGE_BYTES + 1)})
    assert await receive_error(viewer) == "bad_frame"

    assert await nothing(viewer)
    assert await nothing(visitor)


async def test_a_page_not_in_a_session_cannot_send_messages(demo_group, visitor_socket):
    visitor = await visitor_socket()
    await send(visitor, {"t": "message", "data": "hello?"})
    assert await receive_error(visitor) == "not_started"


async def chat_events(key: str) -> list[tuple[str, str]]:
    events = SessionEvent.objects.filter(session__key=key, type="chat")
    return [(event.actor, event.text) async for event in events]


@pytest.mark.parametrize("kept", [False, True])
async def test_chat_text_is_on_the_timeline_only_where_the_group_keeps_it(
    demo_group, agent, visitor_socket, agent_socket, kept
):
    demo_group.chat_in_timeline = kept
    await sync_to_async(demo_group.save)()
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "message", "data": "Where is my order?"})
    assert (await receive(viewer))["data"] == "Where is my order?"
    await send(viewer, {"t": "message", "data": {"text": "On its way"}})
    assert (await receive(visitor))["data"] == {"text": "On its way"}
    assert (await receive(viewer))["data"] == {"text": "On its way"}

    expected = [("visitor", "Where is my order?"), ("agent", '{"text":"On its way"}')]
    assert await chat_events(key) == (expected if kept else [])
