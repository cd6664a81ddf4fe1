"""The edge every Tandem socket shares: size and rate limits, validation, error frames,
what the server sends and how a socket ends.

A subclass declares its frame table and one `on_<type>` handler per frame type; a bad
frame is answered with `{"t": "error", "code", "msg"}` and logged, never a traceback.

However a consumer ends (the client closed, the server refused it, the transport failed
under a send, a bug of ours raised, the server cancelled it), its `disconnect()` runs
exactly once. Sending never raises: a frame for a client that has gone is dropped.
"""

import contextlib
import logging

import orjson
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from core import groups
from core.dispatch import DirectDispatch
from core.domains import origin_is_own
from core.errors import ErrorCode, TandemError
from core.limits import TokenBucket, client_address, open_sockets, session_start_allowed
from core.protocol import CLOSE_FOR_ERROR, UNROUTED, CloseCode, Frame, frame_check, frame_parse

log = logging.getLogger("tandem.socket")

# Refused frames logged per socket: every one of the first REFUSALS_LOGGED, then one in
# REFUSALS_LOG_EVERY (a socket is closed long before that unless its errors keep it open).
REFUSALS_LOGGED = 20
REFUSALS_LOG_EVERY = 100

# The names other modules import; the codes themselves are declared in protocol.py.
CLOSE_ENDED = CloseCode.ENDED
CLOSE_FORBIDDEN = CloseCode.FORBIDDEN
CLOSE_NOT_FOUND = CloseCode.NOT_FOUND
CLOSE_UNAUTHENTICATED = CloseCode.UNAUTHENTICATED

# Frames the server sends are checked against the socket's declaration while this is a
# list (the tests make it one, tests/conftest.py): each disagreement is logged and added.
sent_frame_problems: list[str] | None = None

# The disconnect code a consumer's cleanup sees when no close frame ended it.
_ABNORMAL = 1006
# A close reason is at most 123 bytes of UTF-8 (RFC 6455 5.5.1).
_MAX_REASON_BYTES = 123


