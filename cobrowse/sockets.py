"""The edge every Tandem socket shares: size and rate limits, validation, error frames.

A subclass declares its frame table and one `on_<type>` handler per frame type; a bad
frame is answered with `{"t": "error", "code", "msg"}` and logged, never a traceback.
"""

import logging

import orjson
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from cobrowse.dispatch import DirectDispatch
from cobrowse.domains import origin_is_own
from cobrowse.errors import ErrorCode, TandemError
from cobrowse.limits import TokenBucket
from cobrowse.models import Group
from cobrowse.protocol import Field, frame_parse
from cobrowse.selectors import group_for_page, group_get

log = logging.getLogger("tandem.socket")

CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_UNAUTHENTICATED = 4401
CLOSE_ENDED = 4000

_CLOSE_FOR = {
    ErrorCode.TOO_BIG: CLOSE_TOO_BIG,
    ErrorCode.RATE_LIMITED: CLOSE_POLICY,
    ErrorCode.ORIGIN: CLOSE_FORBIDDEN,
    ErrorCode.FORBIDDEN: CLOSE_FORBIDDEN,
    ErrorCode.UNAUTHENTICATED: CLOSE_UNAUTHENTICATED,
    ErrorCode.NOT_FOUND: CLOSE_NOT_FOUND,
    ErrorCode.UNKNOWN_GROUP: CLOSE_NOT_FOUND,
    ErrorCode.ENDED: CLOSE_ENDED,
    ErrorCode.EXPIRED: CLOSE_ENDED,
}


class FrameConsumer(DirectDispatch, AsyncWebsocketConsumer):
    frames: dict[str, dict[str, Field]] = {}
    role = "client"
    # Errors that close other sockets but only refuse one request on this one.
    keep_open: frozenset[ErrorCode] = frozenset()

    async def websocket_connect(self, message) -> None:
        self.bucket = TokenBucket(
            rate=settings.TANDEM_WS_RATE_PER_SECOND, burst=settings.TANDEM_WS_RATE_BURST
        )
        await super().websocket_connect(message)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        try:
            if not self.bucket.take():
                raise TandemError(ErrorCode.RATE_LIMITED, "Too many frames; slow down.")
            frame = frame_parse(
                text_data, table=self.frames, max_bytes=settings.TANDEM_WS_MAX_FRAME_BYTES
            )
            await getattr(self, f"on_{frame['t']}")(frame, text_data)
        except TandemError as error:
            await self.fail(error)
        except Exception:
            # A bug of ours must not cost the client its socket, nor others theirs.
            log.exception("%s frame failed %s", self.role, self.who())
            await self.send_frame(
                {"t": "error", "code": str(ErrorCode.INTERNAL), "msg": "Internal error."}
            )

    async def fail(self, error: TandemError) -> None:
        """Tell the client what was wrong; close the socket when the error is fatal."""
        log.warning("%s frame refused: code=%s %s %s", self.role, error.code, error.msg, self.who())
        await self.send_frame(error.frame())
        close_code = None if error.code in self.keep_open else _CLOSE_FOR.get(error.code)
        if close_code is not None:
            await self.close(code=close_code, reason=error.msg[:120])

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

    def page_group(self, public_id: int) -> Group:
        """The group a page's socket names, for a page on one of its trusted domains or on
        Tandem's own origin (the site_connect frame, which holds the socket for the page
        that embeds it: the frame itself is embeddable only by trusted domains)."""
        origin = self.header(b"origin")
        if origin and origin_is_own(origin, self.header(b"host"), settings.CSRF_TRUSTED_ORIGINS):
            return group_get(public_id=public_id)
        return group_for_page(public_id, origin)

    async def send_frame(self, frame: dict) -> None:
        await self.send(text_data=orjson.dumps(frame).decode())

    def who(self) -> str:
        """Who is on this socket, for logs: ids only, never page content."""
        return f"path={self.scope.get('path', '')}"
