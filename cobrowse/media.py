"""Screen share, agent video and reverse sessions: who shares which view and whether it
is paused, the state of a reverse-session invitation, and the WebRTC signalling between
the sharing agent's viewer and the view iframes in the visitor's tabs.

The media itself flows peer to peer; Tandem relays only signalling and stores none of it.
State changes lock the session row, record a timeline event and tell both sides after
the commit, as remote control does (cobrowse/services.py).
"""

import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from cobrowse.models import CobrowseSession, SessionEvent
from cobrowse.services import session_end, session_locked
from core import groups
from core.errors import ErrorCode, TandemError
from core.layers import broadcast_after_commit
from core.protocol import AGENT, VISITOR, Socket

log = logging.getLogger("tandem.media")

# reverse_state values from which an agent may invite (again).
_REVERSE_INVITABLE = ("", "declined", "ended")
_REVERSE_OPEN = ("invited", "accepted")


def _live(session_id: int) -> CobrowseSession:
    session = session_locked(session_id)
    if session is None:
        raise TandemError(ErrorCode.ENDED, "The session has ended.")
    return session


def _to_visitor(session_id: int, frame: dict) -> None:
    broadcast_after_commit(
        groups.session_visitor(session_id), {"type": "media.frame", "frame": frame}
    )


def _to_agents(session_id: int, frame: dict) -> None:
    broadcast_after_commit(
        groups.session_agents(session_id), {"type": "media.frame", "frame": frame}
    )


def _event(session: CobrowseSession, kind: SessionEvent.Type, actor: str, detail: str = "") -> None:
    SessionEvent.objects.create(session=session, type=kind, actor=actor, detail=detail)


def _share_said(session_id: int, *, view: str, state: str, paused: bool, by: int) -> None:
    """Tell the visitor tabs (Glance's screenshare event) and the agents (who also learn
    which agent shares) what the share is doing."""
    _to_visitor(session_id, VISITOR.frame("share", view=view, state=state, paused=paused))
    _to_agents(session_id, AGENT.frame("share", view=view, state=state, paused=paused, by=by))


# Reads.


def share_summary(*, session: CobrowseSession) -> dict | None:
    """The running share as an agent's `joined` frame carries it, or None."""
    if session.share_by is None:
        return None
    return {"view": session.share_view, "paused": session.share_paused, "by": session.share_by}


def media_state(*, session_id: int) -> dict:
    """The share and reverse state for an agent that has just joined: read after the join,
    so a change that committed before its socket listened is not missed."""
    session = CobrowseSession.objects.only(
        "share_by", "share_view", "share_paused", "reverse_state", "reverse_only"
    ).get(id=session_id)
    return {
        "share": share_summary(session=session),
        "reverse": session.reverse_state,
        "reverseOnly": session.reverse_only,
    }


def frames_on_resume(*, session: CobrowseSession) -> list[dict]:
    """What a visitor tab hears after `resumed`: the share it should show again, and an
    open reverse session (a `started` never has either)."""
    frames = []
    if session.share_by is not None:
        frames.append(
            VISITOR.frame(
                "share", view=session.share_view, state="continued", paused=session.share_paused
            )
        )
    if session.reverse_state in _REVERSE_OPEN:
        frames.append(VISITOR.frame("reverse", state=session.reverse_state))
    return frames


def frames_on_start(*, session: CobrowseSession) -> list[dict]:
    """What a visitor page hears after `started`: the invitation of a session started only
    for a reverse session."""
    return [VISITOR.frame("reverse", state="invited")] if session.reverse_only else []


# Screen share and agent video.


def share_start(*, session_id: int, index: int, actor: str, view: str) -> None:
    """The agent with client index `index` starts sharing into `view`; the sharer naming
    another view switches to it. Refused while another agent shares."""
    with transaction.atomic():
        session = _live(session_id)
        if session.share_by is not None and session.share_by != index:
            raise TandemError(ErrorCode.SHARE_BUSY, "Another agent is sharing already.")
        if session.share_by == index:
            if session.share_view == view:
                return
            _event(session, SessionEvent.Type.SHARE_ENDED, actor, session.share_view)
            _share_said(session_id, view=session.share_view, state="ended", paused=False, by=index)
        CobrowseSession.objects.filter(id=session_id).update(
            share_by=index, share_view=view, share_paused=False
        )
        _event(session, SessionEvent.Type.SHARE_STARTED, actor, view)
        _share_said(session_id, view=view, state="new", paused=False, by=index)
    log.info("share started key=%s by=%s view=%s", session.key, index, view)


def _sharer(session_id: int, index: int) -> CobrowseSession:
    session = _live(session_id)
    if session.share_by is None or session.share_by != index:
        raise TandemError(ErrorCode.NOT_SHARER, "You are not sharing in this session.")
    return session


def share_pause(*, session_id: int, index: int, actor: str, paused: bool) -> None:
    """The sharer pauses or resumes its share; the same state again changes nothing."""
    with transaction.atomic():
        session = _sharer(session_id, index)
        if session.share_paused == paused:
            return
        CobrowseSession.objects.filter(id=session_id).update(share_paused=paused)
        view = session.share_view
        kind = SessionEvent.Type.SHARE_PAUSED if paused else SessionEvent.Type.SHARE_RESUMED
        _event(session, kind, actor, view)
        _to_visitor(
            session_id, VISITOR.frame("share_paused" if paused else "share_resumed", view=view)
        )
        _to_agents(
            session_id,
            AGENT.frame("share", view=view, state="continued", paused=paused, by=index),
        )
    log.info("share %s key=%s by=%s", "paused" if paused else "resumed", session.key, index)