class FrameConsumer(DirectDispatch, AsyncWebsocketConsumer):
    # The socket's declaration (core/protocol.py): what the client may send (`frames`,
    # each handled by `on_<type>`) and what the server sends (`server_frames`).
    frames: dict[str, Frame] = {}
    server_frames: dict[str, Frame] = UNROUTED.server
    role = "client"
    # Errors that close other sockets but only refuse one request on this one.
    keep_open: frozenset[ErrorCode] = frozenset()
    # A client that does not read what is sent to it: by default its socket is closed
    # (4408) once TANDEM_WS_MAX_PENDING_BYTES wait for it; with `drop_when_slow`, frames
    # for it are dropped instead until it catches up (a viewer recovers from the gap).
    drop_when_slow = False
    # Frame type -> the name of its handler, made from `frames` for each consumer class.
    handlers: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        """Each consumer dispatches from its declaration: one `on_<type>` per declared
        client frame, and no handler for a frame the declaration does not have."""
        super().__init_subclass__(**kwargs)
        handled = {name.removeprefix("on_") for name in dir(cls) if name.startswith("on_")}
        if handled != set(cls.frames):
            raise TypeError(
                f"{cls.__name__}: frames without a handler {sorted(set(cls.frames) - handled)}, "
                f"handlers of undeclared frames {sorted(handled - set(cls.frames))}"
            )
        cls.handlers = {frame_type: f"on_{frame_type}" for frame_type in cls.frames}

    # The socket's life: open, refusal, close, and the cleanup that always runs.

    async def __call__(self, scope, receive, send) -> None:
        self.closed = False  # a close was sent or received: nothing more is sent
        self.address: str | None = None  # counted against the client's socket limit
        self.connected = False  # connect() ran, so disconnect() must
        self.dropped = 0  # frames not sent to a slow client, in the current episode
        self.refusals = 0  # frames refused on this socket, for log throttling
        try:
            # daphne's own `send` when SendBufferMiddleware passed it on: the session
            # middleware's wrapper between acts only on HTTP responses, never on a socket's
            # messages, and costs a lazy-object lookup on every frame sent.
            transport_send = scope.get("tandem.transport_send", send)
            await super().__call__(scope, receive, self._guarded(transport_send))
        except Exception:
            # A bug of ours outside a frame handler: the socket ends, the cleanup runs.
            log.exception("%s socket failed %s", self.role, self.safe_who())
            with contextlib.suppress(Exception):  # failed before it had a transport
                await self.close(code=CloseCode.INTERNAL, reason="Internal error.")
        finally:
            await self._cleanup(_ABNORMAL)

    def _guarded(self, send):
        """daphne's `send`, made safe: after a close nothing goes out, and a transport that
        refuses a message (the client's close frame crossed ours, the connection dropped)
        marks the socket closed instead of raising into the consumer."""

        async def guarded(message: dict) -> None:
            if self.closed:
                return
            if message["type"] == "websocket.close":
                self.closed = True
            try:
                await send(message)
            except Exception as error:
                self.closed = True
                log.info(
                    "%s socket gone, %s not sent (%s) %s",
                    self.role,
                    message["type"],
                    type(error).__name__,
                    self.safe_who(),
                )

        return guarded

    async def websocket_connect(self, message) -> None:
        self.bucket = TokenBucket(
            rate=settings.TANDEM_WS_RATE_PER_SECOND, burst=settings.TANDEM_WS_RATE_BURST
        )
        address = client_address(self.scope)
        if not open_sockets.take(address):
            await self.accept()
            log.warning("%s socket refused: too many from one address", self.role)
            await self.fail(
                TandemError(ErrorCode.RATE_LIMITED, "Too many open sockets from your address.")
            )
            return
        self.address = address
        self.connected = True
        await super().websocket_connect(message)

    async def websocket_disconnect(self, message) -> None:
        self.closed = True
        await self._cleanup(message.get("code") or _ABNORMAL)
        raise StopConsumer()

    async def _cleanup(self, code: int) -> None:
        """The consumer's disconnect(), once, and the socket's place in its client's count."""
        if self.address is not None:
            open_sockets.release(self.address)
            self.address = None
        if not self.connected:
            return
        self.connected = False
        try:
            await self.disconnect(code)
        except Exception:
            log.exception("%s cleanup failed %s", self.role, self.safe_who())

    async def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Close with one of the codes in `CloseCode` (any other is a bug: logged, sent
        as 4500), and a reason cut to what a close frame holds."""
        try:
            close_code = CloseCode(code if code is not None else CloseCode.NORMAL)
        except ValueError:
            log.error("%s socket: undeclared close code %r %s", self.role, code, self.safe_who())
            close_code = CloseCode.INTERNAL
        reason = (reason or "").encode()[:_MAX_REASON_BYTES].decode(errors="ignore")
        await super().close(code=int(close_code), reason=reason or None)

    async def fail(self, error: TandemError) -> None:
        """Tell the client what was wrong; close the socket when the error is fatal.

        The log gets the first REFUSALS_LOGGED refusals of a socket, then every
        REFUSALS_LOG_EVERY-th with the running count: a client can send hundreds of bad
        frames a second, and must not be able to flood the log with them."""
        self.refusals += 1
        if self.refusals <= REFUSALS_LOGGED or self.refusals % REFUSALS_LOG_EVERY == 0:
            log.warning(
                "%s frame refused: code=%s %s %s refusals=%d",
                self.role,
                error.code,
                error.msg,
                self.safe_who(),
                self.refusals,
            )
        await self.send_frame(error.frame())
        close_code = None if error.code in self.keep_open else CLOSE_FOR_ERROR.get(error.code)
        if close_code is not None:
            await self.close(code=close_code, reason=error.msg)

    # Frames from the client.

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.closed:  # refused and closed: what the client sends meanwhile is moot
            return
        try:
            if not self.bucket.take():
                raise TandemError(ErrorCode.RATE_LIMITED, "Too many frames; slow down.")
            frame = frame_parse(
                text_data, table=self.frames, max_bytes=settings.TANDEM_WS_MAX_FRAME_BYTES
            )
            await getattr(self, self.handlers[frame["t"]])(frame, text_data)
        except TandemError as error:
            await self.fail(error)
        except Exception:
            # A bug of ours must not cost the client its socket, nor others theirs.
            log.exception("%s frame failed %s", self.role, self.safe_who())
            await self.send_frame(
                {"t": "error", "code": str(ErrorCode.INTERNAL), "msg": "Internal error."}
            )

    # Frames to the client: every one passes through `send`.

    async def send_frame(self, frame: dict) -> None:
        if sent_frame_problems is not None:
            self.check_sent(frame)
        await self.send(text_data=orjson.dumps(frame).decode())

    def check_sent(self, frame: dict) -> None:
        for problem in frame_check(frame, table=self.server_frames):
            log.error("%s socket sent an undeclared frame: %s", self.role, problem)
            sent_frame_problems.append(f"{type(self).__name__}: {problem}")

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        """Send one frame, never over TANDEM_WS_MAX_SEND_BYTES and never past what may
        wait for a slow client; a frame that cannot go is logged, never raised."""
        if self.closed:
            return
        data = text_data if text_data is not None else bytes_data
        size = len(data) if isinstance(data, bytes) or data.isascii() else len(data.encode())
        limit = settings.TANDEM_WS_MAX_SEND_BYTES
        if size > limit:
            log.warning(
                "%s frame of %d bytes not sent: over %d %s", self.role, size, limit, self.safe_who()
            )
            await self.send_frame(
                {
                    "t": "error",
                    "code": str(ErrorCode.NOT_SENT),
                    "msg": f"A frame of {size} bytes for you was over the {limit}-byte limit.",
                }
            )
            return
        buffer = self.scope.get("tandem.send_buffer")
        if buffer is not None and not buffer.room_for(size):
            await self.too_slow()
            return
        dropped, self.dropped = self.dropped, 0
        if text_data is not None:
            await self.base_send({"type": "websocket.send", "text": text_data})
        else:
            await self.base_send({"type": "websocket.send", "bytes": bytes_data})
        if buffer is not None:
            buffer.sent(size)
        if dropped:
            log.info(
                "%s client caught up after %d dropped frames %s",
                self.role,
                dropped,
                self.safe_who(),
            )
            await self.caught_up()
        if close:
            await self.close()

    async def caught_up(self) -> None:
        """A client that lost frames (`drop_when_slow`) reads again: a subclass may help it
        converge (a viewer's lost snapshot would otherwise leave it waiting)."""

    async def too_slow(self) -> None:
        if self.drop_when_slow:
            if not self.dropped:
                log.warning(
                    "%s client reads too slowly: dropping frames %s", self.role, self.safe_who()
                )
            self.dropped += 1
            return
        log.warning("%s client reads too slowly: closing %s", self.role, self.safe_who())
        await self.close(code=CloseCode.SLOW, reason="You did not read what was sent.")

    async def send_list(self, frame: dict, field: str, items: list) -> None:
        """Send `frame` with `items` as its list `field`, in as many frames as keep each
        under TANDEM_WS_MAX_SEND_BYTES. Each carries `part` (from 0) and `parts`; the
        client replaces its list on part 0 and appends the others. An item too big to fit
        any frame is logged and left out."""
        envelope = len(orjson.dumps({**frame, field: [], "part": 0, "parts": 0}))
        budget = settings.TANDEM_WS_MAX_SEND_BYTES - envelope - 64  # digits of part/parts
        chunks: list[list] = [[]]
        used = 0
        for item in items:
            size = len(orjson.dumps(item)) + 1  # and its comma
            if size > budget:
                log.warning(
                    "%s list item of %d bytes left out %s", self.role, size, self.safe_who()
                )
                continue
            if used + size > budget:
                chunks.append([])
                used = 0
            chunks[-1].append(item)
            used += size
        for part, chunk in enumerate(chunks):
            await self.send_frame({**frame, field: chunk, "part": part, "parts": len(chunks)})

    # Helpers for subclasses.

    async def check_session_start(self) -> None:
        """Refuse a session start over the client address's per-minute limit."""
        allowed = await database_sync_to_async(session_start_allowed)(client_address(self.scope))
        if not allowed:
            raise TandemError(
                ErrorCode.RATE_LIMITED, "Too many sessions started from your address."
            )

    async def frame_send(self, message: dict) -> None:
        """A frame a service built (core.layers.frame_message), sent on as it is; one for
        the focused tab only is dropped by the visitor tabs without the focus."""
        if message.get("focused_only") and not getattr(self, "focused", True):
            return
        await self.send_frame(message["frame"])

    def header(self, name: bytes) -> str:
        for key, value in self.scope.get("headers", []):
            if key == name:
                return value.decode("latin-1")
        return ""

    def check_own_origin(self) -> None:
        """Refuse a socket opened by a page that is not Tandem's own (an agent's cookie
        rides along on every socket its browser opens, whichever page asks). Clients
        that send no Origin are not browsers, so cannot borrow a browser's cookie."""
        origin = self.header(b"origin")
        if origin and not origin_is_own(
            origin, self.header(b"host"), settings.CSRF_TRUSTED_ORIGINS
        ):
            msg = f"Origin {origin[:100]!r} may not open this socket."
            raise TandemError(ErrorCode.ORIGIN, msg)

    def who(self) -> str:
        """Who is on this socket, for logs: ids only, never page content."""
        return f"path={self.scope.get('path', '')}"

    def safe_who(self) -> str:
        """`who()` for logs written however far connect() got."""
        try:
            return self.who()
        except Exception:
            return f"path={getattr(self, 'scope', {}).get('path', '')}"


class AgentSocket(FrameConsumer):
    """A socket an agent's page opens on Tandem's own origin (the dashboard, a viewer).

    `agent_open()` accepts it, refuses a page that is not Tandem's own, and listens for the
    agent's revocations (core.groups.agent_sockets) before the subclass checks access, so
    a sign-out, deactivation or membership removal that commits after the check still
    lands. A revocation closes the socket when `revocation_applies` to this login and one
    of `revocation_group_ids()`; `revoked_group()` says what a removed group does."""

    revocable = False

    async def agent_open(self) -> bool:
        """Accept; False (the socket told and closed) when the page is not Tandem's own."""
        await self.accept()
        try:
            self.check_own_origin()
        except TandemError as error:
            await self.fail(error)
            return False
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            await self.channel_layer.group_add(groups.agent_sockets(user.pk), self.channel_name)
            self.revocable = True
        return True

    def revocation_group_ids(self) -> list[int]:
        return []

    async def revoked_group(self, message: dict) -> None:
        """One of this socket's groups was taken from the agent: by default it closes."""
        await self.fail(TandemError(ErrorCode(message["code"]), message["msg"]))

    async def agent_revoked(self, message: dict) -> None:
        login = self.scope["session"].session_key if "session" in self.scope else None
        group_ids = self.revocation_group_ids()
        if not groups.revocation_applies(message, login=login, group_ids=group_ids):
            return
        if message["group"]:
            await self.revoked_group(message)
        else:
            await self.fail(TandemError(ErrorCode(message["code"]), message["msg"]))

    async def _cleanup(self, code: int) -> None:
        await super()._cleanup(code)
        if self.revocable:
            self.revocable = False
            user_id = self.scope["user"].pk
            await self.channel_layer.group_discard(groups.agent_sockets(user_id), self.channel_name)
