"""A visitor page navigates, or loses its connection, and comes back with its resume token:
the session carries on. Two tabs of one session: only the focused one streams."""

import json
import time
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from django.core import signing

from cobrowse import consumers
from cobrowse.models import CobrowseSession
from tests.fixtures import (
    agents_count,
    close_code,
    join,
    latest_session,
    nothing,
    receive,
    receive_error,
    receive_text,
    send,
    timeline,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def long_grace(settings):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 60


async def start(visitor) -> dict:
    await send(visitor, {"t": "start", "site": "production"})
    started = await receive(visitor)
    assert started["t"] == "started", started
    return started


async def resume(visitor, token: str, why: str = "navigate") -> dict:
    await send(visitor, {"t": "resume", "token": token, "why": why})
    return await receive(visitor)


def ev(s: int, marker: str) -> str:
    return json.dumps({"t": "ev", "s": s, "e": [{"type": 3, "data": {"marker": marker}}]})


async def test_next_page_of_the_tab_continues_the_session_for_the_watching_agent(
    demo_group, agent, visitor_socket, agent_socket
):
    first_page = await visitor_socket()
    started = await start(first_page)
    viewer, _ = await join(agent_socket, first_page, started["key"], agent)

    await first_page.disconnect()
    second_page = await visitor_socket()
    resumed = await resume(second_page, started["resume"])

    assert resumed["t"] == "resumed"
    assert resumed["key"] == started["key"]
    assert resumed["agents"] == 1
    assert resumed["state"] == {
        "key": started["key"],
        "agents": 1,
        # The next page's panel names who watches from the start.
        "agent_names": ["agent"],
        "rc": False,
        "accessibility": False,
    }
    assert resumed["resume"]
    session = await latest_session(started["key"])
    assert session.state == CobrowseSession.State.ACTIVE
    assert session.visitors_connected == 1
    # The agent heard the page go and the next one come.
    assert (await receive(viewer))["state"] == "away"
    assert await receive(viewer) == {"t": "visitor", "state": "here"}
    await send(second_page, ev(1, "next page"))
    assert json.loads(await receive_text(viewer))["e"][0]["data"]["marker"] == "next page"
    assert ("navigated", "visitor") in await timeline(started["key"])


async def test_reconnect_is_recorded_as_such(demo_group, visitor_socket):
    page = await visitor_socket()
    started = await start(page)
    await page.disconnect()

    again = await visitor_socket()
    assert (await resume(again, started["resume"], why="reconnect"))["t"] == "resumed"

    assert await timeline(started["key"]) == [("started", "visitor"), ("reconnected", "visitor")]


async def test_agent_asking_for_a_snapshot_after_a_navigation_reaches_the_new_page(
    demo_group, agent, visitor_socket, agent_socket
):
    first_page = await visitor_socket()
    started = await start(first_page)
    viewer, _ = await join(agent_socket, first_page, started["key"], agent)
    await first_page.disconnect()
    second_page = await visitor_socket()
    await resume(second_page, started["resume"])

    await send(viewer, {"t": "resync"})

    request = await receive(second_page)
    assert request["t"] == "snapshot" and len(request["to"]) == 1


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"s": 1, "g": 1}, salt="another.purpose"),
        signing.dumps({"s": 1, "g": 1}, key="not-the-server-key", salt="tandem.resume"),
        "",
    ],
)
async def test_forged_token_continues_nothing(demo_group, visitor_socket, token):
    page = await visitor_socket()

    await send(page, {"t": "resume", "token": token})

    assert await receive_error(page) in {"bad_token", "bad_frame"}
    await send(page, ev(1, "nobody"))
    assert await receive_error(page) == "not_started"


