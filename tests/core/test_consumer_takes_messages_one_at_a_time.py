"""A socket's consumer takes the messages of its client and of its channel one at a time, in
each source's order; a source is read again only once its last message was handled, so a
consumer busy in a handler leaves its channel's messages in the channel layer (where
capacity applies); an error of a source or a handler ends the consumer with it."""

import asyncio
import gc
import weakref

import pytest
from channels.exceptions import ChannelFull

from core.dispatch import dispatch_from
from core.layers import LocalChannelLayer


async def test_each_source_keeps_its_order_and_handlers_never_overlap():
    client: asyncio.Queue = asyncio.Queue()
    channel: asyncio.Queue = asyncio.Queue()
    for n in range(50):
        client.put_nowait({"type": "client", "n": n})
        channel.put_nowait({"type": "channel", "n": n})
    seen: dict[str, list[int]] = {"client": [], "channel": []}
    running = 0

    async def handle(message: dict) -> None:
        nonlocal running
        running += 1
        assert running == 1, "two handlers ran at once"
        await asyncio.sleep(0)
        seen[message["type"]].append(message["n"])
        running -= 1
        if len(seen["client"]) + len(seen["channel"]) == 100:
            raise EOFError

    with pytest.raises(EOFError):
        async with asyncio.timeout(5):
            await dispatch_from([client.get, channel.get], handle)
    assert seen == {"client": list(range(50)), "channel": list(range(50))}


async def test_a_busy_handler_leaves_channel_messages_in_the_layer_where_capacity_applies():
    layer = LocalChannelLayer(capacity=3)
    name = await layer.new_channel()
    idle_client: asyncio.Queue = asyncio.Queue()
    started, release = asyncio.Event(), asyncio.Event()
    handled: list[int] = []

    async def handle(message: dict) -> None:
        started.set()
        await release.wait()
        handled.append(message["n"])
        if len(handled) == 4:
            raise EOFError

    consumer = asyncio.ensure_future(
        dispatch_from([idle_client.get, lambda: layer.receive(name)], handle)
    )
    await layer.send(name, {"type": "m", "n": 0})
    async with asyncio.timeout(5):
        await started.wait()  # the consumer took the first into its handler
    for n in (1, 2, 3):
        await layer.send(name, {"type": "m", "n": n})
    with pytest.raises(ChannelFull):
        await layer.send(name, {"type": "m", "n": 4})
    release.set()
    with pytest.raises(EOFError):
        async with asyncio.timeout(5):
            await consumer
    assert handled == [0, 1, 2, 3]


async def test_an_error_of_a_source_ends_the_consumer_and_stops_the_other_reader():
    reads = 0

    async def failing() -> dict:
        raise ConnectionError("layer gone")

    async def idle() -> dict:
        nonlocal reads
        reads += 1
        await asyncio.Future()  # never answers
        return {}

    async def handle(message: dict) -> None:
        raise AssertionError("nothing to handle")

    with pytest.raises(ConnectionError):
        async with asyncio.timeout(5):
            await dispatch_from([idle, failing], handle)
    assert reads == 1


class _Message(dict):
    """A message that can be watched through a weak reference (a plain dict cannot)."""


async def test_a_handled_message_is_not_kept_while_the_consumer_waits_for_the_next():
    # A visitor's snapshot (hundreds of KB) followed by a quiet page must not stay in
    # memory for as long as the socket lives, on either source.
    client: asyncio.Queue = asyncio.Queue()
    channel: asyncio.Queue = asyncio.Queue()
    handled: list[weakref.ref] = []
    both_handled = asyncio.Event()

    async def handle(message: dict) -> None:
        handled.append(weakref.ref(message))
        if len(handled) == 2:
            both_handled.set()

    consumer = asyncio.ensure_future(dispatch_from([client.get, channel.get], handle))
    client.put_nowait(_Message(type="snap", text="x" * 100_000))
    channel.put_nowait(_Message(type="mirror.frame", text="y" * 100_000))
    async with asyncio.timeout(5):
        await both_handled.wait()
    for _ in range(3):  # the readers are back waiting on their sources
        await asyncio.sleep(0)
    gc.collect()
    assert [ref() for ref in handled] == [None, None]
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer


async def test_no_handler_runs_after_one_ended_the_consumer():
    # The client's message is taken while the channel's handler runs; that handler ends
    # the consumer (as `StopConsumer` does), so the waiting message is never handled.
    client: asyncio.Queue = asyncio.Queue()
    channel: asyncio.Queue = asyncio.Queue()
    in_handler, release = asyncio.Event(), asyncio.Event()
    handled: list[str] = []

    async def handle(message: dict) -> None:
        handled.append(message["type"])
        if message["type"] == "stop":
            in_handler.set()
            await release.wait()
            raise EOFError

    consumer = asyncio.ensure_future(dispatch_from([client.get, channel.get], handle))
    channel.put_nowait({"type": "stop"})
    async with asyncio.timeout(5):
        await in_handler.wait()
    client.put_nowait({"type": "late"})
    for _ in range(3):  # the client's reader took it and waits for its turn
        await asyncio.sleep(0)
    assert client.empty()
    release.set()
    with pytest.raises(EOFError):
        async with asyncio.timeout(5):
            await consumer
    assert handled == ["stop"]