def share_stop(*, session_id: int, index: int, actor: str, leaving: bool = False) -> None:
    """The sharer stops its share. `leaving`: its socket closed, so stop only if it was
    the sharer, and quietly when the session has ended meanwhile."""
    with transaction.atomic():
        session = session_locked(session_id)
        if leaving and (session is None or session.share_by != index):
            return
        session = _sharer(session_id, index)
        view = session.share_view
        CobrowseSession.objects.filter(id=session_id).update(
            share_by=None, share_view="", share_paused=False
        )
        _event(session, SessionEvent.Type.SHARE_ENDED, actor, view)
        _share_said(session_id, view=view, state="ended", paused=False, by=index)
    log.info("share ended key=%s by=%s left=%s", session.key, index, leaving)


# Signalling: relayed as it came, never stored.


def _share_by(session_id: int) -> int | None:
    """The sharing agent's client index (None: no share); a plain read, no lock."""
    row = (
        CobrowseSession.objects.filter(id=session_id, state=CobrowseSession.State.ACTIVE)
        .values_list("share_by")
        .first()
    )
    if row is None:
        raise TandemError(ErrorCode.ENDED, "The session has ended.")
    return row[0]


def _rtc(frame: dict, *, to: Socket) -> dict:
    return to.frame("rtc", peer=frame["peer"], kind=frame["kind"], data=frame["data"])


async def rtc_from_agent(*, session_id: int, index: int, frame: dict) -> None:
    """The sharing agent's offer, candidate or hang-up reaches every visitor tab (each
    view iframe's `peer` tells them apart)."""
    if await database_sync_to_async(_share_by)(session_id) != index:
        raise TandemError(ErrorCode.NOT_SHARER, "You are not sharing in this session.")
    await get_channel_layer().group_send(
        groups.session_visitor(session_id),
        {"type": "media.frame", "frame": _rtc(frame, to=VISITOR)},
    )


async def rtc_from_visitor(*, session_id: int, frame: dict) -> None:
    """A view iframe's signalling reaches the sharing agent alone."""
    sharer = await database_sync_to_async(_share_by)(session_id)
    if sharer is None:
        raise TandemError(ErrorCode.NO_SHARE, "No agent is sharing in this session.")
    await get_channel_layer().group_send(
        groups.session_agents(session_id),
        {"type": "media.rtc", "to": sharer, "frame": _rtc(frame, to=AGENT)},
    )


# Reverse sessions: the visitor watches the agent's screen instead of being watched.


def _reverse_said(session_id: int, state: str) -> None:
    _to_visitor(session_id, VISITOR.frame("reverse", state=state))
    _to_agents(session_id, AGENT.frame("reverse", state=state))


def reverse_invite(*, session_id: int, actor: str) -> None:
    """An agent invites the visitor to a reverse session (Glance's reverseconfirm)."""
    with transaction.atomic():
        session = _live(session_id)
        if session.reverse_state not in _REVERSE_INVITABLE:
            raise TandemError(ErrorCode.BAD_STATE, "A reverse session is already open.")
        CobrowseSession.objects.filter(id=session_id).update(reverse_state="invited")
        _event(session, SessionEvent.Type.REVERSE_INVITED, actor)
        _reverse_said(session_id, "invited")
    log.info("reverse invited key=%s agent=%s", session.key, actor)


def reverse_answer(*, session_id: int, accept: bool) -> None:
    """The visitor accepts or declines the pending invitation. Declining ends a session
    that was started only for the reverse session: it has nothing else to do."""
    state = "accepted" if accept else "declined"
    with transaction.atomic():
        session = _live(session_id)
        if session.reverse_state != "invited":
            raise TandemError(ErrorCode.BAD_STATE, "No reverse session invitation is waiting.")
        CobrowseSession.objects.filter(id=session_id).update(reverse_state=state)
        kind = SessionEvent.Type.REVERSE_ACCEPTED if accept else SessionEvent.Type.REVERSE_DECLINED
        _event(session, kind, "visitor")
        _reverse_said(session_id, state)
        if not accept and session.reverse_only:
            session_end(session_id=session_id, actor="visitor", reason="reverse_declined")
    log.info("reverse %s key=%s", state, session.key)


def reverse_end(*, session_id: int, actor: str) -> None:
    """An agent withdraws its invitation (the session goes on, unless it was started only
    for the reverse session) or ends an accepted reverse session, which ends the whole
    session: the visitor only came to watch the agent."""
    with transaction.atomic():
        session = _live(session_id)
        was = session.reverse_state
        if was not in _REVERSE_OPEN:
            raise TandemError(ErrorCode.BAD_STATE, "No reverse session is open.")
        CobrowseSession.objects.filter(id=session_id).update(reverse_state="ended")
        _event(session, SessionEvent.Type.REVERSE_ENDED, actor, was)
        _reverse_said(session_id, "ended")
        if was == "accepted" or session.reverse_only:
            session_end(session_id=session_id, actor=actor, reason="reverse_ended")
    log.info("reverse ended key=%s agent=%s was=%s", session.key, actor, was)
