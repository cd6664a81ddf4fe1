"""A socket's database call that broadcasts (a signal stored, an ack, a visitor online) hands
its group messages to the event loop and returns: it never holds the one database thread
that every socket shares until the busy loop gets round to sending them. The messages
still arrive, in the order they were handed over."""

import asyncio
import threading

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer

from core.layers import group_send_from_sync


async def test_a_database_call_returns_while_the_event_loop_is_busy_and_its_messages_follow():
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("watchers", channel)
    returned = threading.Event()

    def service() -> None:
        for n in range(5):
            group_send_from_sync("watchers", {"type": "note", "n": n})
        returned.set()

    # In a thread of its own (not the shared database thread, which other tests' sockets
    # may still hold): what counts is that the call does not wait for the loop.
    call = asyncio.ensure_future(sync_to_async(service, thread_sensitive=False)())
    await asyncio.sleep(0)  # the call is in its thread now
    # The loop is busy (blocked here) while the call broadcasts: it returns all the same.
    assert returned.wait(timeout=10)
    async with asyncio.timeout(10):
        await call
        received = [(await layer.receive(channel))["n"] for _ in range(5)]
    assert received == [0, 1, 2, 3, 4]


def test_code_without_an_event_loop_sends_and_waits():
    layer = get_channel_layer()

    async def member() -> str:
        channel = await layer.new_channel()
        await layer.group_add("watchers", channel)
        return channel

    channel = async_to_sync(member)()
    group_send_from_sync("watchers", {"type": "note", "n": 1})
    assert async_to_sync(layer.receive)(channel) == {"type": "note", "n": 1}
