"""A visitor ends its session: by pressing stop, or by leaving the page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cobrowse.models import CobrowseSession
from cobrowse.selectors import ENDED_LATELY
from tests.fixtures import (
    close_code,
    join,
    latest_session,
    receive,
    receive_error,
    send,
    start_session,
    timeline,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def test_visitor_stops_the_session(demo_group, visitor_socket):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    await send(visitor, {"t": "stop"})

    assert await receive(visitor) == {"t": "ended", "reason": "stopped"}
    assert await close_code(visitor) == 4000
    session = await latest_session(key)
    assert session.state == CobrowseSession.State.ENDED
    assert session.ended_at is not None and session.ended_at >= session.started_at
    assert await timeline(key) == [("started", "visitor"), ("ended", "visitor")]
    assert await session.events.filter(type="ended").values_list("detail", flat=True).afirst() == (
        "stopped"
    )


async def test_visitor_leaving_the_page_ends_the_session(demo_group, visitor_socket, settings):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 0  # no wait for the page to come back
    visitor = await visitor_socket()
    key = await start_session(visitor)

    await visitor.disconnect()

    session = await latest_session(key)
    assert session.state == CobrowseSession.State.ENDED
    assert await timeline(key) == [("started", "visitor"), ("ended", "visitor")]
    assert await session.events.filter(type="ended").values_list("detail", flat=True).afirst() == (
        "disconnected"
    )


async def test_watching_agent_is_told_and_closed_when_visitor_stops(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await send(visitor, {"t": "stop"})

    assert await receive(viewer) == {"t": "ended", "reason": "stopped"}
    assert await close_code(viewer) == 4000
    assert await receive(visitor) == {"t": "ended", "reason": "stopped"}
    assert await close_code(visitor) == 4000


async def test_watching_agent_is_told_and_closed_when_visitor_leaves(
    demo_group, agent, visitor_socket, agent_socket, settings
):
    settings.TANDEM_VISITOR_GRACE_SECONDS = 0  # no wait for the page to come back
    visitor = await visitor_socket()
    key = await start_session(visitor)
    viewer, _ = await join(agent_socket, visitor, key, agent)

    await visitor.disconnect()

    assert (await receive(viewer))["state"] == "away"
    assert await receive(viewer) == {"t": "ended", "reason": "disconnected"}
    assert await close_code(viewer) == 4000


async def test_agent_cannot_join_a_session_that_ended(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)
    await send(visitor, {"t": "stop"})
    await receive(visitor)

    viewer = await agent_socket(key, agent)

    # "Ended", not "not live": a viewer reopened after the end does not wait for it.
    assert await receive_error(viewer) == "ended"
    assert await close_code(viewer) == 4000


async def test_stop_before_start_is_refused_and_the_socket_stays_usable(demo_group, visitor_socket):
    visitor = await visitor_socket()

    await send(visitor, {"t": "stop"})

    assert await receive_error(visitor) == "not_started"
    assert await start_session(visitor)


async def test_key_whose_session_ended_long_ago_is_not_live_again(
    demo_group, agent, visitor_socket, agent_socket
):
    """A key used again (a visitor id as the key) is one the viewer waits for."""
    visitor = await visitor_socket()
    key = await start_session(visitor)
    await send(visitor, {"t": "stop"})
    await receive(visitor)
    await CobrowseSession.objects.filter(key=key).aupdate(
        ended_at=timezone.now() - ENDED_LATELY - timedelta(seconds=1)
    )

    viewer = await agent_socket(key, agent)

    assert await receive_error(viewer) == "not_found"
    assert await close_code(viewer) == 4404
