"""An agent's password is changed (an admin resets it after a stolen login, or the agent
changes it): Django stops honouring the other logins' cookies, and the sockets those
logins opened close too, instead of streaming on to whoever holds the old cookie."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model

from tests.agents.revocation import agent_at_work, closed_with
from tests.fixtures import close_code, nothing, receive, receive_error

pytestmark = pytest.mark.django_db(transaction=True)


def _reset_password(username: str) -> None:
    user = get_user_model().objects.get(username=username)
    user.set_password("a-new-password-after-the-theft")
    user.save()


def _rename(username: str) -> None:
    user = get_user_model().objects.get(username=username)
    user.first_name = "Renamed"
    user.save()


async def test_resetting_an_agents_password_closes_its_sockets_on_every_login(
    demo_group, agent, agent2, open_socket, visitor_socket
):
    one = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    two = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    colleague = await agent_at_work(agent2, open_socket=open_socket, visitor=await visitor_socket())

    await sync_to_async(_reset_password)("agent")

    for socket in (one.viewer, one.dashboard, two.viewer, two.dashboard):
        assert await closed_with(socket) == ("unauthenticated", 4401)
    assert not colleague.viewer.future.done()
    assert not colleague.dashboard.future.done()


async def test_the_old_cookie_opens_no_viewer_after_the_reset(
    demo_group, agent, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    await sync_to_async(_reset_password)("agent")
    assert await receive_error(working.viewer) == "unauthenticated"

    again = await open_socket(f"/ws/agent/session/{working.key}/", working.headers)

    assert await receive_error(again) == "unauthenticated"
    assert await close_code(again) == 4401


async def test_saving_an_agent_without_a_new_password_leaves_its_sockets_open(
    demo_group, agent, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())

    await sync_to_async(_rename)("agent")

    for socket in (working.viewer, working.dashboard):
        while not await nothing(socket):
            assert (await receive(socket))["t"] != "error"
        assert not socket.future.done()
