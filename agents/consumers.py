"""The dashboard socket: a live list of the active sessions in the agent's groups."""

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async
from django.conf import settings

from agents import selectors
from cobrowse import groups, services
from cobrowse.errors import ErrorCode, TandemError
from cobrowse.protocol import DASHBOARD_FRAMES
from cobrowse.selectors import agent_group_ids
from cobrowse.sockets import FrameConsumer
from presence import services as presence

log = logging.getLogger("tandem.dashboard")


class DashboardConsumer(FrameConsumer):
    frames = DASHBOARD_FRAMES
    role = "dashboard"
    # A lookup or signal naming another group's visitor is refused; the dashboard stays.
    keep_open = frozenset({ErrorCode.NOT_FOUND})

    async def connect(self) -> None:
        self.group_ids: list[int] = []
        self.shown: set[tuple[int, str]] = set()  # the visitors this dashboard lists
        self.sweeper: asyncio.Task | None = None
        user = self.scope.get("user")
        await self.accept()
        try:
            self.check_own_origin()
            if user is None or not user.is_authenticated:
                raise TandemError(ErrorCode.UNAUTHENTICATED, "Log in to see sessions.")
        except TandemError as error:
            await self.fail(error)
            return
        # Listen first, then read: a session that starts in between arrives twice (the
        # page keys rows by session key) rather than not at all.
        self.group_ids = await database_sync_to_async(agent_group_ids)(user=user)
        for group_id in self.group_ids:
            await self.channel_layer.group_add(groups.dashboard(group_id), self.channel_name)
        await database_sync_to_async(services.sessions_end_abandoned)(group_ids=self.group_ids)
        sessions = await database_sync_to_async(selectors.dashboard_sessions)(
            group_ids=self.group_ids
        )
        await self.send_frame({"t": "sessions", "sessions": sessions})
        visitors = await database_sync_to_async(presence.dashboard_visitors)(
            group_ids=self.group_ids
        )
        self.shown = {(visitor["group"], visitor["visitorid"]) for visitor in visitors}
        await self.send_frame({"t": "visitors", "visitors": visitors})
        self.sweeper = asyncio.create_task(self.sweep())

    async def sweep(self) -> None:
        """Drop visitors whose page went silent without a goodbye (a server process died
        under them): nobody else will tell this dashboard they are gone."""
        while True:
            await asyncio.sleep(settings.TANDEM_PRESENCE_SWEEP_SECONDS)
            try:
                visitors = await database_sync_to_async(presence.dashboard_visitors)(
                    group_ids=self.group_ids
                )
            except Exception:
                log.exception("dashboard sweep failed %s", self.who())
                continue
            online = {(visitor["group"], visitor["visitorid"]) for visitor in visitors}
            for group, visitor_id in sorted(self.shown - online):
                await self.dashboard_visitor_gone({"group": group, "visitorid": visitor_id})

    async def on_signal(self, frame: dict, text: str) -> None:
        if not self.group_ids:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        sent = await database_sync_to_async(presence.signal_visitor)(
            agent=self.scope["user"],
            group_public_id=frame["group"],
            visitor_id=frame["visitorid"],
            mtype=frame["mtype"],
            data=frame.get("data"),
        )
        await self.send_frame({"t": "signaled", "visitorid": frame["visitorid"], **sent})

    async def on_lookup(self, frame: dict, text: str) -> None:
        if not self.group_ids:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        visitor = await database_sync_to_async(presence.lookup_visitor)(
            agent=self.scope["user"],
            group_public_id=frame["group"],
            visitor_id=frame["visitorid"],
        )
        await self.send_frame(
            {
                "t": "found",
                "group": frame["group"],
                "visitorid": frame["visitorid"],
                "visitor": visitor,
            }
        )

    async def disconnect(self, code) -> None:
        if self.sweeper is not None:
            self.sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sweeper
        for group_id in self.group_ids:
            await self.channel_layer.group_discard(groups.dashboard(group_id), self.channel_name)

    async def dashboard_session(self, message: dict) -> None:
        await self.send_frame({"t": "session", "session": message["session"]})

    async def dashboard_ended(self, message: dict) -> None:
        await self.send_frame({"t": "session_ended", "key": message["key"]})

    async def dashboard_visitor(self, message: dict) -> None:
        self.shown.add((message["visitor"]["group"], message["visitor"]["visitorid"]))
        await self.send_frame({"t": "visitor", "visitor": message["visitor"]})

    async def dashboard_visitor_gone(self, message: dict) -> None:
        self.shown.discard((message["group"], message["visitorid"]))
        await self.send_frame(
            {"t": "visitor_gone", "group": message["group"], "visitorid": message["visitorid"]}
        )

    async def dashboard_agents(self, message: dict) -> None:
        await self.send_frame({"t": "agents", "key": message["key"], "count": message["count"]})
