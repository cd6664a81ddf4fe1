"""An admin takes an agent out of a group: the agent's viewers of that group's sessions
close for good; its dashboard closes to reconnect with the groups the agent still has."""

import pytest
from asgiref.sync import sync_to_async

from agents.models import Membership
from tests.agents.revocation import agent_at_work, closed_with
from tests.fixtures import close_code, nothing, receive

pytestmark = pytest.mark.django_db(transaction=True)


def _remove(user, group) -> None:
    Membership.objects.get(user=user, group=group).delete()


async def test_removing_a_membership_closes_that_groups_viewers(
    demo_group, other_group, agent, open_socket, visitor_socket
):
    await sync_to_async(Membership.objects.create)(user=agent, group=other_group)
    ours = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket(72))
    theirs = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket(73))

    await sync_to_async(_remove)(agent, demo_group)

    assert await closed_with(ours.viewer) == ("forbidden", 4403)
    while not await nothing(theirs.viewer):  # news of the session, never an error
        assert (await receive(theirs.viewer))["t"] != "error"
    assert not theirs.viewer.future.done()


async def test_removing_a_membership_makes_the_dashboard_reconnect(
    demo_group, agent, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())

    await sync_to_async(_remove)(agent, demo_group)

    assert await close_code(working.dashboard) == 4001  # no error: the page reconnects
    again = await open_socket("/ws/agent/dashboard/", working.headers)
    assert (await receive(again))["t"] == "availability"
    assert await receive(again) == {"t": "sessions", "sessions": [], "part": 0, "parts": 1}


async def test_deleting_memberships_in_the_admin_closes_the_viewers(
    demo_group, agent, admin_client, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())
    membership = await sync_to_async(Membership.objects.get)(user=agent)

    response = await sync_to_async(admin_client.post)(
        "/admin/agents/membership/",
        {"action": "delete_selected", "_selected_action": [membership.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert await closed_with(working.viewer) == ("forbidden", 4403)


async def test_moving_a_membership_to_another_group_closes_the_old_groups_viewers(
    demo_group, other_group, agent, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())

    def move() -> None:
        membership = Membership.objects.get(user=agent, group=demo_group)
        membership.group = other_group
        membership.save()

    await sync_to_async(move)()

    assert await closed_with(working.viewer) == ("forbidden", 4403)


async def test_changing_a_members_role_keeps_its_sockets_open(
    demo_group, agent, open_socket, visitor_socket
):
    working = await agent_at_work(agent, open_socket=open_socket, visitor=await visitor_socket())

    def promote() -> None:
        membership = Membership.objects.get(user=agent, group=demo_group)
        membership.role = Membership.Role.ADMIN
        membership.save()

    await sync_to_async(promote)()

    assert await nothing(working.viewer)
    assert await nothing(working.dashboard)