async def test_tampered_token_continues_nothing(demo_group, visitor_socket):
    page = await visitor_socket()
    started = await start(page)
    await page.disconnect()
    claims, rest = started["resume"].split(":", 1)
    tampered = signing.b64_encode(b'{"s":2,"g":1}').decode() + ":" + rest

    again = await visitor_socket()
    await send(again, {"t": "resume", "token": tampered})

    assert await receive_error(again) == "bad_token"
    assert claims != signing.b64_encode(b'{"s":2,"g":1}').decode()


async def test_expired_token_continues_nothing(demo_group, visitor_socket, settings):
    page = await visitor_socket()
    started = await start(page)
    await page.disconnect()
    later = time.time() + settings.TANDEM_RESUME_TOKEN_MAX_AGE + 10

    again = await visitor_socket()
    with mock.patch("django.core.signing.time.time", return_value=later):
        await send(again, {"t": "resume", "token": started["resume"]})
        assert await receive_error(again) == "bad_token"


async def test_token_of_another_group_continues_nothing(demo_group, other_group, visitor_socket):
    page = await visitor_socket(group=72)
    started = await start(page)

    other = await visitor_socket(group=73)
    await send(other, {"t": "resume", "token": started["resume"]})

    assert await receive_error(other) == "bad_token"


async def test_token_of_a_stopped_session_continues_nothing(demo_group, visitor_socket):
    page = await visitor_socket()
    started = await start(page)
    await send(page, {"t": "stop"})
    assert (await receive(page))["t"] == "ended"

    again = await visitor_socket()
    await send(again, {"t": "resume", "token": started["resume"]})

    assert await receive_error(again) == "ended"


