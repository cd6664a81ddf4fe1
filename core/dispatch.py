"""How a Tandem socket's consumer takes in messages: on the event loop, one at a time, with
no hop to a thread and no task or wait set made per message.

Channels' `AsyncConsumer` does two things per message that Tandem does not need:

- Channels 4.2+ runs `close_old_connections()` before every handler, through the one thread
  that `sync_to_async` shares: every frame of every socket of the process waits its turn on
  that thread (and on the GIL hand-over to and from it), so one busy process relays frames
  seconds late while its CPU is half idle. Tandem's sockets reach the database only through
  `database_sync_to_async`, which closes stale connections itself before and after each
  call on the thread that uses them; the per-message hop protects nothing here. Handlers
  must keep it that way: no Django async ORM calls (`aget`, `acreate`, ...) from a consumer.
- `await_many_dispatch` makes a new task for the next message of a source after each one,
  and an `asyncio.wait` (a future, callbacks on every source, sets) to learn which came
  first. Here each source (the client's socket, the consumer's channel) has one reader
  task for the socket's life, and that reader runs the handler itself, taking its turn
  through one lock per consumer: a message wakes one task, where handing it to the
  consumer's own task woke three (the reader, the consumer at the end of a chain of ten
  middleware coroutines, the reader again once handled). Measured with
  bench/mirror_latency.py, 300 x 5, one process: 470-476 -> 427-452 us of server CPU
  per relayed frame, p99 6.5-16.6 -> 4.3-7.8 ms.

A message is referenced here only until its handler returns: a socket that goes quiet
after a big message (a visitor's snapshot, then a page nobody touches) does not keep it
for the rest of its life.

What stays as in Channels: messages are handled one at a time, in the order each source
gave them (across sources, in the order they came: the lock queues its waiters); a source
is not read again until its last message was handled, so a consumer busy in a handler
leaves its channel's messages in the channel layer (where capacity and expiry apply)
rather than in memory here; an error raised by a source ends the consumer
with that error, and no handler runs after one raised; `StopConsumer` from a handler ends
it quietly.
"""

import asyncio
import functools
from collections.abc import Awaitable, Callable

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.layers import get_channel_layer

Source = Callable[[], Awaitable[dict]]


class _Turn:
    """Whose turn it is to handle a message: one handler at a time across the sources, and
    none after one raised."""

    __slots__ = ("failed", "lock")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.failed = False


async def _read(source: Source, dispatch: Callable[[dict], Awaitable], turn: _Turn) -> None:
    while True:
        message = await source()
        async with turn.lock:
            if turn.failed:  # another source's handler ended the consumer meanwhile
                return
            try:
                await dispatch(message)
            except BaseException:
                turn.failed = True
                raise
            finally:
                del message  # not kept while the source is idle (a snapshot can be megabytes)


async def dispatch_from(sources: list[Source], dispatch: Callable[[dict], Awaitable]) -> None:
    """Hand every message of `sources` to `dispatch`, one at a time, until a source or
    `dispatch` raises; the error is raised here."""
    turn = _Turn()
    readers = [asyncio.ensure_future(_read(source, dispatch, turn)) for source in sources]
    try:
        done, _ = await asyncio.wait(readers, return_when=asyncio.FIRST_COMPLETED)
        for reader in done:
            if not reader.cancelled() and reader.exception() is not None:
                raise reader.exception()
    finally:
        for reader in readers:
            reader.cancel()
        for reader in readers:
            try:
                await reader
            except asyncio.CancelledError:
                pass
            except BaseException:  # the first error is the one raised above
                pass


class DirectDispatch:
    """Mixin for an `AsyncConsumer`: Channels' `__call__` and `dispatch` without the
    per-message thread hop and task (see the module's docstring)."""

    _handlers: dict[str, str]  # message type -> handler name, per class

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls._handlers = {}

    async def __call__(self, scope, receive, send) -> None:
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources: list[Source] = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.channel_receive = functools.partial(self.channel_layer.receive, self.channel_name)
            sources.append(self.channel_receive)
        self.base_send = send
        try:
            await dispatch_from(sources, self.dispatch)
        except StopConsumer:
            pass

    async def dispatch(self, message: dict) -> None:
        name = self._handlers.get(message["type"])
        if name is None:
            name = get_handler_name(message)  # raises on a type naming a private method
            if not callable(getattr(self, name, None)):
                raise ValueError(f"No handler for message type {message['type']}")
            self._handlers[message["type"]] = name  # only types this class handles
        await getattr(self, name)(message)
