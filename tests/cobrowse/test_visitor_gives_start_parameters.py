"""A visitor page starts a session saying who the visitor is (Glance's start parameters
name, email, phone): the agents see it when they join and on their dashboard."""

import pytest

from cobrowse.models import CobrowseSession
from tests.fixtures import receive, receive_error, send, start_session

pytestmark = pytest.mark.django_db(transaction=True)

JOE = {"name": "Joe Smith", "email": "jsmith@example.com", "phone": "314-555-1212"}


async def test_agent_joining_by_a_glance_key_sees_who_the_visitor_is(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    await send(visitor, {"t": "start", "site": "production", "key": "59204gh-42", **JOE})
    assert (await receive(visitor))["key"] == "59204gh-42"

    viewer = await agent_socket("59204gh-42", agent)

    joined = await receive(viewer)
    assert (joined["t"], joined["key"], joined["visitor"]) == ("joined", "59204gh-42", JOE)
    session = await CobrowseSession.objects.aget(key="59204gh-42")
    assert (session.visitor_name, session.visitor_email, session.visitor_phone) == (
        "Joe Smith",
        "jsmith@example.com",
        "314-555-1212",
    )


async def test_dashboard_row_of_the_session_names_the_visitor(
    demo_group, agent, visitor_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["t"] == "visitors"
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production", "name": "Joe Smith"})

    frame = await receive(dashboard)
    assert (frame["t"], frame["session"]["visitor"]) == ("session", {"name": "Joe Smith"})


async def test_parameters_the_page_leaves_out_are_not_shown(
    demo_group, agent, visitor_socket, agent_socket
):
    visitor = await visitor_socket()
    key = await start_session(visitor)

    viewer = await agent_socket(key, agent)

    assert (await receive(viewer))["visitor"] == {}


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "n" * 64),
        ("email", "e" * 128),
        ("phone", "1" * 32),
        ("name", "Joe\nSmith"),
        ("phone", 3145551212),
        ("email", None),
    ],
)
async def test_a_start_parameter_too_long_multiline_or_not_text_is_refused(
    demo_group, visitor_socket, field, value
):
    visitor = await visitor_socket()

    await send(visitor, {"t": "start", "site": "production", field: value})

    assert await receive_error(visitor) == "bad_frame"
    assert await CobrowseSession.objects.acount() == 0
