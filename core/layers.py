"""The channel layer of a single Tandem process: Channels' in-memory API at a cost that does
not grow with the number of sockets.

Channels' own `InMemoryChannelLayer` walks every channel and every group on each send and
receive to drop expired messages, starts a task per recipient of a group send and deep-copies
every message; with a few hundred sessions streaming, that is most of a core. This layer
keeps the same contract (the `groups` and `flush` extensions, `capacity`, `expiry`,
`group_expiry`) with work proportional to the message's own recipients:

- capacity: a channel holds at most `capacity` unread messages. `send` to a full channel
  raises `ChannelFull`; `group_send` skips that member and logs a warning (the agent sees
  the gap in sequence numbers and asks for a snapshot).
- expiry: a message not received within `expiry` seconds is dropped, and the channel that
  did not read it leaves every group (its consumer is gone or stuck). Expired messages are
  dropped when their channel is next touched, and by a sweep of all channels and groups at
  most once per `expiry` seconds, so memory of a socket that vanished is freed.
- group_expiry: a membership older than `group_expiry` seconds ends (the same sweep).
- messages: each recipient gets its own top-level dict; values that are not str, bytes,
  numbers, bool or None are deep-copied, as Channels does, so no recipient sees another's
  changes. A mirror frame (`type` and `text`, both str) is never copied deeply.
- idle channels: a channel with nothing queued and no receiver is forgotten by the sweep.
- receive: one waiting receiver per channel is woken per message; a receive cancelled
  after it was woken leaves the message for the next one.

Only for one process: several processes need a layer they share (see docs/architecture.md).
"""

import asyncio
import logging
import os
import random
import string
import time
from collections import deque
from collections.abc import Callable
from copy import deepcopy

from asgiref.sync import SyncToAsync, async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import transaction

log = logging.getLogger("tandem.layer")

_IMMUTABLE = (str, bytes, int, float, bool, type(None))


def _own_copy(message: dict) -> dict:
    return {
        key: value if isinstance(value, _IMMUTABLE) else deepcopy(value)
        for key, value in message.items()
    }


