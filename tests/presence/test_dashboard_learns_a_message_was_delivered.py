"""The dashboard says a message was delivered only when the visitor's page took it: the
page's ack reaches the dashboards as `delivered`, with whether anything showed it."""

import pytest

from tests.fixtures import nothing, receive, send
from tests.presence.test_presence_socket import hello, listing, signal

pytestmark = pytest.mark.django_db(transaction=True)


async def _frame_of(dashboard, kind: str) -> dict:
    while True:
        frame = await receive(dashboard)
        if frame["t"] == kind:
            return frame


async def online_with_dashboard(presence_socket, dashboard_socket, agent):
    """Visitor v-1 online, and the agent's dashboard past its first lists."""
    page = await presence_socket()
    await hello(page)
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    return page, dashboard


async def test_ack_reaches_the_dashboard_as_delivered(
    demo_group, agent, presence_socket, dashboard_socket
):
    page, dashboard = await online_with_dashboard(presence_socket, dashboard_socket, agent)

    sent = await signal(dashboard, data={"text": "We can help"})
    assert (sent["t"], sent["mtype"], sent["online"]) == ("signaled", "signal", True)
    arrived = await receive(page)
    await send(page, {"t": "ack", "id": arrived["id"], "shown": True})

    delivered = await _frame_of(dashboard, "delivered")
    assert delivered == {
        "t": "delivered",
        "group": 72,
        "visitorid": "v-1",
        "id": sent["id"],
        "shown": True,
    }


async def test_page_that_shows_nothing_says_so_and_a_repeated_ack_says_nothing_more(
    demo_group, agent, presence_socket, dashboard_socket
):
    page, dashboard = await online_with_dashboard(presence_socket, dashboard_socket, agent)

    sent = await signal(dashboard, data={"text": "Anyone there?"})
    arrived = await receive(page)
    await send(page, {"t": "ack", "id": arrived["id"], "shown": False})
    assert (await _frame_of(dashboard, "delivered"))["shown"] is False

    await send(page, {"t": "ack", "id": sent["id"], "shown": True})
    await send(page, {"t": "ping"})
    assert await nothing(page)
    assert await nothing(dashboard)


async def test_ack_from_an_older_page_without_shown_counts_as_shown(
    demo_group, agent, presence_socket, dashboard_socket
):
    page, dashboard = await online_with_dashboard(presence_socket, dashboard_socket, agent)

    await signal(dashboard, data={"text": "hi"})
    arrived = await receive(page)
    await send(page, {"t": "ack", "id": arrived["id"]})

    assert (await _frame_of(dashboard, "delivered"))["shown"] is True
