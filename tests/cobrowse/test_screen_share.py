"""Screen share, agent video and reverse sessions: an agent shares into a view on the
visitor's page, pauses, resumes and stops; WebRTC signalling crosses the session sockets
between the sharer and the view iframes only; an agent invites the visitor to a reverse
session, which the visitor accepts or declines and the agent ends."""

import pytest

from cobrowse.models import SessionEvent
from cobrowse.services import tabs
from tests.fixtures import (
    agents_count,
    close_code,
    join,
    latest_session,
    nothing,
    receive,
    receive_error,
    send,
    timeline,
    watching,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = "glance_screenshare"
VIDEO = "glance_agentvideo"
OFFER = {"type": "offer", "sdp": "v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\n"}
ANSWER = {"type": "answer", "sdp": "v=0\r\no=- 7203 2 IN IP4 127.0.0.1\r\n"}


async def two_watching(visitor_socket, agent_socket, agent, agent2):
    """A session watched by `agent` (client index 1) and `agent2` (index 2)."""
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    other, _ = await join(agent_socket, visitor, key, agent2)
    assert await agents_count(viewer) == 2
    return visitor, viewer, other, key


def share(view: str, state: str, paused: bool = False, by: int | None = None) -> dict:
    frame = {"t": "share", "view": view, "state": state, "paused": paused}
    return frame if by is None else {**frame, "by": by}


async def start_share(visitor, viewer, *others, view: str = SCREEN) -> None:
    await send(viewer, {"t": "share_start", "view": view})
    assert await receive(visitor) == share(view, "new")
    for agent in (viewer, *others):
        assert await receive(agent) == share(view, "new", by=1)


async def share_events(key: str) -> list[tuple[str, str, str]]:
    session = await latest_session(key)
    return [
        (e.type, e.actor, e.detail)
        async for e in SessionEvent.objects.filter(session=session)
        if e.type.startswith(("share", "reverse"))
    ]


# Sharing.


async def test_agent_starts_sharing_and_the_visitor_and_every_agent_hear_it(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, other, key = await two_watching(visitor_socket, agent_socket, agent, agent2)

    await start_share(visitor, viewer, other)

    session = await latest_session(key)
    assert (session.share_by, session.share_view, session.share_paused) == (1, SCREEN, False)
    assert await share_events(key) == [("share_started", "agent", SCREEN)]


async def test_second_agent_cannot_share_while_one_shares(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, other, _ = await two_watching(visitor_socket, agent_socket, agent, agent2)
    await start_share(visitor, viewer, other)

    await send(other, {"t": "share_start", "view": VIDEO})

    assert await receive_error(other) == "share_busy"
    assert await nothing(visitor)
    assert await nothing(viewer)


async def test_sharer_switching_view_ends_the_old_one_first(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)

    await send(viewer, {"t": "share_start", "view": VIDEO})

    assert await receive(visitor) == share(SCREEN, "ended")
    assert await receive(visitor) == share(VIDEO, "new")
    assert await receive(viewer) == share(SCREEN, "ended", by=1)
    assert await receive(viewer) == share(VIDEO, "new", by=1)
    assert await share_events(key) == [
        ("share_started", "agent", SCREEN),
        ("share_ended", "agent", SCREEN),
        ("share_started", "agent", VIDEO),
    ]


async def test_sharer_pauses_resumes_and_stops(demo_group, agent, visitor_socket, agent_socket):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)

    await send(viewer, {"t": "share_pause"})
    assert await receive(visitor) == {"t": "share_paused", "view": SCREEN}
    assert await receive(viewer) == share(SCREEN, "continued", paused=True, by=1)
    await send(viewer, {"t": "share_pause"})  # already paused: nothing happens
    assert await nothing(visitor)
    await send(viewer, {"t": "share_resume"})
    assert await receive(visitor) == {"t": "share_resumed", "view": SCREEN}
    assert await receive(viewer) == share(SCREEN, "continued", by=1)
    await send(viewer, {"t": "share_stop"})
    assert await receive(visitor) == share(SCREEN, "ended")
    assert await receive(viewer) == share(SCREEN, "ended", by=1)

    assert await share_events(key) == [
        ("share_started", "agent", SCREEN),
        ("share_paused", "agent", SCREEN),
        ("share_resumed", "agent", SCREEN),
        ("share_ended", "agent", SCREEN),
    ]
    session = await latest_session(key)
    assert (session.share_by, session.share_view) == (None, "")


@pytest.mark.parametrize("frame", ["share_pause", "share_resume", "share_stop"])
async def test_only_the_sharer_controls_the_share(
    demo_group, agent, agent2, visitor_socket, agent_socket, frame
):
    visitor, viewer, other, _ = await two_watching(visitor_socket, agent_socket, agent, agent2)
    await start_share(visitor, viewer, other)

    await send(other, {"t": frame})

    assert await receive_error(other) == "not_sharer"
    assert await nothing(visitor)


async def test_sharer_leaving_ends_the_share(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, other, key = await two_watching(visitor_socket, agent_socket, agent, agent2)
    await start_share(visitor, viewer, other)

    await viewer.disconnect()

    assert await receive(visitor) == share(SCREEN, "ended")
    assert await receive(other) == share(SCREEN, "ended", by=1)
    assert await agents_count(visitor) == 1
    assert ("share_ended", "agent", SCREEN) in await share_events(key)
    # Another agent may share now.
    await send(other, {"t": "share_start", "view": VIDEO})
    assert await receive(visitor) == share(VIDEO, "new")


async def test_non_sharer_leaving_keeps_the_share(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, other, key = await two_watching(visitor_socket, agent_socket, agent, agent2)
    await start_share(visitor, viewer, other)

    await other.disconnect()

    assert await agents_count(visitor) == 1
    assert await nothing(visitor)
    assert (await latest_session(key)).share_by == 1


async def test_next_page_of_the_visitor_continues_the_share(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 60
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)
    await send(viewer, {"t": "share_pause"})
    await receive(visitor)
    await receive(viewer)
    token = tabs.resume_token(session=await latest_session(key))
    await visitor.disconnect()

    next_page = await visitor_socket()
    await send(next_page, {"t": "resume", "token": token})

    assert (await receive(next_page))["t"] == "resumed"
    assert await receive(next_page) == share(SCREEN, "continued", paused=True)
    assert await nothing(next_page)


async def test_next_page_without_share_hears_only_resumed(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 60
    _, _, key = await watching(visitor_socket, agent_socket, agent)
    token = tabs.resume_token(session=await latest_session(key))

    next_page = await visitor_socket()
    await send(next_page, {"t": "resume", "token": token})

    assert (await receive(next_page))["t"] == "resumed"
    assert await nothing(next_page)


async def test_joining_agent_learns_the_share_and_reverse_state(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)
    await send(viewer, {"t": "share_pause"})
    await send(viewer, {"t": "reverse_invite"})
    for _ in range(2):
        await receive(visitor)
        await receive(viewer)

    late = await agent_socket(key, agent2)

    joined = await receive(late)
    assert joined["t"] == "joined"
    assert joined["share"] == {"view": SCREEN, "paused": True, "by": 1}
    assert joined["reverse"] == "invited"


# Signalling.


async def test_sharers_signalling_reaches_every_visitor_tab(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 60
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)
    second_tab = await visitor_socket()
    await send(
        second_tab,
        {"t": "resume", "token": tabs.resume_token(session=await latest_session(key))},
    )
    assert (await receive(second_tab))["t"] == "resumed"
    assert await receive(second_tab) == share(SCREEN, "continued")
    assert await receive(visitor) == {"t": "blur"}
    assert await receive(viewer) == {"t": "visitor", "state": "here"}  # the new tab is shown

    await send(viewer, {"t": "rtc", "peer": "p1", "kind": "offer", "data": OFFER, "x": 1})

    relayed = {"t": "rtc", "peer": "p1", "kind": "offer", "data": OFFER}
    assert await receive(visitor) == relayed
    assert await receive(second_tab) == relayed
    assert await nothing(viewer)


async def test_visitors_signalling_reaches_only_the_sharer(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, other, _ = await two_watching(visitor_socket, agent_socket, agent, agent2)
    await start_share(visitor, viewer, other)

    await send(visitor, {"t": "rtc", "peer": "p1", "kind": "ready", "data": {}})
    await send(visitor, {"t": "rtc", "peer": "p1", "kind": "answer", "data": ANSWER})

    assert await receive(viewer) == {"t": "rtc", "peer": "p1", "kind": "ready", "data": {}}
    assert await receive(viewer) == {"t": "rtc", "peer": "p1", "kind": "answer", "data": ANSWER}
    assert await nothing(other)
    assert await nothing(visitor)


async def test_agent_that_does_not_share_cannot_signal(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, other, _ = await two_watching(visitor_socket, agent_socket, agent, agent2)
    await start_share(visitor, viewer, other)

    await send(other, {"t": "rtc", "peer": "p1", "kind": "offer", "data": OFFER})

    assert await receive_error(other) == "not_sharer"
    assert await nothing(visitor)


async def test_visitor_cannot_signal_without_a_share(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)

    await send(visitor, {"t": "rtc", "peer": "p1", "kind": "ready", "data": {}})

    assert await receive_error(visitor) == "no_share"
    assert await nothing(viewer)


async def test_visitor_socket_without_a_session_cannot_signal(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "rtc", "peer": "p1", "kind": "ready", "data": {}})

    assert await receive_error(visitor) == "not_started"


@pytest.mark.parametrize(
    "frame",
    [
        {"t": "share_start", "view": "glance_desktop"},
        {"t": "share_start"},
        {"t": "rtc", "peer": "p1", "kind": "answer", "data": ANSWER},  # the view's to send
        {"t": "rtc", "peer": "p1", "kind": "offer", "data": "v=0"},
        {"t": "rtc", "peer": "p1", "kind": "offer", "data": [OFFER]},
        {"t": "rtc", "peer": "p" * 41, "kind": "offer", "data": OFFER},
        {"t": "rtc", "peer": "p1", "data": OFFER},
    ],
)
async def test_malformed_agent_media_frame_is_refused(
    demo_group, agent, visitor_socket, agent_socket, frame
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)

    await send(viewer, frame)

    assert await receive_error(viewer) == "bad_frame"
    assert await nothing(visitor)


@pytest.mark.parametrize(
    "frame",
    [
        {"t": "rtc", "peer": "p1", "kind": "offer", "data": OFFER},  # the agent's to send
        {"t": "rtc", "peer": "p1", "kind": "ready", "data": None},
        {"t": "rtc", "peer": 1, "kind": "ready", "data": {}},
        {"t": "reverse", "accept": "yes"},
    ],
)
async def test_malformed_visitor_media_frame_is_refused(
    demo_group, agent, visitor_socket, agent_socket, frame
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)

    await send(visitor, frame)

    assert await receive_error(visitor) == "bad_frame"
    assert await nothing(viewer)


async def test_agent_of_another_group_cannot_reach_the_session(
    demo_group, agent, outsider, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await start_share(visitor, viewer)

    stranger = await agent_socket(key, outsider)

    assert await receive_error(stranger) == "not_found"


# Reverse sessions.


async def invite(visitor, *agents) -> None:
    await send(agents[0], {"t": "reverse_invite"})
    assert await receive(visitor) == {"t": "reverse", "state": "invited"}
    for agent in agents:
        assert await receive(agent) == {"t": "reverse", "state": "invited"}


async def test_visitor_accepts_and_the_agent_ending_it_ends_the_session(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor, viewer, other, key = await two_watching(visitor_socket, agent_socket, agent, agent2)
    await invite(visitor, viewer, other)

    await send(visitor, {"t": "reverse", "accept": True})
    for socket in (visitor, viewer, other):
        assert await receive(socket) == {"t": "reverse", "state": "accepted"}
    await send(viewer, {"t": "reverse_end"})

    for socket in (visitor, viewer, other):
        assert await receive(socket) == {"t": "reverse", "state": "ended"}
        assert await receive(socket) == {"t": "ended", "reason": "reverse_ended"}
        assert await close_code(socket) == 4000
    assert not (await latest_session(key)).is_active
    assert await share_events(key) == [
        ("reverse_invited", "agent", ""),
        ("reverse_accepted", "visitor", ""),
        ("reverse_ended", "agent", "accepted"),
    ]
    assert (await timeline(key))[-1] == ("ended", "agent")


async def test_visitor_declines_and_the_agent_may_invite_again(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await invite(visitor, viewer)

    await send(visitor, {"t": "reverse", "accept": False})

    assert await receive(visitor) == {"t": "reverse", "state": "declined"}
    assert await receive(viewer) == {"t": "reverse", "state": "declined"}
    await invite(visitor, viewer)
    assert [kind for kind, _, _ in await share_events(key)] == [
        "reverse_invited",
        "reverse_declined",
        "reverse_invited",
    ]


async def test_withdrawn_invitation_keeps_the_session(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await invite(visitor, viewer)

    await send(viewer, {"t": "reverse_end"})

    assert await receive(visitor) == {"t": "reverse", "state": "ended"}
    assert await receive(viewer) == {"t": "reverse", "state": "ended"}
    assert await nothing(visitor)
    assert (await latest_session(key)).is_active
    await send(visitor, {"t": "reverse", "accept": True})  # too late
    assert await receive_error(visitor) == "bad_state"


async def test_reverse_frames_out_of_turn_are_refused(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor, viewer, _ = await watching(visitor_socket, agent_socket, agent)

    await send(viewer, {"t": "reverse_end"})
    assert await receive_error(viewer) == "bad_state"
    await send(visitor, {"t": "reverse", "accept": True})
    assert await receive_error(visitor) == "bad_state"
    await invite(visitor, viewer)
    await send(viewer, {"t": "reverse_invite"})
    assert await receive_error(viewer) == "bad_state"
    await send(visitor, {"t": "reverse", "accept": True})
    await receive(visitor)
    await receive(viewer)
    await send(visitor, {"t": "reverse", "accept": False})
    assert await receive_error(visitor) == "bad_state"
    await send(viewer, {"t": "reverse_invite"})
    assert await receive_error(viewer) == "bad_state"


async def test_next_page_of_the_visitor_hears_the_open_reverse_session(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 60
    visitor, viewer, key = await watching(visitor_socket, agent_socket, agent)
    await invite(visitor, viewer)
    token = tabs.resume_token(session=await latest_session(key))
    await visitor.disconnect()

    next_page = await visitor_socket()
    await send(next_page, {"t": "resume", "token": token})

    assert (await receive(next_page))["t"] == "resumed"
    assert await receive(next_page) == {"t": "reverse", "state": "invited"}
