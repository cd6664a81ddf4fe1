"""An agent keeps the dashboard open: the live sessions of its groups, as they come and go."""

import pytest
from django.contrib.auth import get_user_model

from tests.fixtures import (
    close_code,
    join,
    nothing,
    receive,
    receive_error,
    refused_for_origin,
    send,
    start_session,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_anonymous_user_gets_no_dashboard(demo_group, visitor_socket, dashboard_socket):
    await start_session(await visitor_socket())

    dashboard = await dashboard_socket()

    assert await receive_error(dashboard) == "unauthenticated"
    assert await close_code(dashboard) == 4401


async def test_dashboard_lists_only_the_live_sessions_of_the_agents_groups(
    demo_group, other_group, agent, visitor_socket, dashboard_socket
):
    ours = await visitor_socket(group=72)
    our_key = await start_session(ours)
    gone = await visitor_socket(group=72)
    await start_session(gone)
    await send(gone, {"t": "stop"})
    assert (await receive(gone))["t"] == "ended"
    await start_session(await visitor_socket(group=73))

    dashboard = await dashboard_socket(agent)

    listing = await receive(dashboard)
    assert (await receive(dashboard))["t"] == "visitors"
    assert listing["t"] == "sessions"
    [session] = listing["sessions"]
    assert session == {
        "key": our_key,
        "group": 72,
        "group_name": "Demo",
        "site": "production",
        "started_at": session["started_at"],
        "user_agent": "TestBrowser/1.0",
        "visitor": {},
        "agents": 0,
        "page": {"url": "", "title": ""},
    }


async def test_dashboard_shows_how_many_agents_watch_a_listed_session(
    demo_group, agent, agent2, visitor_socket, agent_socket, dashboard_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    await join(agent_socket, visitor, key, agent2)

    dashboard = await dashboard_socket(agent)

    [session] = (await receive(dashboard))["sessions"]
    assert (await receive(dashboard))["t"] == "visitors"
    assert (session["key"], session["agents"]) == (key, 1)


async def test_agent_of_another_group_sees_none_of_its_sessions(
    demo_group, outsider, visitor_socket, dashboard_socket
):
    await start_session(await visitor_socket(group=72))

    dashboard = await dashboard_socket(outsider)

    assert await receive(dashboard) == {"t": "sessions", "sessions": [], "part": 0, "parts": 1}
    assert (await receive(dashboard))["t"] == "visitors"


async def test_user_who_is_no_agent_sees_an_empty_list(
    demo_group, visitor_socket, dashboard_socket
):
    shopper = await get_user_model().objects.acreate(username="shopper")
    await start_session(await visitor_socket(group=72))

    dashboard = await dashboard_socket(shopper)

    assert await receive(dashboard) == {"t": "sessions", "sessions": [], "part": 0, "parts": 1}
    assert (await receive(dashboard))["t"] == "visitors"


async def test_new_session_in_the_agents_group_appears(
    demo_group, agent, visitor_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert await receive(dashboard) == {"t": "sessions", "sessions": [], "part": 0, "parts": 1}
    assert (await receive(dashboard))["t"] == "visitors"

    key = await start_session(await visitor_socket())

    frame = await receive(dashboard)
    assert frame["t"] == "session"
    assert (frame["session"]["key"], frame["session"]["group"]) == (key, 72)
    assert frame["session"]["agents"] == 0


async def test_new_session_in_another_group_does_not_appear(
    demo_group, other_group, agent, outsider, visitor_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await receive(dashboard)
    assert (await receive(dashboard))["t"] == "visitors"
    outsiders_dashboard = await dashboard_socket(outsider)
    await receive(outsiders_dashboard)
    assert (await receive(outsiders_dashboard))["t"] == "visitors"

    key = await start_session(await visitor_socket(group=73))

    assert (await receive(outsiders_dashboard))["session"]["key"] == key
    assert await nothing(dashboard)


async def test_ended_session_leaves_the_list(demo_group, agent, visitor_socket, dashboard_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    dashboard = await dashboard_socket(agent)
    await receive(dashboard)
    assert (await receive(dashboard))["t"] == "visitors"

    await send(visitor, {"t": "stop"})

    assert await receive(dashboard) == {"t": "session_ended", "key": key}


async def test_visitor_leaving_the_page_removes_the_session(
    demo_group, agent, visitor_socket, dashboard_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 0  # no wait for the page to come back
    visitor = await visitor_socket()
    key = await start_session(visitor)
    dashboard = await dashboard_socket(agent)
    await receive(dashboard)
    assert (await receive(dashboard))["t"] == "visitors"

    await visitor.disconnect()

    assert await receive(dashboard) == {"t": "session_ended", "key": key}


async def test_agents_joining_and_leaving_update_the_count(
    demo_group, agent, agent2, visitor_socket, agent_socket, dashboard_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    dashboard = await dashboard_socket(agent)
    await receive(dashboard)
    assert (await receive(dashboard))["t"] == "visitors"

    viewer, _ = await join(agent_socket, visitor, key, agent2)
    assert await receive(dashboard) == {"t": "agents", "key": key, "count": 1}
    await viewer.disconnect()
    assert await receive(dashboard) == {"t": "agents", "key": key, "count": 0}


async def test_dashboard_accepts_no_frames(demo_group, agent, dashboard_socket):
    dashboard = await dashboard_socket(agent)
    await receive(dashboard)
    assert (await receive(dashboard))["t"] == "visitors"

    await send(dashboard, {"t": "resync"})

    assert await receive_error(dashboard) == "unknown_type"
    assert await nothing(dashboard)


async def test_page_of_another_site_cannot_list_sessions_with_the_agents_login(
    demo_group, agent, visitor_socket, dashboard_socket
):
    """Session keys are what an outsider needs to try to watch: only Tandem's own pages
    may read the dashboard with the agent's cookie."""
    await start_session(await visitor_socket())

    dashboard = await dashboard_socket(agent, origin="https://shop.example.com")

    assert await refused_for_origin(dashboard)
