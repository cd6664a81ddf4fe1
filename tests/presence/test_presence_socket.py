"""A visitor page's presence socket: agents see who is online, and their signals and invokes
reach the visitor's focused tab exactly once, even when it was offline at the time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from presence.models import PendingMessage
from tests.fixtures import close_code, nothing, receive, receive_error, send

pytestmark = pytest.mark.django_db(transaction=True)


async def hello(socket, visitor_id: str = "v-1") -> None:
    await send(socket, {"t": "hello", "visitorid": visitor_id})
    assert await receive(socket) == {"t": "connected", "visitorid": visitor_id}


async def listing(dashboard) -> list[dict]:
    assert (await receive(dashboard))["t"] == "sessions"
    frame = await receive(dashboard)
    assert frame["t"] == "visitors"
    return frame["visitors"]


async def signal(dashboard, visitor_id="v-1", mtype="signal", data=None, group=72) -> dict:
    await send(
        dashboard,
        {"t": "signal", "group": group, "visitorid": visitor_id, "mtype": mtype, "data": data},
    )
    return await receive(dashboard)


async def test_agents_dashboard_sees_a_visitor_appear_update_and_vanish(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert await listing(dashboard) == []
    page = await presence_socket()

    await hello(page)
    appeared = (await receive(dashboard))["visitor"]
    assert (appeared["group"], appeared["visitorid"], appeared["data"]) == (72, "v-1", {})

    await send(page, {"t": "presence", "url": "https://shop/a", "title": "A", "data": {"n": 1}})
    assert (await receive(dashboard))["visitor"]["data"] == {"n": 1}
    await send(page, {"t": "presence", "data": {"plan": "gold"}})
    updated = (await receive(dashboard))["visitor"]
    assert (updated["url"], updated["title"], updated["data"]) == (
        "https://shop/a",
        "A",
        {"n": 1, "plan": "gold"},
    )

    await page.disconnect()
    assert await receive(dashboard) == {"t": "visitor_gone", "group": 72, "visitorid": "v-1"}


async def test_dashboard_opened_later_lists_who_is_online(
    demo_group, agent, presence_socket, dashboard_socket
):
    page = await presence_socket()
    await hello(page, "v-7")
    await send(page, {"t": "presence", "title": "Basket"})
    await send(page, {"t": "ping"})

    dashboard = await dashboard_socket(agent)

    [visitor] = await listing(dashboard)
    assert (visitor["visitorid"], visitor["title"]) == ("v-7", "Basket")


async def test_agent_of_another_group_sees_no_visitor(
    demo_group, other_group, outsider, presence_socket, dashboard_socket
):
    await hello(await presence_socket())

    dashboard = await dashboard_socket(outsider)

    assert await listing(dashboard) == []


@pytest.mark.parametrize("data", [{"a": {"nested": 1}}, {"a": [1]}, {"a": True}, "flat", 5])
async def test_presence_data_must_be_flat(demo_group, presence_socket, data):
    page = await presence_socket()
    await hello(page)

    await send(page, {"t": "presence", "data": data})

    assert await receive_error(page) == "bad_frame"


@pytest.mark.parametrize("visitor_id", ["", "x" * 101, "has space", "semi;colon", 5])
async def test_visitor_id_must_be_plain(demo_group, presence_socket, visitor_id):
    page = await presence_socket()

    await send(page, {"t": "hello", "visitorid": visitor_id})

    assert await receive_error(page) == "bad_frame"


async def test_page_of_an_untrusted_origin_is_refused(demo_group, presence_socket):
    page = await presence_socket(origin="https://evil.example")

    assert await receive_error(page) == "origin"
    assert await close_code(page) == 4403


async def test_signal_to_an_online_visitor_arrives_and_is_gone_once_acknowledged(
    demo_group, agent, presence_socket, dashboard_socket
):
    page = await presence_socket()
    await hello(page)
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)

    sent = await signal(dashboard, data={"text": "hello there"})

    assert sent["t"] == "signaled" and sent["online"] is True
    arrived = await receive(page)
    assert arrived == {"t": "signal", "id": sent["id"], "data": {"text": "hello there"}}
    await send(page, {"t": "ack", "id": arrived["id"]})
    await send(page, {"t": "ping"})
    assert await nothing(page)
    assert not await PendingMessage.objects.filter(id=sent["id"]).aexists()


async def test_signal_to_an_offline_visitor_waits_for_its_next_connection_exactly_once(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    sent = await signal(dashboard, visitor_id="v-away", data={"n": 1})
    assert sent["online"] is False

    first = await presence_socket()
    await hello(first, "v-away")
    assert await receive(first) == {"t": "signal", "id": sent["id"], "data": {"n": 1}}
    await first.disconnect()  # gone before acknowledging: it comes again

    second = await presence_socket()
    await hello(second, "v-away")
    assert (await receive(second))["id"] == sent["id"]
    await send(second, {"t": "ack", "id": sent["id"]})
    await second.disconnect()

    third = await presence_socket()
    await hello(third, "v-away")
    assert await nothing(third)


async def test_newer_tab_takes_the_focus_and_alone_receives_signals(
    demo_group, agent, presence_socket, dashboard_socket
):
    older = await presence_socket()
    await hello(older)
    newer = await presence_socket()
    await hello(newer)
    assert await receive(older) == {"t": "blur"}
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)

    await signal(dashboard, data={"to": "focused"})

    assert (await receive(newer))["data"] == {"to": "focused"}
    assert await nothing(older)


async def test_invoke_carries_a_function_of_the_visitor_api(
    demo_group, agent, presence_socket, dashboard_socket
):
    page = await presence_socket()
    await hello(page)
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)

    sent = await signal(
        dashboard, mtype="invoke", data={"func": "startSession", "args": {"sessionKey": "4321"}}
    )

    assert await receive(page) == {
        "t": "invoke",
        "id": sent["id"],
        "func": "startSession",
        "args": {"sessionKey": "4321"},
    }


async def test_invoke_args_may_carry_a_flag(demo_group, agent, presence_socket, dashboard_socket):
    # The dashboard's "Show my screen": startSession({sessionKey, reverse: true}).
    page = await presence_socket()
    await hello(page)
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    args = {"sessionKey": "4321", "reverse": True}

    sent = await signal(dashboard, mtype="invoke", data={"func": "startSession", "args": args})

    assert await receive(page) == {
        "t": "invoke",
        "id": sent["id"],
        "func": "startSession",
        "args": args,
    }


@pytest.mark.parametrize(
    ("mtype", "data"),
    [
        ("invoke", {"func": "eval", "args": {}}),
        ("invoke", {"func": "startSession", "args": "1234"}),
        ("invoke", "startSession"),
        ("invoke", {"func": "startSession", "args": {"sessionKey": {"nested": 1}}}),
        ("signal", {"nested": {"deep": 1}}),
        ("signal", ["not", "an", "object"]),
        ("shout", {}),
    ],
)
async def test_bad_invoke_or_message_type_is_refused_and_nothing_stored(
    demo_group, agent, dashboard_socket, mtype, data
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)

    await send(
        dashboard, {"t": "signal", "group": 72, "visitorid": "v-1", "mtype": mtype, "data": data}
    )

    assert await receive_error(dashboard) == "bad_frame"
    assert not await PendingMessage.objects.aexists()


async def test_agent_cannot_signal_a_visitor_of_another_group(
    demo_group, other_group, agent, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)

    await send(
        dashboard, {"t": "signal", "group": 73, "visitorid": "v-1", "mtype": "signal", "data": 1}
    )

    assert await receive_error(dashboard) == "not_found"
    assert not await PendingMessage.objects.aexists()
    assert await nothing(dashboard)  # refused, not closed: the agent's dashboard stays live


async def test_a_signal_without_data_arrives_as_an_empty_object(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    page = await presence_socket()
    await hello(page)
    assert (await receive(dashboard))["t"] == "visitor"

    await send(dashboard, {"t": "signal", "group": 72, "visitorid": "v-1", "mtype": "signal"})

    assert (await receive(dashboard))["t"] == "signaled"
    arrived = await receive(page)
    assert (arrived["t"], arrived["data"]) == ("signal", {})


async def test_expired_message_is_never_delivered(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    sent = await signal(dashboard, visitor_id="v-late", data={"stale": 1})
    await PendingMessage.objects.filter(id=sent["id"]).aupdate(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    page = await presence_socket()
    await hello(page, "v-late")

    assert await nothing(page)
    assert not await PendingMessage.objects.aexists()


async def test_presence_frames_before_hello_are_refused(demo_group, presence_socket):
    page = await presence_socket()

    await send(page, {"t": "presence", "data": {}})

    assert await receive_error(page) == "not_started"


async def test_agent_looks_a_visitor_up_by_id(
    demo_group, other_group, agent, presence_socket, dashboard_socket
):
    page = await presence_socket()
    await hello(page, "v-9")
    await send(page, {"t": "presence", "title": "Checkout", "data": {"cart": 2}})
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)

    await send(dashboard, {"t": "lookup", "group": 72, "visitorid": "v-9"})
    found = await receive(dashboard)
    assert (found["t"], found["visitorid"], found["visitor"]["title"]) == (
        "found",
        "v-9",
        "Checkout",
    )
    assert found["visitor"]["data"] == {"cart": 2}

    await send(dashboard, {"t": "lookup", "group": 72, "visitorid": "v-absent"})
    assert await receive(dashboard) == {
        "t": "found",
        "group": 72,
        "visitorid": "v-absent",
        "visitor": None,
    }
    await send(dashboard, {"t": "lookup", "group": 73, "visitorid": "v-9"})
    assert await receive_error(dashboard) == "not_found"
    await send(dashboard, {"t": "lookup", "group": 72, "visitorid": "no spaces"})
    assert await receive_error(dashboard) == "bad_frame"


async def test_a_visitor_whose_heartbeat_stops_vanishes_from_open_and_new_dashboards(
    demo_group, agent, clock, presence_socket, dashboard_socket, settings
):
    """A server process that dies says no goodbye for its visitors: their silence does."""
    settings.TANDEM_PRESENCE_SWEEP_SECONDS = 0.05
    quiet = await presence_socket()
    await hello(quiet, "v-quiet")
    chatty = await presence_socket()
    await hello(chatty, "v-chatty")
    dashboard = await dashboard_socket(agent)
    assert {v["visitorid"] for v in await listing(dashboard)} == {"v-quiet", "v-chatty"}

    clock.advance(60)
    await send(chatty, {"t": "ping"})
    await send(chatty, {"t": "presence", "title": "still here"})
    assert (await receive(dashboard))["visitor"]["title"] == "still here"
    clock.advance(31)  # 91 s since v-quiet was last heard from; 31 s for v-chatty

    assert await receive(dashboard) == {"t": "visitor_gone", "group": 72, "visitorid": "v-quiet"}
    assert await nothing(dashboard)
    later = await dashboard_socket(agent)
    assert [v["visitorid"] for v in await listing(later)] == ["v-chatty"]


async def test_tandems_own_site_connect_frame_may_connect_presence(demo_group, open_socket):
    frame = await open_socket(
        "/ws/presence/72/", [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    )
    await hello(frame, "from-the-frame")
