"""A visitor page (or something pretending to be one) sends frames the protocol refuses.

Each bad frame is answered with an error frame; the socket stays usable unless the
error is fatal (too big, too fast), which also closes it.
"""

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

EVENTS = [{"type": 3, "data": {"source": 2, "id": 7}, "timestamp": 1}]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        pytest.param("{not json", "bad_json", id="not-json"),
        pytest.param("", "bad_json", id="empty"),
        pytest.param("[1, 2]", "bad_frame", id="array"),
        pytest.param('"start"', "bad_frame", id="string"),
        pytest.param("null", "bad_frame", id="null"),
        pytest.param({"site": "production"}, "bad_frame", id="no-type"),
        pytest.param({"t": 1, "site": "production"}, "bad_frame", id="type-not-string"),
        pytest.param({"t": "hello"}, "unknown_type", id="unknown-type"),
        pytest.param({"t": "__init__"}, "unknown_type", id="type-names-a-method"),
        pytest.param({"t": "resync"}, "unknown_type", id="agent-frame-on-visitor-socket"),
        pytest.param({"t": "start"}, "bad_frame", id="start-without-site"),
        pytest.param({"t": "start", "site": 7}, "bad_frame", id="site-not-string"),
        pytest.param({"t": "start", "site": "p" * 41}, "bad_frame", id="site-too-long"),
        pytest.param(
            {"t": "start", "site": "production", "key": "1" * 51}, "bad_frame", id="key-too-long"
        ),
        pytest.param({"t": "start", "site": "production", "key": 9999}, "bad_frame", id="key-int"),
        pytest.param({"t": "ev", "s": "1", "e": EVENTS}, "bad_frame", id="seq-string"),
        pytest.param({"t": "ev", "s": True, "e": EVENTS}, "bad_frame", id="seq-true"),
        pytest.param({"t": "ev", "s": 1.5, "e": EVENTS}, "bad_frame", id="seq-float"),
        pytest.param({"t": "ev", "e": EVENTS}, "bad_frame", id="ev-without-seq"),
        pytest.param({"t": "ev", "s": -1, "e": EVENTS}, "bad_frame", id="seq-negative"),
        pytest.param({"t": "ev", "s": 1, "e": {"a": 1}}, "bad_frame", id="events-not-list"),
        pytest.param({"t": "ev", "s": 1}, "bad_frame", id="ev-without-events"),
        pytest.param(
            {"t": "ev", "s": 1, "e": EVENTS, "d": "[]", "part": 0, "parts": 1},
            "bad_frame",
            id="events-and-chunk",
        ),
        pytest.param({"t": "ev", "s": 1, "d": "[", "part": 2, "parts": 2}, "bad_frame", id="part"),
        pytest.param({"t": "ev", "s": 1, "d": "[", "part": -1, "parts": 2}, "bad_frame", id="neg"),
        pytest.param({"t": "ev", "s": 1, "d": "[", "parts": 2}, "bad_frame", id="chunk-no-part"),
        pytest.param(
            {"t": "ev", "s": 1, "d": "[", "part": 0, "parts": 1025}, "bad_frame", id="parts-1025"
        ),
        pytest.param({"t": "snap", "s": 0, "e": EVENTS, "to": "x"}, "bad_frame", id="to-string"),
        pytest.param({"t": "ev", "s": 1, "e": EVENTS}, "not_started", id="ev-before-start"),
        pytest.param({"t": "snap", "s": 0, "e": EVENTS}, "not_started", id="snap-before-start"),
        pytest.param(
            {"t": "ev", "s": 1, "d": "[", "part": 0, "parts": 2}, "not_started", id="chunk-first"
        ),
        pytest.param({"t": "stop"}, "not_started", id="stop-before-start"),
    ],
)
async def test_bad_frame_is_answered_and_the_socket_stays_usable(
    demo_group, visitor_socket, frame, code
):
    visitor = await visitor_socket()

    await send(visitor, frame)

    assert await receive_error(visitor) == code
    assert await start_session(visitor)


