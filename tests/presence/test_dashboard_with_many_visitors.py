"""A group with thousands of visitors online, or one visitor reporting as much data as it
can, never makes a dashboard frame bigger than the server sends: the lists come in parts,
presence data is bounded per visitor in total, and a frame too big to send is refused
with an error frame while the dashboard stays open."""

import orjson
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import override_settings

from presence import registry
from presence.services import MAX_DATA_BYTES, MAX_DATA_KEYS
from tests.fixtures import receive, receive_error, receive_text, send

pytestmark = pytest.mark.django_db(transaction=True)

ONLINE = 5000


def ordinary_visitor_info(number: int) -> dict:
    """What an ordinary page reports: about 850 bytes on the dashboard."""
    return {
        "url": f"https://shop.example.com/catalogue/category/{number}/item?ref=newsletter",
        "title": "Blue cotton shirt with a long descriptive title, size M | Example Shop",
        "browser": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
        "data": {f"field{i}": "some value the integrator reports" for i in range(12)},
    }


def visitors_online(group_id: int, count: int) -> None:
    for number in range(count):
        visitor_id = f"visitor-{number}"
        registry.visitor_online(
            group_id=group_id,
            visitor_id=visitor_id,
            channel=f"test.channel.{number}",
            info=ordinary_visitor_info(number),
        )


async def parts_of(dashboard, kind: str) -> list[dict]:
    """Every part of a listed frame, each checked against the send limit."""
    items, part, parts = [], 0, 1
    while part < parts:
        text = await receive_text(dashboard)
        assert len(text.encode()) <= settings.TANDEM_WS_MAX_SEND_BYTES
        frame = orjson.loads(text)
        assert (frame["t"], frame["part"]) == (kind, part)
        items += frame[kind]
        part, parts = part + 1, frame["parts"]
    return items


async def test_dashboard_of_a_group_with_5000_visitors_online_gets_them_all_in_parts(
    demo_group, agent, presence_socket, dashboard_socket
):
    await sync_to_async(visitors_online)(demo_group.id, ONLINE)

    dashboard = await dashboard_socket(agent)

    assert await parts_of(dashboard, "sessions") == []
    listed = await parts_of(dashboard, "visitors")
    assert len(listed) == ONLINE
    assert {visitor["visitorid"] for visitor in listed} == {f"visitor-{n}" for n in range(ONLINE)}
    # The dashboard works on: a visitor who comes online now appears.
    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": "newcomer"})
    assert (await receive(dashboard))["visitor"]["visitorid"] == "newcomer"


async def test_presence_data_adds_up_to_at_most_50_keys(
    demo_group, agent, presence_socket, dashboard_socket
):
    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": "v-1"})
    await receive(page)
    dashboard = await dashboard_socket(agent)
    await parts_of(dashboard, "sessions")
    await parts_of(dashboard, "visitors")
    first = {f"a{i}": "x" for i in range(40)}
    await send(page, {"t": "presence", "data": first})
    assert (await receive(dashboard))["visitor"]["data"] == first

    # Each frame is within the per-frame rules; together they would pass 50 keys.
    await send(page, {"t": "presence", "data": {f"b{i}": "x" for i in range(40)}})

    assert await receive_error(page) == "bad_frame"
    await send(dashboard, {"t": "lookup", "group": 72, "visitorid": "v-1"})
    found = await receive(dashboard)
    assert found["visitor"]["data"] == first  # the refused update left nothing behind
    assert len(found["visitor"]["data"]) <= MAX_DATA_KEYS


async def test_presence_data_adds_up_to_at_most_8_kib(
    demo_group, agent, presence_socket, dashboard_socket
):
    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": "v-1"})
    await receive(page)
    for batch in range(3):  # 3 x 10 values of 1000 characters: 30 KB, 30 keys
        data = {f"k{batch}-{i}": "x" * 1000 for i in range(10)}
        await send(page, {"t": "presence", "data": data})

    assert await receive_error(page) == "bad_frame"
    dashboard = await dashboard_socket(agent)
    await parts_of(dashboard, "sessions")
    (visitor,) = await parts_of(dashboard, "visitors")
    assert len(orjson.dumps(visitor["data"])) <= MAX_DATA_BYTES


@override_settings(TANDEM_WS_MAX_SEND_BYTES=4096)
async def test_frame_too_big_to_send_is_refused_and_the_dashboard_stays(
    demo_group, agent, presence_socket, dashboard_socket
):
    dashboard = await dashboard_socket(agent)
    await parts_of(dashboard, "sessions")
    await parts_of(dashboard, "visitors")
    page = await presence_socket()
    await send(page, {"t": "hello", "visitorid": "v-1"})
    await receive(page)
    assert (await receive(dashboard))["visitor"]["visitorid"] == "v-1"

    await send(page, {"t": "presence", "data": {"big": "x" * 1000, "more": "y" * 1000}})
    assert (await receive(dashboard))["visitor"]["data"]["big"]
    await send(page, {"t": "presence", "data": {"third": "z" * 1000, "fourth": "w" * 1000}})

    assert await receive_error(dashboard) == "not_sent"  # 4 KB of data: over the limit
    await send(dashboard, {"t": "lookup", "group": 72, "visitorid": "nobody"})
    assert await receive(dashboard) == {
        "t": "found",
        "group": 72,
        "visitorid": "nobody",
        "visitor": None,
    }
