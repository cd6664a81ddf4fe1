"""An agent says on the dashboard whether it takes visitors; visitor pages of its groups
hear, live, whether any agent is available (Surfly's agent_status, site_connect's chat
buttons)."""

import pytest
from asgiref.sync import sync_to_async

from agents import availability
from agents.models import Availability
from tests.fixtures import (
    ORIGIN,
    close_code,
    nothing,
    receive,
    receive_error,
    refused_for_origin,
    send,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def status_socket(open_socket):
    async def open_(group: int = 72, origin: str = ORIGIN):
        return await open_socket(f"/ws/status/{group}/", [(b"origin", origin.encode())])

    return open_


async def agent_status(socket) -> bool:
    frame = await receive(socket)
    assert frame["t"] == "agent_status" and set(frame) == {"t", "available"}, frame
    return frame["available"]


async def opened(dashboard) -> None:
    """Read past the opening list of sessions and visitors."""
    assert [(await receive(dashboard))["t"] for _ in range(2)] == ["sessions", "visitors"]


async def availability_set(dashboard, available: bool) -> bool:
    await send(dashboard, {"t": "availability", "available": available})
    frame = await receive(dashboard)
    assert frame["t"] == "availability", frame
    return frame["available"]


async def test_an_agent_starts_away_and_every_open_dashboard_follows_its_switch(
    demo_group, agent, dashboard_socket
):
    first = await dashboard_socket(agent)
    second = await dashboard_socket(agent)
    assert (first.available, second.available) == (False, False)
    await opened(first)
    await opened(second)

    assert await availability_set(first, True) is True
    assert await receive(second) == {"t": "availability", "available": True}

    await first.disconnect()
    await second.disconnect()
    assert (await dashboard_socket(agent)).available is True  # kept across log-ins
    assert await sync_to_async(Availability.objects.get)(user=agent)


async def test_visitor_pages_hear_when_an_agent_becomes_available_and_goes_away(
    demo_group, agent, agent2, dashboard_socket, status_socket
):
    page = await status_socket()
    assert await agent_status(page) is False
    one = await dashboard_socket(agent)
    two = await dashboard_socket(agent2)
    await opened(one)
    await opened(two)

    await availability_set(one, True)
    assert await agent_status(page) is True
    await availability_set(two, True)
    assert await nothing(page)  # still available: pages hear only changes

    await availability_set(one, False)
    assert await nothing(page)
    await availability_set(two, False)
    assert await agent_status(page) is False


async def test_closing_the_last_open_dashboard_of_available_agents_makes_the_group_unavailable(
    demo_group, agent, dashboard_socket, status_socket
):
    dashboard = await dashboard_socket(agent)
    await opened(dashboard)
    await availability_set(dashboard, True)
    page = await status_socket()
    assert await agent_status(page) is True

    await dashboard.disconnect()
    assert await agent_status(page) is False

    # Opening the dashboard again makes the agent available again: it never said away.
    await dashboard_socket(agent)
    assert await agent_status(page) is True


async def test_a_dashboard_not_heard_from_stops_counting(
    demo_group, agent, dashboard_socket, status_socket, monkeypatch, settings
):
    dashboard = await dashboard_socket(agent)
    await opened(dashboard)
    await availability_set(dashboard, True)
    later = availability.now() + settings.TANDEM_AVAILABILITY_TIMEOUT_SECONDS + 1
    monkeypatch.setattr(availability, "now", lambda: later)

    # Its server process died without a goodbye: new pages see nobody available.
    assert await agent_status(await status_socket()) is False


async def test_another_groups_agent_does_not_make_this_group_available(
    demo_group, other_group, outsider, dashboard_socket, status_socket
):
    page = await status_socket(72)
    other_page = await status_socket(other_group.public_id)
    assert await agent_status(page) is False
    assert await agent_status(other_page) is False
    dashboard = await dashboard_socket(outsider)
    await opened(dashboard)

    await availability_set(dashboard, True)

    assert await agent_status(other_page) is True
    assert await nothing(page)


async def test_status_socket_is_refused_to_untrusted_pages_and_unknown_groups(
    demo_group, status_socket
):
    assert await refused_for_origin(await status_socket(origin="https://evil.example"))
    unknown = await status_socket(group=999)
    assert await receive_error(unknown) == "unknown_group"
    assert await close_code(unknown) == 4404


async def test_a_page_cannot_talk_on_the_status_socket(demo_group, status_socket):
    page = await status_socket()
    assert await agent_status(page) is False
    await send(page, {"t": "availability", "available": True})
    assert await receive_error(page) == "unknown_type"
    await send(page, "not json")
    assert await receive_error(page) == "bad_json"


@pytest.mark.parametrize("frame", [{"available": "yes"}, {"available": 1}, {}])
async def test_a_bad_availability_frame_is_refused_and_changes_nothing(
    demo_group, agent, dashboard_socket, status_socket, frame
):
    dashboard = await dashboard_socket(agent)
    await opened(dashboard)
    page = await status_socket()
    assert await agent_status(page) is False

    await send(dashboard, {"t": "availability", **frame})

    assert await receive_error(dashboard) == "bad_frame"
    assert await nothing(page)
    assert not await sync_to_async(Availability.objects.filter(available=True).exists)()


async def test_tandems_own_site_connect_frame_may_open_the_status_socket(demo_group, open_socket):
    # The frame is served from Tandem's origin and holds the socket for its host page.
    page = await open_socket(
        "/ws/status/72/", [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    )
    assert await agent_status(page) is False
    spoofed = await open_socket(
        "/ws/status/72/", [(b"origin", b"http://testserver"), (b"host", b"evil.example")]
    )
    assert await refused_for_origin(spoofed)