class _Channel:
    __slots__ = ("messages", "waiters")

    def __init__(self) -> None:
        self.messages: deque[tuple[float, dict]] = deque()  # (expires at, message)
        self.waiters: deque[asyncio.Future] = deque()

    def wake_one(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return


class LocalChannelLayer(BaseChannelLayer):
    extensions = ["groups", "flush"]

    def __init__(
        self,
        expiry: int = 60,
        group_expiry: int = 86400,
        capacity: int = 100,
        channel_capacity: dict | None = None,
        clock: Callable[[], float] = time.monotonic,
        **kwargs,
    ) -> None:
        super().__init__(expiry=expiry, capacity=capacity, channel_capacity=channel_capacity)
        self.channel_capacity = self.compile_capacities(self.channel_capacity)
        self.group_expiry = group_expiry
        self.clock = clock  # seconds; tests pass a fake one
        self._channels: dict[str, _Channel] = {}
        self._groups: dict[str, dict[str, float]] = {}  # group -> channel -> joined at
        self._member_of: dict[str, set[str]] = {}  # channel -> its groups
        self._next_sweep = clock() + self.expiry

    # Channels

    async def new_channel(self, prefix: str = "specific.") -> str:
        suffix = "".join(random.choices(string.ascii_letters, k=12))
        return f"{prefix}.local!{suffix}"

    async def send(self, channel: str, message: dict) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        now = self.clock()
        if now >= self._next_sweep:
            self._sweep(now)
        self._put(channel, _own_copy(message), now)

    def _put(self, channel: str, message: dict, now: float) -> None:
        box = self._channels.get(channel)
        if box is None:
            box = self._channels[channel] = _Channel()
        elif len(box.messages) >= self.get_capacity(channel):
            self._drop_expired(channel, box, now)
            if len(box.messages) >= self.get_capacity(channel):
                raise ChannelFull(channel)
        box.messages.append((now + self.expiry, message))
        box.wake_one()

    async def receive(self, channel: str) -> dict:
        if channel not in self._channels:  # a name in there was checked when it was added
            self.require_valid_channel_name(channel)
        while True:
            # The channel's box may have been forgotten (or replaced) while we waited.
            box = self._channels.get(channel)
            if box is None:
                box = self._channels[channel] = _Channel()
            self._drop_expired(channel, box, self.clock())
            if box.messages:
                message = box.messages.popleft()[1]
                if box.messages:
                    box.wake_one()  # another receiver may wait on this channel too
                return message
            waiter = asyncio.get_running_loop().create_future()
            box.waiters.append(waiter)
            try:
                await waiter
            except BaseException:
                if waiter in box.waiters:
                    box.waiters.remove(waiter)
                elif box.messages:
                    box.wake_one()  # woken, then cancelled: pass the message on
                self._forget_if_idle(channel, box)
                raise

    def _forget_if_idle(self, channel: str, box: _Channel) -> None:
        if not box.messages and not box.waiters and self._channels.get(channel) is box:
            del self._channels[channel]

    def _drop_expired(self, channel: str, box: _Channel, now: float) -> None:
        if box.messages and box.messages[0][0] <= now:
            while box.messages and box.messages[0][0] <= now:
                box.messages.popleft()
            self._leave_all_groups(channel)

    def _sweep(self, now: float) -> None:
        """Expired messages of every channel, and memberships past `group_expiry`."""
        self._next_sweep = now + self.expiry
        for channel, box in list(self._channels.items()):
            self._drop_expired(channel, box, now)
            self._forget_if_idle(channel, box)
        joined_before = self.clock() - self.group_expiry
        for group, members in list(self._groups.items()):
            for channel, joined in list(members.items()):
                if joined < joined_before:
                    self._discard(group, channel)

    # Groups

    async def group_add(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        self._groups.setdefault(group, {})[channel] = self.clock()
        self._member_of.setdefault(channel, set()).add(group)

    async def group_discard(self, group: str, channel: str) -> None:
        self.require_valid_channel_name(channel)
        self.require_valid_group_name(group)
        self._discard(group, channel)

    def _discard(self, group: str, channel: str) -> None:
        members = self._groups.get(group)
        if members is not None:
            members.pop(channel, None)
            if not members:
                del self._groups[group]
        groups = self._member_of.get(channel)
        if groups is not None:
            groups.discard(group)
            if not groups:
                del self._member_of[channel]

    def _leave_all_groups(self, channel: str) -> None:
        for group in list(self._member_of.get(channel, ())):
            self._discard(group, channel)

    async def group_send(self, group: str, message: dict) -> None:
        assert isinstance(message, dict), "message is not a dict"
        members = self._groups.get(group)
        if members is None:  # a group in there was checked when its first member joined
            self.require_valid_group_name(group)
        now = self.clock()
        if now >= self._next_sweep:
            self._sweep(now)
            members = self._groups.get(group)
        if not members:
            return
        for channel in list(members):
            try:
                self._put(channel, _own_copy(message), now)
            except ChannelFull:
                log.warning("channels over capacity: message dropped group=%s", group)

    # Flush extension

    async def flush(self) -> None:
        """Forget every message and group; receivers already waiting keep waiting."""
        for box in self._channels.values():
            box.messages.clear()
        self._channels = {name: box for name, box in self._channels.items() if box.waiters}
        self._groups = {}
        self._member_of = {}

    async def close(self) -> None:
        pass


# Group messages from sync code.


def broadcast_after_commit(group: str, message: dict) -> None:
    """How a service (sync code) tells sockets: send `message` to a channel-layer group once
    the surrounding transaction has committed (at once outside a transaction), without
    waiting for it (group_send_from_sync)."""
    transaction.on_commit(lambda: group_send_from_sync(group, message))


def frame_message(frame: dict, *, focused_only: bool = False) -> dict:
    """The channel-layer message that carries a frame built through the protocol
    declaration (`VISITOR.frame(...)`): every socket of the group sends it on as it is
    (core.sockets.FrameConsumer.frame_send); with `focused_only`, only the visitor tab that
    holds the session's focus does."""
    message = {"type": "frame.send", "frame": frame}
    if focused_only:
        message["focused_only"] = True
    return message


def frame_after_commit(group: str, frame: dict, *, focused_only: bool = False) -> None:
    """How a service hands one frame to every socket of `group`: after the commit
    (broadcast_after_commit), as `frame_message` carries it."""
    broadcast_after_commit(group, frame_message(frame, focused_only=focused_only))


def group_send_from_sync(group: str, message: dict) -> None:
    """Send `message` to a channel-layer group from sync code, without waiting for it.

    In a thread of `sync_to_async` (a consumer's `database_sync_to_async` call, a view),
    the event loop that called the thread sends the message, in the order this process's
    sync code handed messages over, and the thread goes on at once. Waiting instead
    (`async_to_sync`) held the one thread that every socket's database calls share until
    the busy event loop got round to the send: with hundreds of sockets each such wait
    delayed every other socket's call behind it. A message that fails to send is logged.
    Elsewhere (a management command, code with no event loop behind it) it sends and
    waits, as `async_to_sync` does."""
    loop = _calling_loop()
    if loop is None:
        async_to_sync(get_channel_layer().group_send)(group, message)
        return
    loop.call_soon_threadsafe(_outbox_for(loop).put, group, message)


def _calling_loop() -> asyncio.AbstractEventLoop | None:
    try:
        asyncio.get_running_loop()
        return None  # on an event loop itself: async_to_sync says what is wrong
    except RuntimeError:
        pass
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(local, "main_event_loop", None)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


class _Outbox:
    """Group messages handed over by sync code, sent one after another on one loop."""

    def __init__(self) -> None:
        self.messages: deque[tuple[str, dict]] = deque()
        self.sender: asyncio.Task | None = None

    def put(self, group: str, message: dict) -> None:
        self.messages.append((group, message))
        if self.sender is None or self.sender.done():
            self.sender = asyncio.get_running_loop().create_task(self.send_all())

    async def send_all(self) -> None:
        layer = get_channel_layer()
        while self.messages:
            group, message = self.messages.popleft()
            try:
                await layer.group_send(group, message)
            except Exception:
                log.exception("group message not sent group=%s type=%s", group, message["type"])


_outboxes: dict[asyncio.AbstractEventLoop, _Outbox] = {}


def _outbox_for(loop: asyncio.AbstractEventLoop) -> _Outbox:
    outbox = _outboxes.get(loop)
    if outbox is None:
        for old in [old for old in _outboxes if old.is_closed()]:
            del _outboxes[old]
        outbox = _outboxes[loop] = _Outbox()
    return outbox
