"""An agent opens the viewer of a session key: only agents of the session's group get in."""

import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache.backends import locmem

from cobrowse import selectors
from cobrowse.services import sessions
from tests.fixtures import (
    agents_count,
    close_code,
    join,
    latest_session,
    nothing,
    receive,
    receive_error,
    refused_for_origin,
    send,
    start_session,
    timeline,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_agent_of_the_group_joins_and_the_visitor_is_asked_for_a_snapshot(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key, agent)

    session = await latest_session(key)
    joined = await receive(viewer)
    # The viewer's asset proxy URL, signed for this agent and session.
    assert joined.pop("assets").startswith("/cobrowse/asset/?s=")
    assert joined == {
        "t": "joined",
        "key": key,
        "group": 72,
        "site": "production",
        "user_agent": "TestBrowser/1.0",
        "visitor": {},
        "agents": 1,
        "index": 1,
        "rc": False,
        "rc_to": 0,
        "accessibility": False,
        "share": None,
        "reverse": "",
        "reverse_only": False,
        "presence": {"state": "here"},
        "started": int(session.started_at.timestamp() * 1000),
    }
    viewer_info = {"index": 1, "name": "agent", "joined": True}
    assert await receive(viewer) == {"t": "agents", "count": 1, "viewer": viewer_info}
    # The visitor's panel names who watches ("agent is viewing": no first or full name).
    assert await receive(visitor) == {
        "t": "agents",
        "count": 1,
        "names": ["agent"],
        "viewer": viewer_info,
    }
    request = await receive(visitor)
    assert request["t"] == "snapshot" and set(request) == {"t", "to"}
    [rid] = request["to"]
    assert isinstance(rid, str) and rid
    assert await nothing(visitor)
    assert await nothing(viewer)
    assert await timeline(key) == [("started", "visitor"), ("agent_joined", "agent")]


async def test_second_agent_joins_and_everyone_hears_the_new_count(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    first, first_rid = await join(agent_socket, visitor, key, agent)

    second, second_rid = await join(agent_socket, visitor, key, agent2)

    assert await agents_count(first) == 2
    assert await nothing(second)
    assert second_rid != first_rid
    assert await timeline(key) == [
        ("started", "visitor"),
        ("agent_joined", "agent"),
        ("agent_joined", "agent2"),
    ]


async def test_anonymous_user_cannot_watch_a_session(demo_group, visitor_socket, agent_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key)

    assert await receive_error(viewer) == "unauthenticated"
    assert await close_code(viewer) == 4401
    assert await nothing(visitor)


async def test_agent_of_other_group_cannot_join(demo_group, outsider, visitor_socket, agent_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key, outsider)

    assert await receive_error(viewer) == "not_found"
    assert await close_code(viewer) == 4404
    assert await nothing(visitor)
    assert await timeline(key) == [("started", "visitor")]


async def test_outsider_learns_nothing_from_a_live_key(
    demo_group, outsider, visitor_socket, agent_socket
):
    """A live key of another group gets the very answer a key that is not live gets."""
    visitor = await visitor_socket()
    await start_session(visitor, key="424242")
    live = await agent_socket("424242", outsider)
    answer_for_live_key = await receive(live)
    await send(visitor, {"t": "stop"})
    assert (await receive(visitor))["t"] == "ended"

    gone = await agent_socket("424242", outsider)

    assert await receive(gone) == answer_for_live_key
    assert answer_for_live_key["code"] == "not_found"
    assert await close_code(live) == await close_code(gone) == 4404


async def test_agent_joining_a_key_that_does_not_exist_is_told_not_found(
    demo_group, agent, agent_socket
):
    viewer = await agent_socket("123456", agent)

    assert await receive_error(viewer) == "not_found"
    assert await close_code(viewer) == 4404


async def test_user_who_is_no_agent_cannot_join(demo_group, visitor_socket, agent_socket):
    nobody = await get_user_model().objects.acreate(username="shopper")
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key, nobody)

    assert await receive_error(viewer) == "not_found"
    assert await close_code(viewer) == 4404


async def test_refused_agent_socket_cannot_ask_for_snapshots(
    demo_group, outsider, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer = await agent_socket(key, outsider)
    assert await receive_error(viewer) == "not_found"
    assert await close_code(viewer) == 4404

    await send(viewer, {"t": "resync"})  # a client that sends on after the close

    assert await nothing(viewer)  # the server sends nothing after its close frame
    assert await nothing(visitor)


async def test_agent_count_stays_right_in_a_session_longer_than_a_day(
    demo_group, agent, agent2, visitor_socket, agent_socket
):
    """The visitor must always know how many agents watch, however long the session."""
    visitor = await visitor_socket()
    key = await start_session(visitor)
    await join(agent_socket, visitor, key, agent)
    a_day_later = SimpleNamespace(time=lambda: time.time() + 25 * 3600)

    with mock.patch.object(locmem, "time", a_day_later):
        second = await agent_socket(key, agent2)
        joined = await receive(second)

    assert joined["agents"] == 2
    assert await agents_count(visitor) == 2


async def test_page_of_another_site_cannot_watch_with_the_agents_login(
    demo_group, agent, visitor_socket, agent_socket
):
    """A page the agent visits (an integrator's subdomain, say) may open a socket to Tandem,
    and the browser sends the agent's cookie along: the Origin header must stop it."""
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key, agent, origin="https://shop.example.com")

    assert await refused_for_origin(viewer)
    assert await nothing(visitor)


async def test_tandems_own_origin_behind_a_proxy_may_watch(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    """A proxy may hand daphne another Host; CSRF_TRUSTED_ORIGINS names the public one."""
    settings.CSRF_TRUSTED_ORIGINS = ["https://tandem.example.com"]
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key, agent, origin="https://tandem.example.com")

    assert (await receive(viewer))["t"] == "joined"


async def test_session_that_ends_while_the_agent_joins_is_reported_ended(
    demo_group, agent, visitor_socket, agent_socket
):
    """The visitor may stop between the agent's access check and its join: the agent is
    told the session ended rather than left watching a dead session."""
    visitor = await visitor_socket()
    key = await start_session(visitor)
    check_access = selectors.access_session

    def access_then_visitor_stops(**kwargs):
        session = check_access(**kwargs)
        sessions.session_end(session_id=session.id, actor="visitor", reason="stopped")
        return session

    with mock.patch.object(selectors, "access_session", access_then_visitor_stops):
        viewer = await agent_socket(key, agent)
        assert await receive_error(viewer) == "ended"

    assert ("agent_joined", "agent") not in await timeline(key)
    session = await latest_session(key)
    assert session.agents_watching == 0
