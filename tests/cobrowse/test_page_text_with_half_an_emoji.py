"""A page whose text holds half an emoji (a lone UTF-16 surrogate, which JSON.stringify
writes as a `\\udXXX` escape) is mirrored like any other: its frames are valid JSON, and
every socket accepts them. Where the server decodes a value, the half character becomes
U+FFFD; relayed mirror frames keep the page's text exactly."""

import orjson
import pytest

from tests.fixtures import (
    ORIGIN,
    join,
    receive,
    receive_error,
    receive_text,
    send,
    start_session,
)

pytestmark = pytest.mark.django_db(transaction=True)

# As a browser writes `{t: "ev", s: 1, e: [{..., text: "Price \ud83d"}]}`: the escape
# stands for the first half of 😀 with no second half.
HALF_EMOJI_EV = (
    '{"t":"ev","s":1,"e":[{"type":3,"timestamp":1,'
    '"data":{"source":0,"texts":[{"id":7,"value":"Price \\ud83d"}]}}]}'
)


async def test_mirror_frame_with_half_an_emoji_reaches_the_agent_as_the_page_sent_it(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, HALF_EMOJI_EV)

    assert await receive_text(viewer) == HALF_EMOJI_EV


async def test_message_with_half_an_emoji_reaches_the_agent_with_a_replacement_character(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, '{"t":"message","data":{"text":"Hi \\ud83d and \\ud83d\\ude00"}}')

    frame = await receive(viewer)
    assert (frame["t"], frame["data"]) == ("message", {"text": "Hi \ufffd and \U0001f600"})


async def test_presence_data_with_half_an_emoji_is_shown_with_a_replacement_character(
    demo_group, agent, open_socket, dashboard_socket
):
    page = await open_socket("/ws/presence/72/", [(b"origin", ORIGIN.encode())])
    await send(page, {"t": "hello", "visitorid": "v-1"})
    await receive(page)
    dashboard = await dashboard_socket(agent)
    await receive(dashboard)  # sessions
    await receive(dashboard)  # visitors

    await send(page, '{"t":"presence","title":"Sale \\udc00","data":{"note":"\\ud83d"}}')

    visitor = (await receive(dashboard))["visitor"]
    assert (visitor["title"], visitor["data"]) == ("Sale \ufffd", {"note": "\ufffd"})


@pytest.mark.parametrize(
    "text",
    [
        '{"t":"ev","s":1,"e":[NaN],"x":"\\ud83d"}',  # not JSON, lone surrogate or not
        '{"t":"ev","s":1,"e":[1e999],"x":"\\ud83d"}',
        '{"t":"ev","s":1,"e":["\\ud83d"]',
    ],
)
async def test_frame_that_is_not_json_is_still_refused(demo_group, visitor_socket, text):
    visitor = await visitor_socket()
    await start_session(visitor)

    await send(visitor, text)

    assert await receive_error(visitor) == "bad_json"
    # and the socket goes on
    await send(visitor, orjson.dumps({"t": "ev", "s": 1, "e": []}).decode())
    await send(visitor, {"t": "stop"})
    assert (await receive(visitor))["t"] == "ended"
