"""connectUnique(): a visitor with no id of its own is given a 6-digit one that no other live
connection holds; it lasts TANDEM_PRESENCE_UNIQUE_SECONDS and extendUnique() adds as much
again. The presence clock is moved by the tests, never waited for."""

import re

import pytest

from presence import registry
from presence.models import PendingMessage
from tests.fixtures import close_code, nothing, receive, receive_error, send
from tests.presence.test_presence_socket import listing, signal

pytestmark = pytest.mark.django_db(transaction=True)


async def connect_unique(socket) -> str:
    await send(socket, {"t": "hello", "unique": True})
    connected = await receive(socket)
    assert connected["t"] == "connected"
    assert re.fullmatch(r"[1-9][0-9]{5}", connected["visitorid"]), connected
    assert await receive(socket) == {
        "t": "unique",
        "visitorid": connected["visitorid"],
        "seconds": 300,
    }
    return connected["visitorid"]


async def test_a_unique_connection_gets_a_six_digit_id_agents_can_find_and_signal(
    demo_group, agent, clock, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    assert await listing(dashboard) == []
    page = await presence_socket()

    code = await connect_unique(page)

    assert (await receive(dashboard))["visitor"]["visitorid"] == code
    assert (await signal(dashboard, visitor_id=code, data={"hi": 1}))["online"] is True
    delivered = await receive(page)
    assert (delivered["t"], delivered["data"]) == ("signal", {"hi": 1})


async def test_live_unique_ids_are_all_different(demo_group, clock, presence_socket):
    pages = [await presence_socket() for _ in range(12)]
    codes = [await connect_unique(page) for page in pages]
    assert len(set(codes)) == len(codes)


async def test_no_other_connection_may_take_a_live_unique_id(demo_group, clock, presence_socket):
    holder = await presence_socket()
    code = await connect_unique(holder)
    thief = await presence_socket()

    await send(thief, {"t": "hello", "visitorid": code})

    assert await receive_error(thief) == "key_in_use"
    await send(holder, {"t": "ping"})
    assert await nothing(holder)  # still connected, still focused, no blur


async def test_the_server_never_hands_out_an_id_that_is_held(
    demo_group, clock, presence_socket, monkeypatch
):
    first = await presence_socket()
    code = await connect_unique(first)
    draws = iter([int(code) - 100_000, int(code) - 100_000, 654_321 - 100_000])
    monkeypatch.setattr(registry.secrets, "randbelow", lambda _: next(draws))

    second = await presence_socket()

    assert await connect_unique(second) == "654321"


async def test_a_unique_id_expires_after_five_minutes(demo_group, clock, presence_socket):
    page = await presence_socket()
    code = await connect_unique(page)

    clock.advance(299)
    await send(page, {"t": "ping"})
    assert await nothing(page)
    clock.advance(1)
    await send(page, {"t": "ping"})

    assert await receive_error(page) == "expired"
    assert await close_code(page) == 4000
    again = await presence_socket()
    await send(again, {"t": "hello", "visitorid": code})
    assert (await receive(again))["t"] == "connected"  # the id is free once its holder is gone


async def test_extend_unique_adds_five_more_minutes(demo_group, clock, presence_socket):
    page = await presence_socket()
    await connect_unique(page)
    clock.advance(200)

    await send(page, {"t": "extend"})

    assert await receive(page) == {"t": "extended", "seconds": 300}
    clock.advance(399)  # 599 s after connecting: 1 s left of the 600
    await send(page, {"t": "ping"})
    assert await nothing(page)
    clock.advance(1)
    await send(page, {"t": "extend"})
    assert await receive_error(page) == "expired"
    assert await close_code(page) == 4000


async def test_messages_left_for_an_earlier_holder_of_an_id_are_not_delivered(
    demo_group, agent, clock, presence_socket, dashboard_socket, monkeypatch
):
    dashboard = await dashboard_socket(agent)
    await listing(dashboard)
    assert (await signal(dashboard, visitor_id="123456", data={"for": "someone else"}))[
        "online"
    ] is False
    monkeypatch.setattr(registry.secrets, "randbelow", lambda _: 23_456)

    page = await presence_socket()
    assert await connect_unique(page) == "123456"

    assert await nothing(page)
    assert not await PendingMessage.objects.filter(visitor_id="123456").aexists()


async def test_bad_unique_hellos_and_extends_are_refused(demo_group, clock, presence_socket):
    page = await presence_socket()
    await send(page, {"t": "hello", "unique": True, "visitorid": "mine"})
    assert await receive_error(page) == "bad_frame"
    await send(page, {"t": "hello"})
    assert await receive_error(page) == "bad_frame"
    await send(page, {"t": "extend"})
    assert await receive_error(page) == "not_started"

    await send(page, {"t": "hello", "visitorid": "v-1"})
    assert (await receive(page))["t"] == "connected"
    await send(page, {"t": "extend"})
    assert await receive_error(page) == "bad_frame"  # only a unique connection extends


async def test_a_silent_unique_connection_is_closed_at_its_deadline(
    demo_group, clock, presence_socket, settings
):
    settings.TANDEM_PRESENCE_UNIQUE_SECONDS = 0  # due at once: the server's own timer fires
    page = await presence_socket()
    await send(page, {"t": "hello", "unique": True})
    code = (await receive(page))["visitorid"]
    assert await receive(page) == {"t": "unique", "visitorid": code, "seconds": 0}

    assert await receive_error(page) == "expired"
    assert await close_code(page) == 4000
    assert registry.unique_holder(group_id=demo_group.id, code=code) is None
