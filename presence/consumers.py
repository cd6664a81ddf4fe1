"""The presence socket of a visitor page: who is here, what they look at, and the agents'
signals and invokes for them."""

from channels.db import database_sync_to_async

from cobrowse.errors import ErrorCode, TandemError
from cobrowse.selectors import group_for_page
from cobrowse.sockets import FrameConsumer
from presence import registry, services
from presence.protocol import PRESENCE_FRAMES


class PresenceConsumer(FrameConsumer):
    frames = PRESENCE_FRAMES
    role = "presence"

    async def connect(self) -> None:
        self.group = None
        self.visitor_id: str | None = None
        self.focused = False
        await self.accept()
        try:
            self.group = await database_sync_to_async(group_for_page)(
                self.scope["url_route"]["kwargs"]["group"], self.header(b"origin")
            )
        except TandemError as error:
            await self.fail(error)

    async def disconnect(self, code) -> None:
        if self.visitor_id is None:
            return
        await self.channel_layer.group_discard(
            services.visitor_group(self.group.id, self.visitor_id), self.channel_name
        )
        await database_sync_to_async(services.visitor_disconnect)(
            group=self.group, visitor_id=self.visitor_id, channel=self.channel_name
        )

    def who(self) -> str:
        return f"group={self.group.public_id if self.group else '-'}"

    def _visitor(self) -> str:
        if self.group is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        if self.visitor_id is None:
            raise TandemError(ErrorCode.NOT_STARTED, "Send 'hello' with a visitor id first.")
        return self.visitor_id

    async def on_hello(self, frame: dict, text: str) -> None:
        if self.group is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        if self.visitor_id is not None:
            raise TandemError(ErrorCode.ALREADY_STARTED, "This socket already said hello.")
        visitor_id = services.check_visitor_id(frame["visitorid"])
        await self.channel_layer.group_add(
            services.visitor_group(self.group.id, visitor_id), self.channel_name
        )
        self.visitor_id = visitor_id
        self.focused = True
        pending = await database_sync_to_async(services.visitor_connect)(
            group=self.group, visitor_id=visitor_id, channel=self.channel_name
        )
        await self.send_frame({"t": "connected", "visitorid": visitor_id})
        for message in pending:
            await self.send_frame(message)

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

    async def on_ack(self, frame: dict, text: str) -> None:
        await database_sync_to_async(services.message_ack)(
            group=self.group, visitor_id=self._visitor(), message_id=frame["id"]
        )

    # Channel-layer messages.

    async def presence_focus(self, message: dict) -> None:
        """A newer connection of the same visitor took the focus."""
        if message["channel"] != self.channel_name and self.focused:
            self.focused = False
            await self.send_frame({"t": "blur"})

    async def presence_message(self, message: dict) -> None:
        if self.focused:
            await self.send_frame(message["frame"])
