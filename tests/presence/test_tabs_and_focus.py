"""A visitor with several tabs open: it is online while any of them is, the tab it looks at
is the active one, and each signal reaches the active tab exactly once."""

import pytest

from presence.models import PendingMessage
from tests.fixtures import nothing, receive, receive_error, send
from tests.presence.test_presence_socket import hello, listing, signal

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_tabs(presence_socket):
    """The visitor's older tab, blurred, and the newer one it opened, focused."""

    async def open_(visitor_id: str = "v-1"):
        older = await presence_socket()
        await hello(older, visitor_id)
        newer = await presence_socket()
        await hello(newer, visitor_id)
        assert await receive(older) == {"t": "blur"}
        return older, newer

    return open_


async def dashboard_of(dashboard_socket, agent, *visitor_ids: str):
    dashboard = await dashboard_socket(agent)
    assert [v["visitorid"] for v in await listing(dashboard)] == list(visitor_ids)
    return dashboard


async def test_closing_the_focused_tab_hands_the_focus_to_the_open_older_one(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")

    await newer.disconnect()

    assert await receive(older) == {"t": "focus"}
    assert await nothing(dashboard)  # no visitor_gone: the visitor is still here
    sent = await signal(dashboard, data={"to": "older"})
    assert sent["online"] is True
    assert await receive(older) == {"t": "signal", "id": sent["id"], "data": {"to": "older"}}
    await send(older, {"t": "ack", "id": sent["id"]})
    await send(older, {"t": "ping"})
    assert await nothing(older)
    assert not await PendingMessage.objects.aexists()


async def test_the_tab_taking_the_focus_over_sends_its_page_to_the_dashboard(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()
    await send(newer, {"t": "presence", "title": "Newer"})
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")
    await send(older, {"t": "presence", "title": "Older, blurred"})  # ignored
    assert await nothing(dashboard)

    await newer.disconnect()
    assert await receive(older) == {"t": "focus"}
    await send(older, {"t": "presence", "title": "Older"})

    assert (await receive(dashboard))["visitor"]["title"] == "Older"


async def test_a_signal_the_closed_tab_never_acknowledged_goes_to_the_older_tab_once(
    demo_group, agent, two_tabs, dashboard_socket, presence_socket
):
    older, newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")
    sent = await signal(dashboard, data={"n": 1})
    assert (await receive(newer))["id"] == sent["id"]
    assert await nothing(older)

    await newer.disconnect()  # before acknowledging

    assert await receive(older) == {"t": "focus"}
    assert await receive(older) == {"t": "signal", "id": sent["id"], "data": {"n": 1}}
    await send(older, {"t": "ack", "id": sent["id"]})
    third = await presence_socket()
    await hello(third)
    assert await nothing(third)


async def test_a_signal_the_closed_tab_acknowledged_is_not_delivered_again(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")
    sent = await signal(dashboard, data={"n": 1})
    assert (await receive(newer))["id"] == sent["id"]

    await send(newer, {"t": "ack", "id": sent["id"]})
    await newer.disconnect()

    assert await receive(older) == {"t": "focus"}
    assert await nothing(older)


async def test_blurred_tab_takes_the_focus_back_and_alone_receives_signals(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")

    await send(older, {"t": "focus"})

    assert await receive(older) == {"t": "focus"}
    assert await receive(newer) == {"t": "blur"}
    await send(older, {"t": "presence", "title": "Older again"})
    assert (await receive(dashboard))["visitor"]["title"] == "Older again"
    await send(newer, {"t": "presence", "title": "Newer, blurred"})  # ignored
    sent = await signal(dashboard, data={"to": "older"})
    assert (await receive(older))["id"] == sent["id"]
    assert await nothing(newer)
    assert await nothing(dashboard)


async def test_taking_the_focus_back_brings_the_messages_waiting_for_the_visitor(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")
    sent = await signal(dashboard, data={"n": 1})
    assert (await receive(newer))["id"] == sent["id"]  # not acknowledged yet

    await send(older, {"t": "focus"})

    assert await receive(older) == {"t": "focus"}
    assert await receive(older) == {"t": "signal", "id": sent["id"], "data": {"n": 1}}
    assert await receive(newer) == {"t": "blur"}


async def test_the_focused_tab_asking_for_the_focus_keeps_it(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()

    await send(newer, {"t": "focus"})

    assert await receive(newer) == {"t": "focus"}
    assert await nothing(older)
    assert await nothing(newer)


async def test_closing_a_blurred_tab_changes_nothing_for_the_focused_one(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")

    await older.disconnect()

    assert await nothing(newer)
    assert await nothing(dashboard)
    sent = await signal(dashboard, data={"to": "newer"})
    assert (await receive(newer))["id"] == sent["id"]


async def test_the_visitor_goes_offline_when_its_last_tab_closes(
    demo_group, agent, two_tabs, dashboard_socket
):
    older, newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")
    await newer.disconnect()
    assert await receive(older) == {"t": "focus"}
    assert await nothing(dashboard)

    await older.disconnect()

    assert await receive(dashboard) == {"t": "visitor_gone", "group": 72, "visitorid": "v-1"}
    sent = await signal(dashboard, data={"n": 1})
    assert sent["online"] is False


async def test_blurred_tabs_heartbeat_keeps_the_visitor_online(
    demo_group, agent, clock, two_tabs, dashboard_socket, settings
):
    settings.TANDEM_PRESENCE_SWEEP_SECONDS = 0.05
    older, _newer = await two_tabs()
    dashboard = await dashboard_of(dashboard_socket, agent, "v-1")

    for _ in range(3):
        clock.advance(60)
        await send(older, {"t": "ping"})  # the focused tab is silent
        # Answered after the ping: the server took it before the clock moves on. Else the
        # open dashboard's sweep (every 0.05 s) could look at 120 s of silence from a tab
        # whose pings are still on their way, and rightly say the visitor left.
        await send(older, {"t": "hello", "visitorid": "v-1"})
        assert await receive_error(older) == "already_started"

    assert await nothing(dashboard)
    later = await dashboard_of(dashboard_socket, agent, "v-1")
    assert await nothing(later)


async def test_a_silent_tab_is_passed_over_when_the_focus_is_handed_on(
    demo_group, agent, clock, presence_socket, dashboard_socket
):
    """A tab whose server process died says no goodbye; its silence counts as one."""
    tabs = []
    for _ in range(3):
        tab = await presence_socket()
        await hello(tab)
        tabs.append(tab)
    oldest, silent, newest = tabs
    assert await receive(oldest) == {"t": "blur"}
    assert await receive(silent) == {"t": "blur"}
    clock.advance(60)
    await send(oldest, {"t": "ping"})
    await send(newest, {"t": "ping"})
    clock.advance(31)  # 91 s since `silent` was last heard from

    await newest.disconnect()

    assert await receive(oldest) == {"t": "focus"}
    assert await nothing(silent)


async def test_focus_before_hello_is_refused(demo_group, presence_socket):
    page = await presence_socket()

    await send(page, {"t": "focus"})

    assert await receive_error(page) == "not_started"


async def test_focus_on_a_unique_connection_keeps_its_focus(demo_group, presence_socket):
    page = await presence_socket()
    await send(page, {"t": "hello", "unique": True})
    assert (await receive(page))["t"] == "connected"
    assert (await receive(page))["t"] == "unique"

    await send(page, {"t": "focus"})

    assert await receive(page) == {"t": "focus"}
    assert await nothing(page)
