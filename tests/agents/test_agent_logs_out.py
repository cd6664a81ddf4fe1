"""An agent logs out: the viewer and the dashboard that login opened close at once (a
viewer must not keep streaming the customer's page to a signed-out browser)."""

import pytest
from asgiref.sync import sync_to_async

from tests.agents.revocation import agent_at_work, closed_with
from tests.fixtures import close_code, nothing, receive, receive_error

pytestmark = pytest.mark.django_db(transaction=True)


async def test_logging_out_closes_the_agents_viewer_and_dashboard(
    demo_group, agent, open_socket, visitor_socket
):
    visitor = await visitor_socket()
    working = await agent_at_work(agent, open_socket=open_socket, visitor=visitor)

    response = await sync_to_async(working.client.post)("/accounts/logout/")

    assert response.status_code == 302  # to the login page
    for socket in (working.viewer, working.dashboard):
        frame = await receive(socket)
        assert frame == {"t": "error", "code": "unauthenticated", "msg": "You signed out."}
        assert await close_code(socket) == 4401


async def test_logging_out_leaves_the_agents_other_logins_open(
    demo_group, agent, open_socket, visitor_socket
):
    here = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    elsewhere = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())

    await sync_to_async(here.client.post)("/accounts/logout/")

    assert await closed_with(here.viewer) == ("unauthenticated", 4401)
    assert await closed_with(here.dashboard) == ("unauthenticated", 4401)
    for socket in (elsewhere.viewer, elsewhere.dashboard):
        while not await nothing(socket):  # news of the other session, never an error
            assert (await receive(socket))["t"] != "error"
        assert not socket.future.done()  # still open


async def test_the_signed_out_cookie_opens_no_viewer_again(
    demo_group, agent, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    await sync_to_async(working.client.post)("/accounts/logout/")
    assert await receive_error(working.viewer) == "unauthenticated"

    again = await open_socket(f"/ws/agent/session/{working.key}/", working.headers)

    assert await receive_error(again) == "unauthenticated"
    assert await close_code(again) == 4401