async def test_session_ends_when_no_page_comes_back_within_the_grace_period(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 0.05
    page = await visitor_socket()
    started = await start(page)
    viewer, _ = await join(agent_socket, page, started["key"], agent)

    await page.disconnect()

    assert (await receive(viewer))["state"] == "away"
    assert await receive(viewer) == {"t": "ended", "reason": "disconnected"}
    assert await close_code(viewer) == 4000


async def test_page_coming_back_within_the_grace_period_keeps_the_session(
    demo_group, agent, visitor_socket, agent_socket, monkeypatch
):
    # The grace period runs out when the test says, not on the wall clock: a short real one
    # could run out before a slow machine has the page back, and end the session rightly.
    pending: list[tuple] = []
    monkeypatch.setattr(
        consumers, "call_later", lambda delay, service, **kwargs: pending.append((service, kwargs))
    )
    page = await visitor_socket()
    started = await start(page)
    viewer, _ = await join(agent_socket, page, started["key"], agent)
    await page.disconnect()
    again = await visitor_socket()
    await resume(again, started["resume"])
    assert (await receive(viewer))["state"] == "away"
    assert await receive(viewer) == {"t": "visitor", "state": "here"}

    # Past the grace period: the pending end must see the page came back.
    [(service, kwargs)] = pending
    await database_sync_to_async(service)(**kwargs)
    assert await nothing(viewer)

    assert (await latest_session(started["key"])).state == CobrowseSession.State.ACTIVE


async def test_dashboard_ends_sessions_whose_visitor_left_long_ago(
    demo_group, agent, visitor_socket, dashboard_socket, settings
):
    """The process that was to end a session may have stopped; the next dashboard does it."""
    page = await visitor_socket()
    started = await start(page)
    await page.disconnect()
    session = await latest_session(started["key"])
    session.visitor_left_at = session.visitor_left_at.replace(year=2000)
    await session.asave(update_fields=["visitor_left_at"])

    dashboard = await dashboard_socket(agent)

    assert await receive(dashboard) == {"t": "sessions", "sessions": [], "part": 0, "parts": 1}
    assert await receive(dashboard) == {"t": "visitors", "visitors": [], "part": 0, "parts": 1}
    assert (await latest_session(started["key"])).state == CobrowseSession.State.ENDED


async def test_newer_tab_takes_focus_and_the_older_stops_streaming(
    demo_group, agent, visitor_socket, agent_socket
):
    first_tab = await visitor_socket()
    started = await start(first_tab)
    viewer, _ = await join(agent_socket, first_tab, started["key"], agent)

    second_tab = await visitor_socket()
    assert (await resume(second_tab, started["resume"]))["t"] == "resumed"

    assert await receive(first_tab) == {"t": "blur"}
    assert await receive(viewer) == {"t": "visitor", "state": "here"}
    await send(first_tab, ev(50, "from the blurred tab"))
    await send(second_tab, ev(1, "from the focused tab"))
    assert json.loads(await receive_text(viewer))["e"][0]["data"]["marker"] == (
        "from the focused tab"
    )
    assert await nothing(viewer)


async def test_clicked_tab_takes_focus_back(demo_group, agent, visitor_socket, agent_socket):
    first_tab = await visitor_socket()
    started = await start(first_tab)
    second_tab = await visitor_socket()
    await resume(second_tab, started["resume"])
    assert await receive(first_tab) == {"t": "blur"}

    await send(first_tab, {"t": "focus"})

    assert await receive(first_tab) == {"t": "focus"}
    assert await receive(second_tab) == {"t": "blur"}
    # The agent's snapshot request goes to the tab that has the focus again.
    await join(agent_socket, first_tab, started["key"], agent)
    assert await agents_count(second_tab) == 1
    assert await nothing(second_tab)
    assert ("focus", "visitor") in await timeline(started["key"])


async def test_snapshot_requests_go_to_the_focused_tab_only(
    demo_group, agent, visitor_socket, agent_socket
):
    first_tab = await visitor_socket()
    started = await start(first_tab)
    second_tab = await visitor_socket()
    await resume(second_tab, started["resume"])
    assert await receive(first_tab) == {"t": "blur"}

    viewer = await agent_socket(started["key"], agent)
    assert (await receive(viewer))["t"] == "joined"

    assert await agents_count(second_tab) == 1
    assert (await receive(second_tab))["t"] == "snapshot"
    assert await agents_count(first_tab) == 1
    assert await nothing(first_tab)


async def test_last_tab_closing_starts_the_grace_period_not_the_first(
    demo_group, visitor_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 0
    first_tab = await visitor_socket()
    started = await start(first_tab)
    second_tab = await visitor_socket()
    await resume(second_tab, started["resume"])

    await first_tab.disconnect()

    assert (await latest_session(started["key"])).state == CobrowseSession.State.ACTIVE
    await second_tab.disconnect()
    assert (await latest_session(started["key"])).state == CobrowseSession.State.ENDED


async def test_visitor_starting_again_with_the_same_key_after_closing_the_tab_gets_a_new_session(
    demo_group, visitor_socket
):
    """A fixed key (the visitor id, say) is free again once its tab is gone, grace or not."""
    first = await visitor_socket()
    await send(first, {"t": "start", "site": "production", "key": "v42"})
    old = await receive(first)
    await first.disconnect()

    again = await visitor_socket()
    await send(again, {"t": "start", "site": "production", "key": "v42"})
    new = await receive(again)

    assert new["t"] == "started" and new["key"] == "v42"
    sessions = [s async for s in CobrowseSession.objects.filter(key="v42").order_by("id")]
    assert [s.state for s in sessions] == ["ended", "active"]
    assert await sessions[0].events.filter(type="ended").values_list(
        "detail", flat=True
    ).afirst() == ("replaced")
    assert old["resume"] != new["resume"]


async def test_key_of_a_session_with_a_connected_tab_stays_taken(demo_group, visitor_socket):
    first = await visitor_socket()
    await send(first, {"t": "start", "site": "production", "key": "v43"})
    await receive(first)

    other = await visitor_socket()
    await send(other, {"t": "start", "site": "production", "key": "v43"})

    assert await receive_error(other) == "key_in_use"


async def test_handoff_token_continues_the_session_on_another_trusted_domain(
    demo_group, visitor_socket
):
    page = await visitor_socket(origin="http://127.0.0.1:5000")
    started = await start(page)
    await send(page, {"t": "handoff"})
    handoff = await receive(page)
    assert handoff["t"] == "handoff" and handoff["token"] != started["resume"]

    other_domain = await visitor_socket(origin="http://localhost:8000")
    resumed = await resume(other_domain, handoff["token"], why="crossdomain")

    assert resumed["t"] == "resumed" and resumed["key"] == started["key"]
    session = await latest_session(started["key"])
    assert await session.events.filter(type="navigated").values_list(
        "detail", flat=True
    ).afirst() == ("other domain")


async def test_handoff_token_expires_quickly(demo_group, visitor_socket, settings):
    page = await visitor_socket()
    await start(page)
    await send(page, {"t": "handoff"})
    token = (await receive(page))["token"]
    later = time.time() + settings.TANDEM_HANDOFF_TOKEN_MAX_AGE + 5

    other_domain = await visitor_socket(origin="http://localhost:8000")
    with mock.patch("django.core.signing.time.time", return_value=later):
        await send(other_domain, {"t": "resume", "token": token, "why": "crossdomain"})
        assert await receive_error(other_domain) == "bad_token"


async def test_handoff_token_works_only_once(demo_group, visitor_socket):
    page = await visitor_socket()
    await start(page)
    await send(page, {"t": "handoff"})
    token = (await receive(page))["token"]
    first = await visitor_socket(origin="http://localhost:8000")
    assert (await resume(first, token, why="crossdomain"))["t"] == "resumed"

    replay = await visitor_socket(origin="http://localhost:8000")
    await send(replay, {"t": "resume", "token": token, "why": "crossdomain"})

    assert await receive_error(replay) == "bad_token"


async def test_a_used_handoff_token_is_refused_even_when_both_uses_race(demo_group, visitor_socket):
    page = await visitor_socket()
    await start(page)
    await send(page, {"t": "handoff"})
    token = (await receive(page))["token"]
    pages = [await visitor_socket(origin="http://localhost:8000") for _ in range(4)]

    for other in pages:
        await send(other, {"t": "resume", "token": token, "why": "crossdomain"})
    answers = [(await receive(other))["t"] for other in pages]

    assert sorted(answers) == ["error", "error", "error", "resumed"]


async def test_each_handoff_gets_its_own_token(demo_group, visitor_socket):
    page = await visitor_socket()
    await start(page)
    tokens = []
    for _ in range(2):
        await send(page, {"t": "handoff"})
        tokens.append((await receive(page))["token"])
    for token in tokens:
        other = await visitor_socket(origin="http://localhost:8000")
        assert (await resume(other, token, why="crossdomain"))["t"] == "resumed"

    assert tokens[0] != tokens[1]


async def test_handoff_needs_a_session(demo_group, visitor_socket):
    page = await visitor_socket()

    await send(page, {"t": "handoff"})

    assert await receive_error(page) == "not_started"


async def test_agent_accessibility_mode_reaches_the_visitor_and_later_pages(
    demo_group, agent, visitor_socket, agent_socket
):
    page = await visitor_socket()
    started = await start(page)
    viewer, _ = await join(agent_socket, page, started["key"], agent)

    await send(viewer, {"t": "accessibility", "enabled": True})

    assert await receive(page) == {"t": "accessibility", "enabled": True}
    assert await receive(viewer) == {"t": "accessibility", "enabled": True}
    await page.disconnect()
    next_page = await visitor_socket()
    assert (await resume(next_page, started["resume"]))["state"]["accessibility"] is True
    session = await latest_session(started["key"])
    events = session.events.filter(type="accessibility").values_list("actor", "detail")
    assert [e async for e in events] == [("agent", "on")]


async def test_visitor_cannot_switch_accessibility_mode(demo_group, visitor_socket):
    page = await visitor_socket()
    await start(page)

    await send(page, {"t": "accessibility", "enabled": True})

    assert await receive_error(page) == "unknown_type"