async def test_binary_frame_is_refused_and_the_socket_stays_usable(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await visitor.send_to(bytes_data=b'{"t": "start", "site": "production"}')

    assert await receive_error(visitor) == "bad_frame"
    assert await start_session(visitor)


async def test_bad_frame_after_start_leaves_the_session_live(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "ev", "s": "one", "e": EVENTS})

    assert await receive_error(visitor) == "bad_frame"
    assert await nothing(viewer)
    good = json.dumps({"t": "ev", "s": 1, "e": EVENTS})
    await send(visitor, good)
    assert await receive_text(viewer) == good


@override_settings(TANDEM_WS_MAX_FRAME_BYTES=4096)
async def test_oversized_frame_is_refused_and_closes_the_socket(demo_group, visitor_socket):
    visitor = await visitor_socket()
    await start_session(visitor)

    await send(visitor, {"t": "ev", "s": 1, "e": [{"pad": "x" * 4096}]})

    assert await receive_error(visitor) == "too_big"
    assert await close_code(visitor) == CloseCode.TOO_BIG


@override_settings(TANDEM_WS_MAX_FRAME_BYTES=4096)
async def test_frame_over_the_byte_limit_in_multibyte_text_is_refused(demo_group, visitor_socket):
    """The limit is in bytes (the setting, its error message and the browser tests say so):
    2,000 euro signs are 6,000 bytes on the wire though only 2,000 characters."""
    visitor = await visitor_socket()
    await start_session(visitor)
    frame = json.dumps({"t": "ev", "s": 1, "e": [{"text": "\u20ac" * 2000}]}, ensure_ascii=False)
    assert len(frame) < 4096 < len(frame.encode())

    await send(visitor, frame)

    assert await receive_error(visitor) == "too_big"
    assert await close_code(visitor) == CloseCode.TOO_BIG


@override_settings(TANDEM_WS_MAX_FRAME_BYTES=4096)
async def test_frame_just_under_the_limit_is_relayed(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)
    head = json.dumps({"t": "ev", "s": 1, "e": [{"pad": ""}]})
    frame = head.replace('""', '"' + "x" * (4096 - len(head)) + '"')
    assert len(frame.encode()) == 4096

    await send(visitor, frame)

    assert await receive_text(viewer) == frame


@override_settings(TANDEM_WS_RATE_PER_SECOND=1, TANDEM_WS_RATE_BURST=3)
async def test_too_many_frames_are_refused_and_close_the_socket(demo_group, visitor_socket):
    visitor = await visitor_socket()
    for _ in range(3):
        await send(visitor, {"t": "stop"})
        assert await receive_error(visitor) == "not_started"

    await send(visitor, {"t": "stop"})

    assert await receive_error(visitor) == "rate_limited"
    assert await close_code(visitor) == CloseCode.RATE_LIMITED


@override_settings(TANDEM_WS_RATE_PER_SECOND=1, TANDEM_WS_RATE_BURST=3)
async def test_rate_limit_is_per_socket(demo_group, visitor_socket):
    noisy = await visitor_socket()
    for _ in range(4):
        await send(noisy, {"t": "stop"})
    assert [await receive_error(noisy) for _ in range(4)][-1] == "rate_limited"
    quiet = await visitor_socket()

    assert await start_session(quiet)


async def test_bad_frame_on_one_session_does_not_disturb_another(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    noisy = await visitor_socket()
    noisy_key = await start_session(noisy)
    noisy_viewer, _ = await join(agent_socket, noisy, noisy_key, agent)
    calm = await visitor_socket()
    calm_key = await start_session(calm)
    calm_viewer, _ = await join(agent_socket, calm, calm_key, agent2)
    # The noisy session's viewer hears of the calm one starting in its group, nothing more.
    assert (await receive(noisy_viewer))["t"] == "session_new"

    for bad in ["{not json", "[]", json.dumps({"t": "ev", "s": True, "e": []})]:
        await send(noisy, bad)
        await receive_error(noisy)
    await noisy.send_to(bytes_data=b"\x00\xff")
    await receive_error(noisy)

    for seq in range(1, 4):
        frame = json.dumps({"t": "ev", "s": seq, "e": EVENTS})
        await send(calm, frame)
        assert await receive_text(calm_viewer) == frame
    assert await nothing(calm)
    assert await nothing(noisy_viewer)
