"""A presence visitor browses the site: each page it leaves goes away (its socket closes
with 1001, or drops) and the next page connects. To the dashboards that is one visit: the
visitor stays online for TANDEM_PRESENCE_LEAVE_GRACE_SECONDS after its last page went
away, and leaves only if no page of it came back by then. A page that closes its socket
itself (`disconnect()`, a new visitor id) and a unique connection leave at once."""

import pytest
from channels.db import database_sync_to_async

from presence import consumers
from tests.fixtures import nothing, receive, send

pytestmark = pytest.mark.django_db(transaction=True)

GOING_AWAY = 1001  # what a browser closes a page's sockets with as it leaves the page


@pytest.fixture(autouse=True)
def grace(settings) -> int:
    settings.TANDEM_PRESENCE_LEAVE_GRACE_SECONDS = 10
    return 10


@pytest.fixture
def graces_run_out(monkeypatch):
    """The grace runs out when the test says, not on the wall clock: returns the calls each
    page that went away left behind; awaiting `run_out()` makes them."""
    pending: list[tuple] = []
    monkeypatch.setattr(
        consumers, "call_later", lambda delay, service, **kwargs: pending.append((service, kwargs))
    )

    async def run_out() -> None:
        while pending:
            service, kwargs = pending.pop(0)
            await database_sync_to_async(service)(**kwargs)

    run_out.pending = pending
    return run_out


async def open_page(presence_socket, url: str, visitor_id: str = "v-1"):
    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": visitor_id})
    assert await receive(page) == {"t": "connected", "visitorid": visitor_id}
    await send(page, {"t": "presence", "url": url, "title": url.rsplit("/", 1)[-1]})
    return page


async def listed(dashboard_socket, agent) -> list[dict]:
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    return (await receive(dashboard))["visitors"]


async def test_the_next_page_of_the_site_carries_on_the_visit(
    demo_group, agent, presence_socket, dashboard_socket, clock, graces_run_out
):
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["t"] == "visitors"
    first = await open_page(presence_socket, "https://shop.example/a")
    came = (await receive(dashboard))["visitor"]
    assert (await receive(dashboard))["visitor"]["url"] == "https://shop.example/a"

    clock.advance(3)
    await first.disconnect(code=GOING_AWAY)
    assert await nothing(dashboard)  # no visitor_gone
    [(_, kwargs)] = graces_run_out.pending
    assert kwargs["away_until"] == clock.now + 10
    clock.advance(1)
    await open_page(presence_socket, "https://shop.example/b")

    moved = (await receive(dashboard))["visitor"]
    assert (moved["visitorid"], moved["since"]) == ("v-1", came["since"])
    assert (await receive(dashboard))["visitor"]["url"] == "https://shop.example/b"
    await graces_run_out()  # the first page's grace ends: the visitor is back, so nothing
    assert await nothing(dashboard)
    [visitor] = await listed(dashboard_socket, agent)
    assert (visitor["url"], visitor["since"]) == ("https://shop.example/b", came["since"])


async def test_a_page_that_goes_away_for_good_leaves_once_its_grace_is_over(
    demo_group, agent, presence_socket, dashboard_socket, graces_run_out
):
    page = await open_page(presence_socket, "https://shop.example/a")
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert [v["visitorid"] for v in (await receive(dashboard))["visitors"]] == ["v-1"]

    await page.disconnect(code=GOING_AWAY)
    assert await nothing(dashboard)
    assert [v["visitorid"] for v in await listed(dashboard_socket, agent)] == ["v-1"]

    await graces_run_out()
    assert await receive(dashboard) == {"t": "visitor_gone", "group": 72, "visitorid": "v-1"}
    assert await listed(dashboard_socket, agent) == []


async def test_past_its_grace_a_visitor_no_longer_counts_though_nobody_said_so(
    demo_group, agent, presence_socket, dashboard_socket, clock, graces_run_out
):
    # The process that was to say it died: lists made later leave the visitor out.
    page = await open_page(presence_socket, "https://shop.example/a")
    await page.disconnect(code=GOING_AWAY)
    clock.advance(9)
    assert [v["visitorid"] for v in await listed(dashboard_socket, agent)] == ["v-1"]

    clock.advance(2)

    assert await listed(dashboard_socket, agent) == []


async def test_a_page_that_closes_its_socket_itself_leaves_at_once(
    demo_group, agent, presence_socket, dashboard_socket, graces_run_out
):
    page = await open_page(presence_socket, "https://shop.example/a")
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["t"] == "visitors"

    await page.disconnect(code=1000)  # what the page's disconnect() closes it with

    assert await receive(dashboard) == {"t": "visitor_gone", "group": 72, "visitorid": "v-1"}
    assert graces_run_out.pending == []


async def test_a_unique_connection_leaves_at_once(
    demo_group, agent, presence_socket, dashboard_socket, graces_run_out
):
    page = await presence_socket()
    await send(page, {"t": "hello", "unique": True})
    code = (await receive(page))["visitorid"]
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert [v["visitorid"] for v in (await receive(dashboard))["visitors"]] == [code]

    await page.disconnect(code=GOING_AWAY)

    assert await receive(dashboard) == {"t": "visitor_gone", "group": 72, "visitorid": code}
    assert graces_run_out.pending == []


async def test_with_no_grace_every_page_leaves_at_once(
    demo_group, agent, presence_socket, dashboard_socket, settings, graces_run_out
):
    settings.TANDEM_PRESENCE_LEAVE_GRACE_SECONDS = 0
    page = await open_page(presence_socket, "https://shop.example/a")
    dashboard = await dashboard_socket(agent)
    assert (await receive(dashboard))["t"] == "sessions"
    assert (await receive(dashboard))["t"] == "visitors"

    await page.disconnect(code=GOING_AWAY)

    assert await receive(dashboard) == {"t": "visitor_gone", "group": 72, "visitorid": "v-1"}
    assert graces_run_out.pending == []
