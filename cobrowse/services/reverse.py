"""Reverse sessions: the agent invites the visitor to watch the agent's screen instead;
the visitor accepts or declines, either side ends it."""

import logging

from django.db import transaction

from cobrowse.models import CobrowseSession, SessionEvent
from cobrowse.selectors import (
    session_live_locked,
)
from cobrowse.services.notify import frame_to_agents, frame_to_visitor
from cobrowse.services.sessions import session_end, timeline_add
from core.errors import ErrorCode, TandemError
from core.protocol import AGENT, VISITOR

log = logging.getLogger("tandem.media")

# reverse_state values from which an agent may invite (again).
_Reverse = CobrowseSession.Reverse
_REVERSE_INVITABLE = (_Reverse.NONE, _Reverse.DECLINED, _Reverse.ENDED)
REVERSE_OPEN = (_Reverse.INVITED, _Reverse.ACCEPTED)


# Reverse sessions: the visitor watches the agent's screen instead of being watched.


def _reverse_said(session_id: int, state: str) -> None:
    frame_to_visitor(session_id, VISITOR.frame("reverse", state=state))
    frame_to_agents(session_id, AGENT.frame("reverse", state=state))


def reverse_invite(*, session_id: int, actor: str) -> None:
    """An agent invites the visitor to a reverse session (Glance's reverseconfirm)."""
    with transaction.atomic():
        session = session_live_locked(session_id)
        if session.reverse_state not in _REVERSE_INVITABLE:
            raise TandemError(ErrorCode.BAD_STATE, "A reverse session is already open.")
        CobrowseSession.objects.filter(id=session_id).update(
            reverse_state=CobrowseSession.Reverse.INVITED
        )
        timeline_add(session, SessionEvent.Type.REVERSE_INVITED, actor)
        _reverse_said(session_id, "invited")
    log.info("reverse invited key=%s agent=%s", session.key, actor)


def reverse_answer(*, session_id: int, accept: bool) -> None:
    """The visitor accepts or declines the pending invitation. Declining ends a session
    that was started only for the reverse session: it has nothing else to do."""
    state = _Reverse.ACCEPTED if accept else _Reverse.DECLINED
    with transaction.atomic():
        session = session_live_locked(session_id)
        if session.reverse_state != CobrowseSession.Reverse.INVITED:
            raise TandemError(ErrorCode.BAD_STATE, "No reverse session invitation is waiting.")
        CobrowseSession.objects.filter(id=session_id).update(reverse_state=state)
        kind = SessionEvent.Type.REVERSE_ACCEPTED if accept else SessionEvent.Type.REVERSE_DECLINED
        timeline_add(session, kind, "visitor")
        _reverse_said(session_id, state)
        if not accept and session.reverse_only:
            session_end(session_id=session_id, actor="visitor", reason="reverse_declined")
    log.info("reverse %s key=%s", state, session.key)


def reverse_end(*, session_id: int, actor: str) -> None:
    """An agent withdraws its invitation (the session goes on, unless it was started only
    for the reverse session) or ends an accepted reverse session, which ends the whole
    session: the visitor only came to watch the agent."""
    with transaction.atomic():
        session = session_live_locked(session_id)
        was = session.reverse_state
        if was not in REVERSE_OPEN:
            raise TandemError(ErrorCode.BAD_STATE, "No reverse session is open.")
        CobrowseSession.objects.filter(id=session_id).update(
            reverse_state=CobrowseSession.Reverse.ENDED
        )
        timeline_add(session, SessionEvent.Type.REVERSE_ENDED, actor, was)
        _reverse_said(session_id, "ended")
        if was == "accepted" or session.reverse_only:
            session_end(session_id=session_id, actor=actor, reason="reverse_ended")
    log.info("reverse ended key=%s agent=%s was=%s", session.key, actor, was)
