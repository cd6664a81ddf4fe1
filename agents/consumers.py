"""The dashboard socket: a live list of the active sessions in the agent's groups."""

import asyncio
import contextlib
import logging

from channels.db import database_sync_to_async
from django.conf import settings

from agents import availability, services
from cobrowse.selectors import agent_group_ids, group_for_socket
from core import groups
from core.errors import ErrorCode, TandemError
from core.protocol import DASHBOARD, STATUS, CloseCode
from core.sockets import AgentSocket, FrameConsumer
from presence import services as presence

log = logging.getLogger("tandem.dashboard")


class DashboardConsumer(AgentSocket):
    frames = DASHBOARD.client
    server_frames = DASHBOARD.server
    role = "dashboard"
    # A lookup or signal naming another group's visitor is refused; the dashboard stays.
    keep_open = frozenset({ErrorCode.NOT_FOUND})

    async def connect(self) -> None:
        self.group_ids: list[int] = []
        self.shown: set[tuple[int, str]] = set()  # the visitors this dashboard lists
        self.sweeper: asyncio.Task | None = None
        self.available = False
        if not await self.agent_open():
            return
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.fail(TandemError(ErrorCode.UNAUTHENTICATED, "Log in to see sessions."))
            return
        # Listen first, then read: a session that starts in between arrives twice (the
        # page keys rows by session key) rather than not at all.
        self.group_ids = await database_sync_to_async(agent_group_ids)(user=user)
        for name in [*map(groups.dashboard, self.group_ids), groups.agent_dashboards(user.pk)]:
            await self.channel_layer.group_add(name, self.channel_name)
        start = await database_sync_to_async(services.dashboard_start)(
            user=user, group_ids=self.group_ids, channel=self.channel_name
        )
        self.available = start.available
        self.shown = {(visitor["group"], visitor["visitorid"]) for visitor in start.visitors}
        await self.send_frame(DASHBOARD.frame("availability", available=self.available))
        # Lists go in parts under the send limit (5,000 visitors are several MiB).
        await self.send_list(DASHBOARD.frame("sessions"), "sessions", start.sessions)
        await self.send_list(DASHBOARD.frame("visitors"), "visitors", start.visitors)
        self.sweeper = asyncio.create_task(self.sweep())

    async def announce_open(self) -> None:
        await database_sync_to_async(availability.dashboard_open)(
            user=self.scope["user"],
            group_ids=self.group_ids,
            channel=self.channel_name,
            available=self.available,
        )

    async def sweep(self) -> None:
        """Drop visitors whose page went silent without a goodbye (a server process died
        under them): nobody else will tell this dashboard they are gone. Say that this
        dashboard is still open, so its agent's availability keeps counting."""
        while True:
            await asyncio.sleep(settings.TANDEM_PRESENCE_SWEEP_SECONDS)
            try:
                await self.announce_open()
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
        sent = await database_sync_to_async(presence.signal_send)(
            agent=self.scope["user"],
            group_public_id=frame["group"],
            visitor_id=frame["visitorid"],
            mtype=frame["mtype"],
            data=frame.get("data"),
        )
        await self.send_frame(
            DASHBOARD.frame("signaled", visitorid=frame["visitorid"], mtype=frame["mtype"], **sent)
        )

    async def on_lookup(self, frame: dict, text: str) -> None:
        if not self.group_ids:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        visitor = await database_sync_to_async(presence.visitor_lookup)(
            agent=self.scope["user"],
            group_public_id=frame["group"],
            visitor_id=frame["visitorid"],
        )
        await self.send_frame(
            DASHBOARD.frame(
                "found", group=frame["group"], visitorid=frame["visitorid"], visitor=visitor
            )
        )

    async def on_availability(self, frame: dict, text: str) -> None:
        if not self.group_ids:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        await database_sync_to_async(availability.availability_set)(
            user=self.scope["user"], group_ids=self.group_ids, available=frame["available"]
        )

    async def disconnect(self, code) -> None:
        if self.sweeper is not None:
            self.sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.sweeper
        for group_id in self.group_ids:
            await self.channel_layer.group_discard(groups.dashboard(group_id), self.channel_name)
        if self.group_ids:
            await self.channel_layer.group_discard(
                groups.agent_dashboards(self.scope["user"].pk), self.channel_name
            )
            await database_sync_to_async(availability.dashboard_closed)(
                group_ids=self.group_ids, channel=self.channel_name
            )

    def revocation_group_ids(self) -> list[int]:
        return self.group_ids

    async def revoked_group(self, message: dict) -> None:
        """One group fewer: close so that the page reconnects at once and lists only the
        groups the agent still has."""
        await self.close(code=CloseCode.GROUPS_CHANGED, reason="groups changed")

    async def dashboard_availability(self, message: dict) -> None:
        """The agent switched on one of its dashboards: every one of them follows."""
        self.available = message["available"]
        await self.send_frame(DASHBOARD.frame("availability", available=self.available))

    async def dashboard_visitor(self, message: dict) -> None:
        self.shown.add((message["visitor"]["group"], message["visitor"]["visitorid"]))
        await self.send_frame(DASHBOARD.frame("visitor", visitor=message["visitor"]))

    async def dashboard_visitor_gone(self, message: dict) -> None:
        self.shown.discard((message["group"], message["visitorid"]))
        await self.send_frame(
            DASHBOARD.frame("visitor_gone", group=message["group"], visitorid=message["visitorid"])
        )


class StatusConsumer(FrameConsumer):
    """A visitor page's view of its group: is an agent available right now? Sent on
    connect and on every change; the page sends nothing."""

    frames = STATUS.client
    server_frames = STATUS.server
    role = "status"

    async def connect(self) -> None:
        self.group = None
        await self.accept()
        try:
            self.group = await database_sync_to_async(group_for_socket)(
                public_id=self.scope["url_route"]["kwargs"]["group"],
                origin=self.header(b"origin"),
                host=self.header(b"host"),
            )
        except TandemError as error:
            await self.fail(error)
            return
        await self.channel_layer.group_add(groups.agent_status(self.group.id), self.channel_name)
        available = await database_sync_to_async(availability.group_available)(
            group_id=self.group.id
        )
        await self.send_frame(STATUS.frame("agent_status", available=available))

    async def disconnect(self, code) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(
                groups.agent_status(self.group.id), self.channel_name
            )

    def who(self) -> str:
        return f"group={self.group.public_id if self.group else '-'}"
