"""Screen share and agent video: who shares which view and whether it is paused, and the
frames a tab gets about shares (and reverse sessions) when it starts or resumes.

The media itself flows peer to peer; Tandem relays only signalling (cobrowse/relays/rtc.py)
and stores none of it. State changes lock the session row, record a timeline event and
tell both sides after the commit, as remote control does."""

import logging

from django.db import transaction

from cobrowse.models import CobrowseSession, SessionEvent
from cobrowse.selectors import (
    session_live_locked,
    session_locked,
)
from cobrowse.services.notify import frame_to_agents, frame_to_visitor
from cobrowse.services.reverse import REVERSE_OPEN
from cobrowse.services.sessions import timeline_add
from core.errors import ErrorCode, TandemError
from core.protocol import AGENT, VISITOR

log = logging.getLogger("tandem.media")


def _share_said(session_id: int, *, view: str, state: str, paused: bool, by: int) -> None:
    """Tell the visitor tabs (Glance's screenshare event) and the agents (who also learn
    which agent shares) what the share is doing."""
    frame_to_visitor(session_id, VISITOR.frame("share", view=view, state=state, paused=paused))
    frame_to_agents(session_id, AGENT.frame("share", view=view, state=state, paused=paused, by=by))


# Reads.


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
    if session.reverse_state in REVERSE_OPEN:
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
        session = session_live_locked(session_id)
        if session.share_by is not None and session.share_by != index:
            raise TandemError(ErrorCode.SHARE_BUSY, "Another agent is sharing already.")
        if session.share_by == index:
            if session.share_view == view:
                return
            timeline_add(session, SessionEvent.Type.SHARE_ENDED, actor, session.share_view)
            _share_said(session_id, view=session.share_view, state="ended", paused=False, by=index)
        CobrowseSession.objects.filter(id=session_id).update(
            share_by=index, share_view=view, share_paused=False
        )
        timeline_add(session, SessionEvent.Type.SHARE_STARTED, actor, view)
        _share_said(session_id, view=view, state="new", paused=False, by=index)
    log.info("share started key=%s by=%s view=%s", session.key, index, view)


def _sharer(session_id: int, index: int) -> CobrowseSession:
    session = session_live_locked(session_id)
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
        timeline_add(session, kind, actor, view)
        frame_to_visitor(
            session_id, VISITOR.frame("share_paused" if paused else "share_resumed", view=view)
        )
        frame_to_agents(
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
        timeline_add(session, SessionEvent.Type.SHARE_ENDED, actor, view)
        _share_said(session_id, view=view, state="ended", paused=False, by=index)
    log.info("share ended key=%s by=%s left=%s", session.key, index, leaving)
