"""A second connection names a visitor id whose first connection is live (another tab, or
a script that only knows the id): it is never handed the stored messages; the first
connection keeps them until it has gone."""

import pytest

from presence.models import PendingMessage
from tests.fixtures import nothing, receive, send
from tests.presence.test_presence_socket import hello, listing, signal

pytestmark = pytest.mark.django_db(transaction=True)


async def stored_signal(dashboard_socket, agent) -> dict:
    """An agent signals v-1 while it is offline: the message waits in the database."""
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    sent = await signal(dashboard, data={"offer": "10%"})
    assert sent["online"] is False
    return sent


async def test_second_connection_is_not_handed_the_first_ones_stored_messages(
    demo_group, agent, presence_socket, dashboard_socket
):
    sent = await stored_signal(dashboard_socket, agent)
    first = await presence_socket()
    await hello(first)
    assert (await receive(first))["id"] == sent["id"]  # not acknowledged yet

    second = await presence_socket()
    await hello(second)

    assert await receive(first) == {"t": "blur"}
    assert await nothing(second)
    assert await PendingMessage.objects.filter(id=sent["id"]).aexists()


async def test_second_connection_taking_the_focus_is_not_handed_them_either(
    demo_group, agent, presence_socket, dashboard_socket
):
    await stored_signal(dashboard_socket, agent)
    first = await presence_socket()
    await hello(first)
    await receive(first)
    second = await presence_socket()
    await hello(second)
    await receive(first)  # blur
    await send(first, {"t": "focus"})
    assert await receive(first) == {"t": "focus"}
    assert await receive(second) == {"t": "blur"}

    await send(second, {"t": "focus"})

    assert await receive(second) == {"t": "focus"}
    assert await nothing(second)


async def test_once_the_first_connection_is_gone_the_next_gets_them_once(
    demo_group, agent, presence_socket, dashboard_socket
):
    sent = await stored_signal(dashboard_socket, agent)
    first = await presence_socket()
    await hello(first)
    await receive(first)
    second = await presence_socket()
    await hello(second)
    await receive(first)  # blur

    await first.disconnect()  # before acknowledging

    assert await receive(second) == {"t": "signal", "id": sent["id"], "data": {"offer": "10%"}}
    await send(second, {"t": "ack", "id": sent["id"]})
    assert await nothing(second)


async def test_first_connection_alone_still_gets_them_on_connect(
    demo_group, agent, presence_socket, dashboard_socket
):
    sent = await stored_signal(dashboard_socket, agent)
    page = await presence_socket()

    await hello(page)

    assert await receive(page) == {"t": "signal", "id": sent["id"], "data": {"offer": "10%"}}
