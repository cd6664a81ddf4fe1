"""The dashboard's queue: each session says which page its visitor is on (as the page
named it when it started, and again on each new page); an agent watching one session
hears of new sessions in its group; the agent's own sessions are listed for its viewers."""

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache

from tests.fixtures import join, nothing, receive, send

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT = {"url": "https://shop.example/checkout", "title": "Checkout · Shop"}


async def start_on(visitor, page: dict, **fields) -> dict:
    await send(visitor, {"t": "start", "site": "production", **page, **fields})
    started = await receive(visitor)
    assert started["t"] == "started", started
    return started


async def next_frame(socket, kind: str) -> dict:
    while (frame := await receive(socket))["t"] != kind:
        pass
    return frame


async def test_dashboard_shows_the_page_a_session_started_on(
    demo_group, agent, visitor_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"

    started = await start_on(await visitor_socket(), CHECKOUT, name="Ada")

    session = (await next_frame(dashboard, "session"))["session"]
    assert (session["key"], session["visitor"], session["page"]) == (
        started["key"],
        {"name": "Ada"},
        CHECKOUT,
    )
    reopened = await dashboard_socket(agent)
    [listed] = (await receive(reopened))["sessions"]
    assert listed["page"] == CHECKOUT


async def test_dashboard_follows_the_visitor_to_its_next_page(
    demo_group, agent, visitor_socket, dashboard_socket
):
    first = await visitor_socket()
    started = await start_on(first, CHECKOUT)
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    await first.disconnect()

    second = await visitor_socket()
    page = {"url": "https://shop.example/thanks", "title": "Thank you"}
    await send(second, {"t": "resume", "token": started["resume"], "why": "navigate", **page})

    session = (await next_frame(dashboard, "session"))["session"]
    assert (session["key"], session["page"]) == (started["key"], page)


async def test_a_page_that_reconnects_names_its_page_and_the_dashboard_hears_only_news(
    demo_group, agent, visitor_socket, dashboard_socket
):
    """A dropped socket comes back naming the page again (the server may have lost it in a
    restart): the dashboard hears of it only when the server did not know it already."""
    first = await visitor_socket()
    started = await start_on(first, CHECKOUT)
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["t"] == "visitors"
    reconnect = {"t": "resume", "token": started["resume"], "why": "reconnect", **CHECKOUT}

    await first.disconnect()
    second = await visitor_socket()
    await send(second, reconnect)
    assert (await receive(second))["t"] == "resumed"
    assert await nothing(dashboard)

    await sync_to_async(cache.clear)()  # what a restart of a process without Redis loses
    await second.disconnect()
    third = await visitor_socket()
    await send(third, reconnect)

    session = (await next_frame(dashboard, "session"))["session"]
    assert (session["key"], session["page"]) == (started["key"], CHECKOUT)
    [listed] = (await receive(await dashboard_socket(agent)))["sessions"]
    assert listed["page"] == CHECKOUT


async def test_a_page_that_names_no_page_shows_none(
    demo_group, agent, visitor_socket, dashboard_socket
):
    await start_on(await visitor_socket(), {})

    dashboard = await dashboard_socket(agent)

    [listed] = (await receive(dashboard))["sessions"]
    assert listed["page"] == {"url": "", "title": ""}


async def test_a_page_title_over_the_limit_is_refused(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production", "title": "x" * 201})

    frame = await receive(visitor)
    assert (frame["t"], frame["code"]) == ("error", "bad_frame")


async def test_a_viewer_hears_of_new_sessions_in_its_group_only(
    demo_group, other_group, agent, visitor_socket, agent_socket
):
    watched = await visitor_socket()
    watched_key = (await start_on(watched, CHECKOUT))["key"]
    viewer, _ = await join(agent_socket, watched, watched_key, agent)

    await start_on(await visitor_socket(group=73), {})
    started = await start_on(await visitor_socket(), CHECKOUT, name="Grace")

    frame = await next_frame(viewer, "session_new")
    assert frame["session"]["key"] == started["key"]
    assert frame["session"]["visitor"] == {"name": "Grace"}
    assert frame["session"]["page"] == CHECKOUT
    assert await nothing(viewer)


async def test_the_agent_lists_the_sessions_it_is_in(
    demo_group, agent, agent2, visitor_socket, agent_socket, client
):
    mine = await visitor_socket()
    mine_key = (await start_on(mine, {}, name="Lin"))["key"]
    await join(agent_socket, mine, mine_key, agent)
    theirs = await visitor_socket()
    theirs_key = (await start_on(theirs, {}))["key"]
    await join(agent_socket, theirs, theirs_key, agent2)

    await sync_to_async(client.force_login)(agent)
    response = await sync_to_async(client.get)("/agent/sessions/mine/")

    assert response.status_code == 200
    assert response.json() == {
        "sessions": [{"key": mine_key, "group": 72, "visitor": {"name": "Lin"}}]
    }
