"""The visitor's answer to an agent's one-click co-browse (the consent prompt) reaches the
group's dashboards, so an agent learns of a decline; a bad answer is refused."""

import pytest

from tests.fixtures import nothing, receive, receive_error, send

pytestmark = pytest.mark.django_db(transaction=True)


async def online(presence_socket, dashboard, visitor_id: str):
    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": visitor_id})
    assert (await receive(page))["t"] == "connected"
    assert (await receive(dashboard))["t"] == "visitor"
    return page


@pytest.mark.parametrize("status", ["displayed", "accepted", "declined"])
async def test_the_dashboard_hears_how_the_visitor_answered(
    demo_group, agent, presence_socket, dashboard_socket, status
):
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["t"] == "visitors"
    page = await online(presence_socket, dashboard, "shopper")

    await send(page, {"t": "terms", "status": status, "key": "482913"})

    assert await receive(dashboard) == {
        "t": "terms",
        "group": 72,
        "visitorid": "shopper",
        "status": status,
        "key": "482913",
    }


@pytest.mark.parametrize(
    "frame",
    [
        {"t": "terms", "status": "maybe"},
        {"t": "terms"},
        {"t": "terms", "status": "declined", "key": 5},
    ],
)
async def test_a_malformed_answer_is_refused_and_reaches_no_dashboard(
    demo_group, agent, presence_socket, dashboard_socket, frame
):
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["t"] == "visitors"
    page = await online(presence_socket, dashboard, "shopper")

    await send(page, frame)

    assert await receive_error(page) == "bad_frame"
    assert await nothing(dashboard)


async def test_an_answer_before_hello_is_refused(demo_group, presence_socket):
    page = await presence_socket()

    await send(page, {"t": "terms", "status": "declined"})

    assert await receive_error(page) == "not_started"
