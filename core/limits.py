"""Limits at the socket edge: per socket (a frame rate, what may wait to be sent) and per
client address (open sockets, session starts).

Refusals are the caller's: these helpers only count and answer yes or no.
"""

import functools
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger("tandem.socket")


class TokenBucket:
    """Per-socket rate limiting: a token bucket that lives and dies with its socket."""

    def __init__(self, *, rate: float, burst: int) -> None:
        self.rate = rate
        self.capacity = burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


# What waits to be sent.
#
# ASGI gives an application no backpressure: daphne's `send` writes the frame into the
# Twisted transport and returns at once, and the transport buffers without bound for a
# client that does not read. Twisted does tell a registered streaming producer when that
# buffer passes its high-water mark (`bufferSize`, 64 KiB) and when it has drained. So a
# `SendBuffer` registers itself as the producer of each daphne WebSocket connection, and
# counts the bytes written while the transport is over its mark: the socket's sends are
# refused once that count would pass TANDEM_WS_MAX_PENDING_BYTES. What a socket holds is
# then at most the high-water mark, one frame and TANDEM_WS_MAX_PENDING_BYTES.


class SendBuffer:
    """The transport of one daphne WebSocket connection, seen as an IPushProducer."""

    def __init__(self) -> None:
        self.paused = False  # the transport's buffer is over its high-water mark
        self.queued = 0  # bytes written since it went over

    # Twisted's IPushProducer (its method names), called by the transport.

    def pauseProducing(self) -> None:
        # Called on every write while the buffer is over the mark: count from the first.
        if not self.paused:
            self.paused = True
            self.queued = 0

    def resumeProducing(self) -> None:
        self.paused = False
        self.queued = 0

    def stopProducing(self) -> None:
        self.paused = False

    # Tandem's side.

    def room_for(self, size: int) -> bool:
        return not self.paused or self.queued + size <= settings.TANDEM_WS_MAX_PENDING_BYTES

    def sent(self, size: int) -> None:
        if self.paused:
            self.queued += size


def _daphne_protocol(send) -> object | None:
    """The autobahn protocol behind daphne's ASGI `send` (`functools.partial(
    Server.handle_reply, protocol)` in daphne 4), or None under any other server."""
    if not isinstance(send, functools.partial) or not send.args:
        return None
    protocol = send.args[0]
    if getattr(protocol, "application_type", None) != "websocket":
        return None
    return protocol if hasattr(protocol, "registerProducer") else None


class SendBufferMiddleware:
    """Puts a `SendBuffer` for the connection in `scope["tandem.send_buffer"]` when the
    server is daphne; `FrameConsumer.send` consults it before every frame. Under any other
    server (or the in-process test communicator) the scope key is left as it was.

    Also passes daphne's own `send` on as `scope["tandem.transport_send"]`, which
    `FrameConsumer` sends through (past the session middleware, which acts only on HTTP
    responses)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        protocol = _daphne_protocol(send)
        if protocol is not None:
            buffer = SendBuffer()
            try:
                _register(protocol, buffer)
            except (AttributeError, RuntimeError):
                log.warning("no send buffer bound for %s", scope.get("path", ""))
            else:
                scope = dict(scope, **{"tandem.send_buffer": buffer, "tandem.transport_send": send})
        return await self.inner(scope, receive, send)


def _register(protocol, buffer: SendBuffer) -> None:
    try:
        protocol.registerProducer(buffer, True)
    except RuntimeError:
        # daphne's HTTP channel, which handed this connection over to the WebSocket
        # protocol on upgrade, is still the transport's producer: it produces nothing
        # more on this connection, so the buffer takes its place.
        protocol.unregisterProducer()
        protocol.registerProducer(buffer, True)


# Per client address.


def client_address(scope: dict) -> str:
    """The address a socket comes from. With TANDEM_CLIENT_IP_HEADER set (Tandem behind a
    proxy that sets it on every request), the last address in that header: the one the
    nearest proxy saw, which a client cannot forge. Otherwise the peer's address."""
    header = settings.TANDEM_CLIENT_IP_HEADER.lower().encode()
    if header:
        for name, value in scope.get("headers", []):
            if name == header:
                last = value.decode("latin-1").rsplit(",", 1)[-1].strip()
                if last:
                    return last
    client = scope.get("client")
    return str(client[0]) if client else "-"


class _OpenSockets:
    """Open sockets per client address, in this server process. Counted per process on
    purpose: the limit guards the process's own memory and file descriptors, and a count
    that dies with the process can never outlive the sockets it counted."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    def take(self, address: str) -> bool:
        limit = settings.TANDEM_CLIENT_MAX_SOCKETS
        with self.lock:
            if limit and self.counts[address] >= limit:
                return False
            self.counts[address] += 1
            return True

    def release(self, address: str) -> None:
        with self.lock:
            self.counts[address] -= 1
            if self.counts[address] <= 0:
                del self.counts[address]

    def count(self, address: str) -> int:
        return self.counts[address]


open_sockets = _OpenSockets()


def session_start_allowed(address: str) -> bool:
    """One more session start from `address` within the current minute, counted in the
    cache that every process shares; False when it would pass
    TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE (0: no limit)."""
    limit = settings.TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE
    if not limit:
        return True
    key = f"tandem:starts:{address}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first
        cache.add(key, 1, timeout=120)
        count = 1
    return count <= limit
