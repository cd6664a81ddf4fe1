"""An agent's viewer sends a frame the agent socket does not accept."""

import json

import pytest
from django.test import override_settings

from core.protocol import CloseCode
from tests.fixtures import (
    close_code,
    join,
    nothing,
    receive,
    receive_error,
    receive_text,
    send,
    start_session,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        pytest.param({"t": "take_control"}, "unknown_type", id="unknown-type"),
        pytest.param({"t": "ev", "s": 1, "e": []}, "unknown_type", id="visitor-frame"),
        pytest.param({"t": "stop"}, "unknown_type", id="visitor-stop"),
        pytest.param("resync", "bad_json", id="not-json"),
        pytest.param([{"t": "resync"}], "bad_frame", id="array"),
        pytest.param({"type": "resync"}, "bad_frame", id="no-t"),
    ],
)
async def test_bad_frame_from_agent_is_refused_and_the_viewer_keeps_watching(
    demo_group, agent, visitor_socket, agent_socket, frame, code
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(viewer, frame)

    assert await receive_error(viewer) == code
    assert await nothing(visitor)
    mirrored = json.dumps({"t": "ev", "s": 1, "e": [{"type": 3}]})
    await send(visitor, mirrored)
    assert await receive_text(viewer) == mirrored


async def test_agent_cannot_stop_the_visitors_session(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(viewer, {"t": "stop"})

    assert await receive_error(viewer) == "unknown_type"
    assert await nothing(visitor)


@override_settings(TANDEM_WS_RATE_PER_SECOND=1, TANDEM_WS_RATE_BURST=2)
async def test_agent_flooding_resyncs_is_cut_off(demo_group, agent, visitor_socket, agent_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    for _ in range(3):
        await send(viewer, {"t": "resync"})

    assert await receive_error(viewer) == "rate_limited"
    assert await close_code(viewer) == CloseCode.RATE_LIMITED
    assert [(await receive(visitor))["t"] for _ in range(2)] == ["snapshot", "snapshot"]
    assert await nothing(visitor)
