"""An admin deactivates an agent: every socket of the agent closes, on every login."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model

from tests.agents.revocation import agent_at_work, closed_with

pytestmark = pytest.mark.django_db(transaction=True)


def _deactivate(username: str) -> None:
    user = get_user_model().objects.get(username=username)
    user.is_active = False
    user.save()


async def test_deactivating_an_agent_closes_its_sockets_on_every_login(
    demo_group, agent, agent2, open_socket, visitor_socket
):
    one = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    two = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    colleague = await agent_at_work(agent2, open_socket=open_socket, visitor=await visitor_socket())

    await sync_to_async(_deactivate)("agent")

    for socket in (one.viewer, one.dashboard, two.viewer, two.dashboard):
        assert await closed_with(socket) == ("unauthenticated", 4401)
    assert not colleague.viewer.future.done()
    assert not colleague.dashboard.future.done()


async def test_the_admin_deactivating_an_agent_closes_its_viewer(
    demo_group, agent, admin_user, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())

    def deactivate_in_admin() -> int:
        from django.test import Client

        admin = Client()
        admin.force_login(admin_user)
        form = {
            "username": "agent",
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        }
        response = admin.post(f"/admin/auth/user/{agent.pk}/change/", form)
        return response.status_code

    assert await sync_to_async(deactivate_in_admin)() == 302
    assert await closed_with(working.viewer) == ("unauthenticated", 4401)
