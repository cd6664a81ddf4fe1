"""The single-process channel layer keeps Channels' contract: groups, capacity, expiry,
flush, and receivers that may be cancelled, with each recipient getting its own message."""

import asyncio

import pytest
from channels.exceptions import ChannelFull

from core.layers import LocalChannelLayer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def layer(**config) -> tuple[LocalChannelLayer, Clock]:
    clock = Clock()
    return LocalChannelLayer(clock=clock, **({"capacity": 10, "expiry": 30} | config)), clock


async def receive(layer: LocalChannelLayer, channel: str) -> dict:
    async with asyncio.timeout(2):
        return await layer.receive(channel)


async def nothing_waiting(layer: LocalChannelLayer, channel: str) -> bool:
    task = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    waiting = not task.done()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return waiting


async def test_group_send_reaches_every_member_in_order_and_no_one_else():
    channels, _ = layer()
    first, second, outside = [await channels.new_channel() for _ in range(3)]
    await channels.group_add("session.1.agents", first)
    await channels.group_add("session.1.agents", second)

    for n in range(5):
        await channels.group_send("session.1.agents", {"type": "mirror.frame", "text": str(n)})

    for member in (first, second):
        assert [(await receive(channels, member))["text"] for _ in range(5)] == list("01234")
    assert await nothing_waiting(channels, outside)


async def test_a_discarded_member_gets_nothing_more():
    channels, _ = layer()
    member = await channels.new_channel()
    await channels.group_add("g", member)
    await channels.group_discard("g", member)

    await channels.group_send("g", {"type": "x"})

    assert await nothing_waiting(channels, member)


async def test_a_waiting_receiver_is_woken_by_a_send():
    channels, _ = layer()
    channel = await channels.new_channel()
    waiting = asyncio.ensure_future(channels.receive(channel))
    await asyncio.sleep(0)

    await channels.send(channel, {"type": "hello"})

    async with asyncio.timeout(2):
        assert await waiting == {"type": "hello"}


async def test_a_full_channel_refuses_a_send_and_is_skipped_by_a_group_send(caplog):
    channels, _ = layer(capacity=2)
    full, other = await channels.new_channel(), await channels.new_channel()
    await channels.group_add("g", full)
    await channels.send(full, {"type": "a"})
    await channels.send(full, {"type": "b"})

    with pytest.raises(ChannelFull):
        await channels.send(full, {"type": "c"})
    await channels.group_add("g", other)
    await channels.group_send("g", {"type": "d"})

    assert [(await receive(channels, full))["type"] for _ in range(2)] == ["a", "b"]
    assert await nothing_waiting(channels, full)
    assert (await receive(channels, other))["type"] == "d"
    assert "channels over capacity" in caplog.text


async def test_an_unread_message_expires_and_its_channel_leaves_its_groups():
    channels, clock = layer(expiry=30)
    stale, live = await channels.new_channel(), await channels.new_channel()
    await channels.group_add("g", stale)
    await channels.send(stale, {"type": "old"})

    clock.now += 31
    await channels.group_add("g", live)
    await channels.group_send("g", {"type": "new"})  # a sweep is due: stale is dropped

    assert await nothing_waiting(channels, stale)
    assert (await receive(channels, live))["type"] == "new"


async def test_an_expired_message_makes_room_in_a_full_channel():
    channels, clock = layer(capacity=1, expiry=30)
    channel = await channels.new_channel()
    await channels.send(channel, {"type": "old"})

    clock.now += 31
    await channels.send(channel, {"type": "new"})

    assert (await receive(channels, channel))["type"] == "new"


async def test_group_membership_ends_after_group_expiry():
    channels, clock = layer(expiry=30, group_expiry=100)
    member = await channels.new_channel()
    await channels.group_add("g", member)

    clock.now += 101
    await channels.send(await channels.new_channel(), {"type": "tick"})  # a sweep is due
    await channels.group_send("g", {"type": "late"})

    assert await nothing_waiting(channels, member)


async def test_flush_forgets_messages_and_groups_but_not_waiting_receivers():
    channels, _ = layer()
    queued, waiting_channel = await channels.new_channel(), await channels.new_channel()
    await channels.group_add("g", queued)
    await channels.send(queued, {"type": "before"})
    waiting = asyncio.ensure_future(channels.receive(waiting_channel))
    await asyncio.sleep(0)

    await channels.flush()
    await channels.group_send("g", {"type": "after"})
    await channels.send(waiting_channel, {"type": "still heard"})

    assert await nothing_waiting(channels, queued)
    async with asyncio.timeout(2):
        assert await waiting == {"type": "still heard"}


async def test_a_cancelled_receive_loses_no_message():
    channels, _ = layer()
    channel = await channels.new_channel()
    cancelled = asyncio.ensure_future(channels.receive(channel))
    await asyncio.sleep(0)

    await channels.send(channel, {"type": "kept"})  # wakes the receiver...
    cancelled.cancel()  # ...which is cancelled before it runs
    await asyncio.gather(cancelled, return_exceptions=True)

    assert await receive(channels, channel) == {"type": "kept"}


async def test_a_cancelled_receive_passes_the_message_to_the_next_waiting_one():
    channels, _ = layer()
    channel = await channels.new_channel()
    first = asyncio.ensure_future(channels.receive(channel))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(channels.receive(channel))
    await asyncio.sleep(0)

    await channels.send(channel, {"type": "one"})
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)

    async with asyncio.timeout(2):
        assert await second == {"type": "one"}


async def test_each_recipient_gets_its_own_copy_of_a_nested_message():
    channels, _ = layer()
    first, second = await channels.new_channel(), await channels.new_channel()
    await channels.group_add("g", first)
    await channels.group_add("g", second)
    sent = {"type": "frame.send", "frame": {"t": "message", "data": {"text": "hi"}}}

    await channels.group_send("g", sent)
    mine = await receive(channels, first)
    mine["frame"]["data"]["text"] = "changed"
    sent["frame"]["t"] = "changed too"

    assert (await receive(channels, second))["frame"] == {"t": "message", "data": {"text": "hi"}}


async def test_bad_names_are_refused():
    channels, _ = layer()
    with pytest.raises(TypeError):
        await channels.send("not a channel!", {"type": "x"})
    with pytest.raises(TypeError):
        await channels.group_add("bad group", await channels.new_channel())


def test_the_default_layer_of_one_process_is_this_one(settings):
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "core.layers.LocalChannelLayer"
