"""Session sockets: the visitor page's and each watching agent's.

Thin edges: validate (in `FrameConsumer`), call one service, reply. Channel-layer
messages are handled by one method per type (`session.ended` -> `session_ended`).
"""

import logging

from channels.db import database_sync_to_async

from cobrowse import groups, mirror, selectors, services
from cobrowse.domains import origin_trusted
from cobrowse.errors import ErrorCode, TandemError
from cobrowse.protocol import AGENT_FRAMES, VISITOR_FRAMES
from cobrowse.sockets import CLOSE_ENDED, FrameConsumer

log = logging.getLogger("tandem.session")


@database_sync_to_async
def _visitor_group(public_id: int, origin: str):
    group = selectors.group_get(public_id=public_id)
    if not origin_trusted(origin, selectors.group_trusted_patterns(group=group)):
        raise TandemError(
            ErrorCode.ORIGIN, f"Origin {origin[:100]!r} is not trusted by this group."
        )
    return group


class VisitorConsumer(FrameConsumer):
    """The visitor page: starts a session, then streams its rrweb frames."""

    frames = VISITOR_FRAMES
    role = "visitor"

    async def connect(self) -> None:
        self.group = None
        self.session = None
        await self.accept()
        try:
            self.group = await _visitor_group(
                self.scope["url_route"]["kwargs"]["group"], self.header(b"origin")
            )
        except TandemError as error:
            await self.fail(error)

    async def disconnect(self, code) -> None:
        if self.session is not None:
            await self.channel_layer.group_discard(
                groups.session_visitor(self.session.id), self.channel_name
            )
            await database_sync_to_async(services.session_end)(
                session_id=self.session.id, actor="visitor", reason="disconnected"
            )

    def who(self) -> str:
        group = self.group.public_id if self.group else "-"
        key = self.session.key if self.session else "-"
        return f"group={group} key={key}"

    def _live_session_id(self) -> int:
        if self.group is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        if self.session is None:
            raise TandemError(ErrorCode.NOT_STARTED, "Send 'start' before mirror frames.")
        return self.session.id

    async def on_start(self, frame: dict, text: str) -> None:
        if self.group is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        if self.session is not None:
            raise TandemError(ErrorCode.ALREADY_STARTED, "This socket already has a session.")
        user_agent = frame.get("ua") or self.header(b"user-agent")
        self.session = await database_sync_to_async(services.session_start)(
            group=self.group, site_name=frame["site"], key=frame.get("key"), user_agent=user_agent
        )
        await self.channel_layer.group_add(
            groups.session_visitor(self.session.id), self.channel_name
        )
        await self.send_frame({"t": "started", "key": self.session.key, "agents": 0})

    async def on_ev(self, frame: dict, text: str) -> None:
        await mirror.mirror_broadcast(session_id=self._live_session_id(), text=text)

    async def on_snap(self, frame: dict, text: str) -> None:
        await mirror.snapshot_deliver(
            session_id=self._live_session_id(), recipients=frame.get("to"), text=text
        )

    async def on_stop(self, frame: dict, text: str) -> None:
        session_id = self._live_session_id()
        await database_sync_to_async(services.session_end)(
            session_id=session_id, actor="visitor", reason="stopped"
        )

    # Channel-layer messages.

    async def snapshot_request(self, message: dict) -> None:
        await self.send_frame({"t": "snapshot", "to": [message["rid"]]})

    async def agents_count(self, message: dict) -> None:
        await self.send_frame({"t": "agents", "count": message["count"]})

    async def session_ended(self, message: dict) -> None:
        if self.session is not None:
            await self.channel_layer.group_discard(
                groups.session_visitor(self.session.id), self.channel_name
            )
            self.session = None
        await self.send_frame({"t": "ended", "reason": message["reason"]})
        await self.close(code=CLOSE_ENDED, reason="session ended")


class AgentConsumer(FrameConsumer):
    """An agent watching one session: receives its mirror frames, asks for snapshots."""

    frames = AGENT_FRAMES
    role = "agent"

    async def connect(self) -> None:
        self.session = None
        self.user = self.scope.get("user")
        await self.accept()
        key = self.scope["url_route"]["kwargs"]["key"]
        try:
            self.check_own_origin()
            session = await database_sync_to_async(selectors.access_session)(
                user=self.user, key=key
            )
            # Listen before joining: an end that commits in between still reaches us,
            # and the join itself refuses a session that has already ended.
            await self.channel_layer.group_add(groups.session_agents(session.id), self.channel_name)
            try:
                count = await database_sync_to_async(services.session_agent_join)(
                    session=session, agent=self.user
                )
            except TandemError:
                await self.channel_layer.group_discard(
                    groups.session_agents(session.id), self.channel_name
                )
                raise
        except TandemError as error:
            await self.fail(error)
            return
        self.session = session
        await self.send_frame(
            {
                "t": "joined",
                "key": self.session.key,
                "group": self.session.group.public_id,
                "site": self.session.site.name,
                "userAgent": self.session.visitor_user_agent,
                "agents": count,
            }
        )
        await mirror.snapshot_request(session_id=self.session.id, reply_to=self.channel_name)

    async def disconnect(self, code) -> None:
        if self.session is None:
            return
        await self.channel_layer.group_discard(
            groups.session_agents(self.session.id), self.channel_name
        )
        await database_sync_to_async(services.session_agent_leave)(
            session=self.session, agent=self.user
        )

    def who(self) -> str:
        name = self.user.get_username() if self.user and self.user.is_authenticated else "-"
        return f"agent={name} key={self.session.key if self.session else '-'}"

    async def on_resync(self, frame: dict, text: str) -> None:
        if self.session is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        await mirror.snapshot_request(session_id=self.session.id, reply_to=self.channel_name)

    # Channel-layer messages.

    async def mirror_frame(self, message: dict) -> None:
        await self.send(text_data=message["text"])

    async def agents_count(self, message: dict) -> None:
        await self.send_frame({"t": "agents", "count": message["count"]})

    async def session_ended(self, message: dict) -> None:
        if self.session is None:  # the join was refused; the socket is closing already
            return
        await self.send_frame({"t": "ended", "reason": message["reason"]})
        await self.channel_layer.group_discard(
            groups.session_agents(self.session.id), self.channel_name
        )
        self.session = None
        await self.close(code=CLOSE_ENDED, reason="session ended")


class NoSuchSocketConsumer(FrameConsumer):
    """Any other socket path: a clear error frame and close, not a server traceback."""

    role = "unrouted"

    async def connect(self) -> None:
        await self.accept()
        await self.fail(TandemError(ErrorCode.NOT_FOUND, "No socket at this path."))
