"""Session sockets: the visitor page's and each watching agent's.

Thin edges: validate (in `FrameConsumer`), call one service, reply. Channel-layer
messages are handled by one method per type (`session.ended` -> `session_ended`).
"""

import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings

from cobrowse import pages, selectors
from cobrowse.asset_proxy import asset_base
from cobrowse.models import CobrowseSession
from cobrowse.relays import annotations, chat, mirror, rtc
from cobrowse.relays.input import input_refused, input_relay
from cobrowse.services import remote_control, reverse, sessions, share, tabs
from core import groups, ids
from core.errors import ErrorCode, TandemError
from core.later import call_later
from core.protocol import AGENT, INPUT_KINDS, VISITOR
from core.sockets import CLOSE_ENDED, AgentSocket, FrameConsumer

RC_ON = CobrowseSession.RemoteControl.ON

log = logging.getLogger("tandem.session")


_visitor_group = database_sync_to_async(selectors.group_for_page)


class VisitorConsumer(FrameConsumer):
    """A visitor page: starts or resumes a session, then streams its rrweb frames while its
    tab has the session's focus."""

    frames = VISITOR.client
    server_frames = VISITOR.server
    role = "visitor"

    async def connect(self) -> None:
        self.group = None
        self.session = None
        self.focused = False
        self.marks = annotations.VisitorMarks()
        await self.accept()
        try:
            self.group = await _visitor_group(
                self.scope["url_route"]["kwargs"]["group"], self.header(b"origin")
            )
        except TandemError as error:
            await self.fail(error)

    async def disconnect(self, code) -> None:
        if self.session is None:
            return
        session_id = self.session.id
        await self.channel_layer.group_discard(
            groups.session_visitor(session_id), self.channel_name
        )
        left_at = await database_sync_to_async(tabs.session_visitor_left)(
            session_id=session_id, channel=self.channel_name
        )
        if left_at is None:
            return
        grace = settings.TANDEM_VISITOR_GRACE_SECONDS
        if grace == 0:
            await database_sync_to_async(sessions.session_end_if_abandoned)(
                session_id=session_id, left_at=left_at
            )
        else:
            # If this process dies first, another process's sweep ends it (cobrowse/sweeps.py),
            # and the row lock lets only one of them do so.
            call_later(
                grace, sessions.session_end_if_abandoned, session_id=session_id, left_at=left_at
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

    def _may_begin(self) -> None:
        if self.group is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        if self.session is not None:
            raise TandemError(ErrorCode.ALREADY_STARTED, "This socket already has a session.")

    async def _session_frame(self, frame_type: str) -> None:
        session = self.session
        state = await database_sync_to_async(sessions.visitor_state)(session=session)
        await self.send_frame(
            VISITOR.frame(
                frame_type,
                key=session.key,
                agents=session.agents_watching,
                resume=tabs.resume_token(session=session),
                state=state,
            )
        )

    async def on_start(self, frame: dict, text: str) -> None:
        self._may_begin()
        await self.check_session_start()
        user_agent = frame.get("ua") or self.header(b"user-agent")
        self.session = await database_sync_to_async(sessions.session_start)(
            group=self.group,
            site_name=frame["site"],
            key=frame.get("key"),
            user_agent=user_agent,
            channel=self.channel_name,
            reverse=frame.get("reverse", False),
            visitor={name: frame[name] for name in ("name", "email", "phone") if name in frame},
            page=pages.page_from_frame(frame),
        )
        self.focused = True
        await self.channel_layer.group_add(
            groups.session_visitor(self.session.id), self.channel_name
        )
        await self._session_frame("started")
        for frame in share.frames_on_start(session=self.session):
            await self.send_frame(frame)

    async def on_resume(self, frame: dict, text: str) -> None:
        """A new page of the tab (or the same page after a dropped connection) rejoins."""
        self._may_begin()
        session_id = await database_sync_to_async(tabs.resume_claims)(
            group=self.group, token=frame["token"]
        )
        # Listen first: an end that commits from here on reaches this socket, and one that
        # committed before is seen by session_resume, which refuses ended sessions.
        await self.channel_layer.group_add(groups.session_visitor(session_id), self.channel_name)
        try:
            self.session = await database_sync_to_async(tabs.session_resume)(
                session_id=session_id, channel=self.channel_name, why=frame.get("why") or ""
            )
        except TandemError:
            await self.channel_layer.group_discard(
                groups.session_visitor(session_id), self.channel_name
            )
            raise
        self.focused = True
        page = pages.page_from_frame(frame)
        if page:
            await database_sync_to_async(sessions.session_page_moved)(
                session=self.session, page=page
            )
        await self._session_frame("resumed")
        for frame in share.frames_on_resume(session=self.session):
            await self.send_frame(frame)

    async def on_focus(self, frame: dict, text: str) -> None:
        session_id = self._live_session_id()
        changed = await database_sync_to_async(tabs.session_focus)(
            session_id=session_id, channel=self.channel_name
        )
        if not changed and not self.focused:
            self.focused = True
            await self.send_frame(VISITOR.frame("focus"))

    async def on_visibility(self, frame: dict, text: str) -> None:
        await database_sync_to_async(tabs.visitor_visibility)(
            session_id=self._live_session_id(), channel=self.channel_name, hidden=frame["hidden"]
        )

    async def on_pause(self, frame: dict, text: str) -> None:
        await database_sync_to_async(tabs.visitor_paused)(
            session_id=self._live_session_id(), channel=self.channel_name, paused=frame["paused"]
        )

    async def on_ev(self, frame: dict, text: str) -> None:
        session_id = self._live_session_id()
        if self.focused:  # a tab that just lost focus may still flush a batch: drop it
            await mirror.mirror_broadcast(session_id=session_id, text=text)

    async def on_snap(self, frame: dict, text: str) -> None:
        session_id = self._live_session_id()
        if self.focused:
            await mirror.snapshot_deliver(
                session_id=session_id, recipients=frame.get("to"), text=text
            )

    async def on_handoff(self, frame: dict, text: str) -> None:
        self._live_session_id()
        token = tabs.handoff_token(session=self.session)
        await self.send_frame(VISITOR.frame("handoff", token=token))

    async def on_stop(self, frame: dict, text: str) -> None:
        session_id = self._live_session_id()
        await database_sync_to_async(sessions.session_end)(
            session_id=session_id, actor="visitor", reason="stopped"
        )

    async def on_rc(self, frame: dict, text: str) -> None:
        session_id = self._live_session_id()
        if frame["enabled"]:
            await database_sync_to_async(remote_control.rc_answer)(
                session_id=session_id, accept=True, req=frame.get("req")
            )
        else:
            await database_sync_to_async(remote_control.rc_end)(
                session_id=session_id, actor="visitor"
            )

    async def on_rc_give(self, frame: dict, text: str) -> None:
        await database_sync_to_async(remote_control.rc_give)(
            session_id=self._live_session_id(), to=frame["to"]
        )

    async def on_rc_decline(self, frame: dict, text: str) -> None:
        await database_sync_to_async(remote_control.rc_answer)(
            session_id=self._live_session_id(), accept=False, req=frame["req"]
        )

    async def on_message(self, frame: dict, text: str) -> None:
        await chat.from_visitor(
            session_id=self._live_session_id(),
            data=frame["data"],
            origin=self.header(b"origin"),
            name=self.session.visitor_name,
        )

    async def on_rc_refused(self, frame: dict, text: str) -> None:
        await input_refused(session_id=self._live_session_id(), rid=frame["to"], msg=frame["msg"])

    async def on_rtc(self, frame: dict, text: str) -> None:
        await rtc.rtc_from_visitor(session_id=self._live_session_id(), frame=frame)

    async def on_reverse(self, frame: dict, text: str) -> None:
        await database_sync_to_async(reverse.reverse_answer)(
            session_id=self._live_session_id(), accept=frame["accept"]
        )

    async def on_draw_dismiss(self, frame: dict, text: str) -> None:
        await self.marks.dismiss(session_id=self._live_session_id())

    # Channel-layer messages.

    async def snapshot_request(self, message: dict) -> None:
        if self.focused:
            await self.send_frame(VISITOR.frame("snapshot", to=[message["rid"]]))

    async def rc_changed(self, message: dict) -> None:
        await self.send_frame(
            VISITOR.frame("rc", enabled=message["enabled"], to=message.get("to") or 0)
        )

    async def rc_input(self, message: dict) -> None:
        if self.focused:
            await self.send_frame(VISITOR.frame("input", **message["input"]))

    async def visitor_focus(self, message: dict) -> None:
        focused = message["channel"] == self.channel_name
        if focused != self.focused:
            self.focused = focused
            await self.send_frame(VISITOR.frame("focus" if focused else "blur"))

    async def agents_count(self, message: dict) -> None:
        frame = VISITOR.frame("agents", count=message["count"], names=message.get("names", []))
        if message.get("viewer"):
            frame["viewer"] = message["viewer"]
        await self.send_frame(frame)

    async def session_ended(self, message: dict) -> None:
        if self.session is not None:
            await self.channel_layer.group_discard(
                groups.session_visitor(self.session.id), self.channel_name
            )
            self.session = None
        await self.send_frame(VISITOR.frame("ended", reason=message["reason"]))
        await self.close(code=CLOSE_ENDED, reason="session ended")


class AgentConsumer(AgentSocket):
    """An agent watching one session: receives its mirror frames, asks for snapshots."""

    frames = AGENT.client
    server_frames = AGENT.server
    role = "agent"
    # A viewer that falls behind loses mirror frames and asks for a snapshot on the gap.
    drop_when_slow = True

    def query_group(self) -> int | None:
        """The group (public id) `?group=` names, for a key live in several groups."""
        values = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("group")
        return ids.group_public_id(values[0]) if values else None

    async def connect(self) -> None:
        self.session = None
        self.marks: annotations.AgentMarks | None = None
        self.index: int | None = None  # this agent's client index in the session
        self.rc_on = False
        self.user = self.scope.get("user")
        if not await self.agent_open():
            return
        try:
            session, count = await self.join(self.scope["url_route"]["kwargs"]["key"])
        except TandemError as error:
            await self.fail(error)
            return
        self.session = session
        self.marks = annotations.AgentMarks(
            session_id=session.id,
            index=self.index,
            actor=self.user.get_username(),
            name=sessions.agent_display_name(self.user),
        )
        await self.channel_layer.group_add(groups.session_news(session.group_id), self.channel_name)
        reverse_only = await self.send_joined(count)
        if not reverse_only:  # no page is recorded in it: nothing to ask for
            await mirror.snapshot_request(session_id=session.id, reply_to=self.channel_name)

    async def join(self, key: str) -> tuple[CobrowseSession, int]:
        """Check access to the session `key` and join it: (the session, agents now)."""
        session = await database_sync_to_async(selectors.access_session)(
            user=self.user, key=key, group=self.query_group()
        )
        # Listen before joining: an end that commits in between still reaches us, and the
        # join itself refuses a session that has already ended.
        await self.channel_layer.group_add(groups.session_agents(session.id), self.channel_name)
        try:
            count, self.index = await database_sync_to_async(sessions.session_agent_join)(
                session=session, agent=self.user, channel=self.channel_name
            )
        except TandemError:
            await self.channel_layer.group_discard(
                groups.session_agents(session.id), self.channel_name
            )
            raise
        return session, count

    async def send_joined(self, count: int) -> bool:
        """Tell the viewer what it joined; True for a session with no page recorded."""
        session = self.session
        self.rc_on = session.rc_state == RC_ON and session.rc_holder in (None, self.index)
        shared = await database_sync_to_async(selectors.media_state)(session_id=session.id)
        await self.send_frame(
            AGENT.frame(
                "joined",
                rc=self.rc_on,
                rc_to=(session.rc_holder or 0) if session.rc_state == RC_ON else 0,
                accessibility=session.accessibility,
                key=session.key,
                group=session.group.public_id,
                site=session.site.name,
                user_agent=session.visitor_user_agent,
                visitor=selectors.visitor_params(session=session),
                agents=count,
                index=self.index,
                share=shared["share"],
                reverse=shared["reverse"],
                reverse_only=shared["reverse_only"],
                presence=selectors.visitor_presence(session=session),
                started=int(session.started_at.timestamp() * 1000),
                # The viewer loads the replayed page's assets only through this proxy URL.
                assets=asset_base(session_id=session.id, user_id=self.user.pk),
            )
        )
        return shared["reverse_only"]

    async def disconnect(self, code) -> None:
        if self.session is None:
            return
        await self.channel_layer.group_discard(
            groups.session_agents(self.session.id), self.channel_name
        )
        if self.marks is not None:
            await self.marks.leave()
        await self.channel_layer.group_discard(
            groups.session_news(self.session.group_id), self.channel_name
        )
        if self.index is not None:
            # Control held by (or asked for by) this agent goes back to the visitor.
            await database_sync_to_async(remote_control.rc_end)(
                session_id=self.session.id, actor=self.user.get_username(), holder=self.index
            )
            # So does a share it was running.
            await database_sync_to_async(share.share_stop)(
                session_id=self.session.id,
                index=self.index,
                actor=self.user.get_username(),
                leaving=True,
            )
        await database_sync_to_async(sessions.session_agent_leave)(
            session=self.session, agent=self.user, index=self.index, channel=self.channel_name
        )

    def who(self) -> str:
        name = self.user.get_username() if self.user and self.user.is_authenticated else "-"
        return f"agent={name} key={self.session.key if self.session else '-'}"

    def _session_id(self) -> int:
        if self.session is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        return self.session.id

    async def on_resync(self, frame: dict, text: str) -> None:
        await mirror.snapshot_request(session_id=self._session_id(), reply_to=self.channel_name)

    async def on_rc_request(self, frame: dict, text: str) -> None:
        await database_sync_to_async(remote_control.rc_request)(
            session_id=self._session_id(), agent=self.user, index=self.index
        )

    async def on_accessibility(self, frame: dict, text: str) -> None:
        await database_sync_to_async(sessions.accessibility_set)(
            session_id=self._session_id(), enabled=frame["enabled"], agent=self.user
        )

    async def on_rc_end(self, frame: dict, text: str) -> None:
        await database_sync_to_async(remote_control.rc_end)(
            session_id=self._session_id(), actor=self.user.get_username()
        )

    async def on_message(self, frame: dict, text: str) -> None:
        await chat.from_agent(
            session_id=self._session_id(),
            data=frame["data"],
            origin=self.server_origin(),
            index=self.index,
            name=sessions.agent_display_name(self.user),
        )

    async def on_share_start(self, frame: dict, text: str) -> None:
        await database_sync_to_async(share.share_start)(
            session_id=self._session_id(),
            index=self.index,
            actor=self.user.get_username(),
            view=frame["view"],
        )

    async def on_share_pause(self, frame: dict, text: str) -> None:
        await database_sync_to_async(share.share_pause)(
            session_id=self._session_id(),
            index=self.index,
            actor=self.user.get_username(),
            paused=True,
        )

    async def on_share_resume(self, frame: dict, text: str) -> None:
        await database_sync_to_async(share.share_pause)(
            session_id=self._session_id(),
            index=self.index,
            actor=self.user.get_username(),
            paused=False,
        )

    async def on_share_stop(self, frame: dict, text: str) -> None:
        await database_sync_to_async(share.share_stop)(
            session_id=self._session_id(), index=self.index, actor=self.user.get_username()
        )

    async def on_rtc(self, frame: dict, text: str) -> None:
        await rtc.rtc_from_agent(session_id=self._session_id(), index=self.index, frame=frame)

    async def on_reverse_invite(self, frame: dict, text: str) -> None:
        await database_sync_to_async(reverse.reverse_invite)(
            session_id=self._session_id(), actor=self.user.get_username()
        )

    async def on_reverse_end(self, frame: dict, text: str) -> None:
        await database_sync_to_async(reverse.reverse_end)(
            session_id=self._session_id(), actor=self.user.get_username()
        )

    async def on_end(self, frame: dict, text: str) -> None:
        await database_sync_to_async(sessions.session_end)(
            session_id=self._session_id(), actor=self.user.get_username(), reason="agent_ended"
        )

    async def on_input(self, frame: dict, text: str) -> None:
        session_id = self._session_id()
        if not self.rc_on:
            raise TandemError(ErrorCode.RC_OFF, "The visitor has not given you control.")
        if frame["kind"] not in INPUT_KINDS:
            raise TandemError(ErrorCode.BAD_FRAME, f"Unknown input kind {frame['kind']!r}.")
        await input_relay(session_id=session_id, reply_to=self.channel_name, frame=frame)

    def _marks(self) -> annotations.AgentMarks:
        if self.session is None or self.marks is None:
            raise TandemError(ErrorCode.FORBIDDEN, "This socket was refused.")
        return self.marks

    async def on_pointer(self, frame: dict, text: str) -> None:
        await self._marks().pointer(x=frame["x"], y=frame["y"], page=frame.get("p"))

    async def on_pointer_hide(self, frame: dict, text: str) -> None:
        await self._marks().pointer_hide()

    async def on_draw(self, frame: dict, text: str) -> None:
        await self._marks().draw(
            stroke=frame["id"], kind=frame["kind"], points=frame["pts"], page=frame.get("p")
        )

    async def on_draw_clear(self, frame: dict, text: str) -> None:
        await self._marks().clear()

    async def caught_up(self) -> None:
        # Frames were lost, perhaps the snapshot this viewer asked for on its gap: ask the
        # page for a fresh one, so the view converges whatever went missing.
        if self.session is not None:
            await mirror.snapshot_request(session_id=self.session.id, reply_to=self.channel_name)

    # Channel-layer messages.

    async def mirror_frame(self, message: dict) -> None:
        await self.send(text_data=message["text"])

    async def session_news(self, message: dict) -> None:
        """A new session in this session's group: the viewer tells its agent."""
        if message["session"]["key"] != self.session.key:
            await self.send_frame(AGENT.frame("session_new", session=message["session"]))

    async def agents_count(self, message: dict) -> None:
        frame = AGENT.frame("agents", count=message["count"])
        if message.get("viewer"):
            frame["viewer"] = message["viewer"]
        await self.send_frame(frame)

    async def annotation_dismissed(self, message: dict) -> None:
        if self.marks is not None:
            self.marks.dismissed()
        await self.send_frame(AGENT.frame("draw_dismissed"))

    async def media_rtc(self, message: dict) -> None:
        # A view iframe's signalling is for the sharing agent only.
        if message["to"] == self.index:
            await self.send_frame(message["frame"])

    def server_origin(self) -> str:
        """Tandem's own origin as the agent's browser reached it: a message's sender."""
        scheme = "https" if self.scope.get("scheme") in ("https", "wss") else "http"
        return f"{scheme}://{self.header(b'host')}"

    async def rc_changed(self, message: dict) -> None:
        # `enabled`: this agent may act on the page; `to`: who holds control (0: visitor).
        self.rc_on = message["enabled"] and message.get("to") in (None, self.index)
        await self.send_frame(AGENT.frame("rc", enabled=self.rc_on, to=message.get("to") or 0))

    async def rc_refused(self, message: dict) -> None:
        await self.send_frame(
            AGENT.frame("error", code=str(ErrorCode.MASKED), msg=message["msg"][:200])
        )

    async def session_ended(self, message: dict) -> None:
        if self.session is None:  # the join was refused and the socket closed
            return
        await self.send_frame(AGENT.frame("ended", reason=message["reason"]))
        await self.channel_layer.group_discard(
            groups.session_agents(self.session.id), self.channel_name
        )
        self.session = None
        await self.close(code=CLOSE_ENDED, reason="session ended")

    def revocation_group_ids(self) -> list[int]:
        return [self.session.group_id] if self.session is not None else []


class NoSuchSocketConsumer(FrameConsumer):
    """Any other socket path: a clear error frame and close, not a server traceback."""

    role = "unrouted"

    async def connect(self) -> None:
        await self.accept()
        await self.fail(TandemError(ErrorCode.NOT_FOUND, "No socket at this path."))
