"""Two groups each have a live session with the same key: an agent opens that key.

The key resolves among the agent's own groups; an agent of both is asked which.
"""

import pytest

from agents.models import Membership
from cobrowse.models import CobrowseSession
from tests.fixtures import _agent_headers, receive, receive_error, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "4242"


@pytest.fixture
async def two_live_sessions(demo_group, other_group, visitor_socket):
    ours = await visitor_socket(group=72)
    theirs = await visitor_socket(group=73)
    await start_session(ours, key=KEY)
    await start_session(theirs, key=KEY)
    return ours, theirs


@pytest.fixture
async def agent_of_both(agent, other_group):
    await Membership.objects.acreate(user=agent, group=other_group)
    return agent


async def viewer_socket(open_socket, user, query: str = ""):
    headers = await _agent_headers(user, "http://testserver")
    return await open_socket(f"/ws/agent/session/{KEY}/{query}", headers)


async def test_agent_of_one_group_joins_its_own_groups_session(
    two_live_sessions, outsider, open_socket
):
    viewer = await viewer_socket(open_socket, outsider)

    joined = await receive(viewer)
    assert (joined["t"], joined["group"]) == ("joined", 73)


async def test_agent_of_both_groups_must_say_which(two_live_sessions, agent_of_both, open_socket):
    viewer = await viewer_socket(open_socket, agent_of_both)

    assert await receive_error(viewer) == "not_found"


@pytest.mark.parametrize("group", [72, 73])
async def test_agent_of_both_groups_joins_the_one_it_names(
    two_live_sessions, agent_of_both, open_socket, group
):
    viewer = await viewer_socket(open_socket, agent_of_both, f"?group={group}")

    joined = await receive(viewer)
    assert (joined["t"], joined["group"]) == ("joined", group)


async def test_naming_a_group_the_agent_is_not_in_finds_nothing(
    two_live_sessions, outsider, open_socket
):
    viewer = await viewer_socket(open_socket, outsider, "?group=72")

    assert await receive_error(viewer) == "not_found"


@pytest.mark.parametrize("query", ["?group=abc", "?group=" + "9" * 30, "?group=-1"])
async def test_a_group_that_is_no_number_is_ignored(
    two_live_sessions, outsider, open_socket, query
):
    viewer = await viewer_socket(open_socket, outsider, query)

    assert (await receive(viewer))["group"] == 73


async def test_viewer_page_asks_an_agent_of_both_groups_which(
    two_live_sessions, agent_of_both, async_client
):
    await async_client.aforce_login(agent_of_both)

    response = await async_client.get(f"/agent/session/{KEY}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/agent/session/{KEY}/?group=72"' in body
    assert f'href="/agent/session/{KEY}/?group=73"' in body
    assert 'id="viewer"' not in body


async def test_viewer_page_of_a_named_group_is_the_viewer(
    two_live_sessions, agent_of_both, async_client
):
    await async_client.aforce_login(agent_of_both)

    response = await async_client.get(f"/agent/session/{KEY}/?group=73")

    assert 'id="viewer"' in response.content.decode()


async def test_the_same_group_still_has_one_live_session_per_key(two_live_sessions, visitor_socket):
    third = await visitor_socket(group=72)
    await send(third, {"t": "start", "site": "production", "key": KEY})

    assert await receive_error(third) == "key_in_use"
    assert await CobrowseSession.objects.filter(key=KEY, state="active").acount() == 2
