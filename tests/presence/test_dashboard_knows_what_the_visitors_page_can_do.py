"""A page says in its presence `hello` whether it can start a co-browse session (the full
loader can; a page that loaded presence alone cannot), and the dashboard's visitor summary
says it for the tab the visitor looks at, so an agent is offered only what that page can do."""

import pytest

from tests.fixtures import nothing, receive, receive_error, send
from tests.presence.test_presence_socket import listing

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(socket, visitor_id: str = "v-1", **hello) -> None:
    await send(socket, {"t": "hello", "visitorid": visitor_id, **hello})
    assert await receive(socket) == {"t": "connected", "visitorid": visitor_id}


async def visitor_frame(dashboard) -> dict:
    frame = await receive(dashboard)
    assert frame["t"] == "visitor", frame
    return frame["visitor"]


async def test_a_full_page_is_listed_as_able_to_co_browse(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert await listing(dashboard) == []
    page = await presence_socket()

    await connect(page, cobrowse=True)
    assert (await visitor_frame(dashboard))["cobrowse"] is True
    await send(page, {"t": "presence", "title": "Basket"})
    assert (await visitor_frame(dashboard))["cobrowse"] is True  # a report keeps it

    later = await dashboard_socket(agent)
    assert [v["cobrowse"] for v in await listing(later)] == [True]


async def test_a_page_that_says_nothing_is_presence_only(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert await listing(dashboard) == []
    page = await presence_socket()

    await connect(page)
    assert (await visitor_frame(dashboard))["cobrowse"] is False
    await send(page, {"t": "presence", "title": "Presence only"})
    assert (await visitor_frame(dashboard))["cobrowse"] is False


async def test_a_unique_connection_says_it_too(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert await listing(dashboard) == []
    page = await presence_socket()

    await send(page, {"t": "hello", "unique": True, "cobrowse": True})
    assert (await receive(page))["t"] == "connected"
    assert (await visitor_frame(dashboard))["cobrowse"] is True


async def test_the_row_follows_the_tab_the_visitor_looks_at(
    demo_group, agent, presence_socket, dashboard_socket
):
    full = await presence_socket()
    await connect(full, cobrowse=True)
    dashboard = await dashboard_socket(agent)
    assert [v["cobrowse"] for v in await listing(dashboard)] == [True]

    # A newer tab on a presence-only page takes the focus.
    lite = await presence_socket()
    await connect(lite, cobrowse=False)
    assert await receive(full) == {"t": "blur"}
    assert (await visitor_frame(dashboard))["cobrowse"] is False

    # The visitor goes back to the full page: it reports, as a tab taking the focus does.
    await send(full, {"t": "focus"})
    assert await receive(full) == {"t": "focus"}
    assert await receive(lite) == {"t": "blur"}
    await send(full, {"t": "presence", "title": "Full"})
    assert (await visitor_frame(dashboard))["cobrowse"] is True

    # And to the presence-only one again.
    await send(lite, {"t": "focus"})
    assert await receive(lite) == {"t": "focus"}
    await send(lite, {"t": "presence", "title": "Lite"})
    visitor = await visitor_frame(dashboard)
    assert (visitor["title"], visitor["cobrowse"]) == ("Lite", False)


async def test_a_capability_that_is_not_a_boolean_is_refused(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert await listing(dashboard) == []
    page = await presence_socket()

    await send(page, {"t": "hello", "visitorid": "v-1", "cobrowse": "yes"})

    assert await receive_error(page) == "bad_frame"
    assert await nothing(dashboard)  # not online: the hello was not taken
    await connect(page, cobrowse=True)  # a correct one still is
    assert (await visitor_frame(dashboard))["cobrowse"] is True
