"""The presence socket of a visitor page: who is here, what they look at, and the agents'
signals and invokes for them."""

import asyncio

from channels.db import database_sync_to_async
from django.conf import settings

from cobrowse.selectors import group_for_socket
from core.errors import ErrorCode, TandemError
from core.later import call_later
from core.protocol import PRESENCE, CloseCode
from core.sockets import FrameConsumer
from presence import registry, services


class PresenceConsumer(FrameConsumer):
    frames = PRESENCE.client
    server_frames = PRESENCE.server
    role = "presence"

    async def connect(self) -> None:
        self.group = None
        self.visitor_id: str | None = None
        self.focused = False
        self.deadline: float | None = None  # a unique connection's end, on registry.now()
        self.expiry: asyncio.TimerHandle | None = None
        self.handed: set[int] = set()  # stored messages this connection was handed
        await self.accept()
        try:
            self.group = await database_sync_to_async(group_for_socket)(
                public_id=self.scope["url_route"]["kwargs"]["group"],
                origin=self.header(b"origin"),
                host=self.header(b"host"),
            )
        except TandemError as error:
            await self.fail(error)

    async def disconnect(self, code) -> None:
        if self.expiry is not None:
            self.expiry.cancel()
        # A page that closes its socket itself (disconnect(), a new visitor id) leaves now.
        # One that went away (1001: it went to another page or was closed) or lost the
        # connection stays online a little, for its next page to connect. A unique id is
        # the connection's own: no page comes back to it.
        away = code != CloseCode.NORMAL and self.deadline is None
        await self.leave(settings.TANDEM_PRESENCE_LEAVE_GRACE_SECONDS if away else 0)

    async def leave(self, grace: float = 0) -> None:
        """Go offline: the visitor's entry (after `grace` seconds unless a page of it comes
        back) and a unique id (at once) are freed."""
        if self.visitor_id is None:
            return
        visitor_id, self.visitor_id = self.visitor_id, None
        await self.channel_layer.group_discard(
            services.visitor_group(self.group.id, visitor_id), self.channel_name
        )
        away_until = await database_sync_to_async(services.visitor_disconnect)(
            group=self.group, visitor_id=visitor_id, channel=self.channel_name, grace=grace
        )
        if away_until is not None:
            # If this process dies first, the dashboards' sweep drops the visitor
            # (TANDEM_PRESENCE_SWEEP_SECONDS): past its grace it no longer counts as online.
            call_later(
                grace,
                services.visitor_gone_if_not_back,
                group=self.group,
                visitor_id=visitor_id,
                away_until=away_until,
            )

    async def fail(self, error: TandemError) -> None:
        if error.code == ErrorCode.EXPIRED:
            await self.leave()
        await super().fail(error)

    def who(self) -> str:
        return f"group={self.group.public_id if self.group else '-'}"

    def _visitor(self) -> str:
        if self.group is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        if self.visitor_id is None:
            raise TandemError(ErrorCode.NOT_STARTED, "Send 'hello' with a visitor id first.")
        services.unique_check(deadline=self.deadline)
        return self.visitor_id

    async def on_hello(self, frame: dict, text: str) -> None:
        if self.group is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        if self.visitor_id is not None:
            raise TandemError(ErrorCode.ALREADY_STARTED, "This socket already said hello.")
        if frame.get("unique"):
            await self.hello_unique(frame)
            return
        if "visitorid" not in frame:
            raise TandemError(ErrorCode.BAD_FRAME, "'hello' needs a visitorid or unique: true.")
        visitor_id = services.visitor_id_check(frame["visitorid"])
        pending = await database_sync_to_async(services.visitor_connect)(
            group=self.group,
            visitor_id=visitor_id,
            channel=self.channel_name,
            signature=frame.get("visitorsig"),
            cobrowse=frame.get("cobrowse", False),
        )
        await self.listen_as(visitor_id)
        await self.hand(pending)

    async def hello_unique(self, frame: dict) -> None:
        if "visitorid" in frame:
            raise TandemError(ErrorCode.BAD_FRAME, "A unique connection is given its id.")
        code, self.deadline = await database_sync_to_async(services.unique_connect)(
            group=self.group, channel=self.channel_name, cobrowse=frame.get("cobrowse", False)
        )
        await self.listen_as(code)
        await self.send_frame(PRESENCE.frame("unique", visitorid=code, seconds=self.remaining()))
        self.expire_at_deadline()

    async def listen_as(self, visitor_id: str) -> None:
        await self.channel_layer.group_add(
            services.visitor_group(self.group.id, visitor_id), self.channel_name
        )
        self.visitor_id = visitor_id
        self.focused = True
        await self.send_frame(PRESENCE.frame("connected", visitorid=visitor_id))

    def remaining(self) -> int:
        return max(0, round(self.deadline - registry.now()))

    def expire_at_deadline(self) -> None:
        """Close a unique connection when its time is up, whether or not it sends. Only this
        socket's own goodbye: the id itself is free at its deadline in the registry even if
        this process dies first (presence/registry.py)."""
        if self.expiry is not None:
            self.expiry.cancel()
        loop = asyncio.get_running_loop()
        delay = max(0.0, self.deadline - registry.now()) + 0.05
        self.expiry = loop.call_later(delay, lambda: loop.create_task(self.check_expiry()))

    async def check_expiry(self) -> None:
        try:
            services.unique_check(deadline=self.deadline)
        except TandemError as error:
            await self.fail(error)
        else:
            self.expire_at_deadline()  # extended meanwhile

    async def on_extend(self, frame: dict, text: str) -> None:
        visitor_id = self._visitor()
        if self.deadline is None:
            raise TandemError(ErrorCode.BAD_FRAME, "Only a unique connection can be extended.")
        before = self.deadline
        self.deadline = await database_sync_to_async(services.unique_extend)(
            group=self.group, code=visitor_id, channel=self.channel_name, deadline=self.deadline
        )
        await self.send_frame(PRESENCE.frame("extended", seconds=round(self.deadline - before)))
        self.expire_at_deadline()

    async def on_presence(self, frame: dict, text: str) -> None:
        visitor_id = self._visitor()
        info = {name: frame[name] for name in ("url", "title", "browser", "data") if name in frame}
        await database_sync_to_async(services.visitor_presence)(
            group=self.group, visitor_id=visitor_id, channel=self.channel_name, info=info
        )

    async def on_ping(self, frame: dict, text: str) -> None:
        await database_sync_to_async(registry.visitor_seen)(
            group_id=self.group.id, visitor_id=self._visitor(), channel=self.channel_name
        )

    async def on_focus(self, frame: dict, text: str) -> None:
        """The visitor looks at this tab again: it takes the focus back."""
        pending = await database_sync_to_async(services.visitor_focus)(
            group=self.group, visitor_id=self._visitor(), channel=self.channel_name
        )
        await self.take_focus(pending)

    async def take_focus(self, pending: list[dict]) -> None:
        self.focused = True
        await self.send_frame(PRESENCE.frame("focus"))
        await self.hand(pending)

    async def hand(self, pending: list[dict]) -> None:
        """Send stored messages this connection has not been handed yet."""
        for message in pending:
            if message["id"] not in self.handed:
                self.handed.add(message["id"])
                await self.send_frame(message)

    async def on_ack(self, frame: dict, text: str) -> None:
        await database_sync_to_async(services.message_ack)(
            group=self.group,
            visitor_id=self._visitor(),
            message_id=frame["id"],
            shown=frame.get("shown", True),
        )

    async def on_terms(self, frame: dict, text: str) -> None:
        await database_sync_to_async(services.visitor_terms)(
            group=self.group,
            visitor_id=self._visitor(),
            status=frame["status"],
            key=frame.get("key"),
        )

    # Channel-layer messages.

    async def presence_focus(self, message: dict) -> None:
        """The visitor's focus moved: a newer tab connected, a tab took it back, or the
        focused tab closed. The registry, not the order of these messages, says where."""
        if self.visitor_id is None:
            return
        focused = await database_sync_to_async(registry.visitor_focused)(
            group_id=self.group.id, visitor_id=self.visitor_id
        )
        if focused is None:
            return
        if (focused == self.channel_name) == self.focused:
            if self.focused:
                # Another connection closed: if it was the visitor's first, this one may
                # now be, and the stored messages are its to have.
                await self.hand(
                    await database_sync_to_async(services.pending_messages)(
                        group=self.group, visitor_id=self.visitor_id, channel=self.channel_name
                    )
                )
            return
        if self.focused:
            self.focused = False
            await self.send_frame(PRESENCE.frame("blur"))
            return
        pending = await database_sync_to_async(services.pending_messages)(
            group=self.group, visitor_id=self.visitor_id, channel=self.channel_name
        )
        await self.take_focus(pending)

    async def presence_message(self, message: dict) -> None:
        if self.focused:
            self.handed.add(message["frame"]["id"])
            await self.send_frame(message["frame"])
