"""Remote control: an agent asks, the visitor answers (bound to the request), the holder
gives it to another agent or it ends. The input itself is relayed by
cobrowse/relays/input.py."""

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from cobrowse.models import CobrowseSession, SessionEvent
from cobrowse.selectors import (
    session_locked,
)
from cobrowse.services.notify import frame_to_agents, frame_to_visitor
from core import groups
from core.errors import ErrorCode, TandemError
from core.layers import broadcast_after_commit
from core.protocol import AGENT, VISITOR

_RC = CobrowseSession.RemoteControl

log = logging.getLogger("tandem.media")


# Remote control: an agent asks, the visitor answers, either side ends it.


def _rc_changed(session: CobrowseSession, enabled: bool, holder: int | None) -> None:
    """Tell both sides who has control now: `to` is the holding agent's client index,
    0 when it is back with the visitor (Surfly's numbering)."""
    message = {"type": "rc.changed", "enabled": enabled, "to": holder if enabled else 0}
    broadcast_after_commit(groups.session_visitor(session.id), message)
    broadcast_after_commit(groups.session_agents(session.id), message)


def rc_request(*, session_id: int, agent: AbstractBaseUser, index: int | None = None) -> None:
    """An agent asks the visitor for control of the page."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None:
            raise TandemError(ErrorCode.ENDED, "The session has ended.")
        if session.rc_state == _RC.ON:
            held = "You have" if session.rc_holder == index else "Another agent has"
            raise TandemError(ErrorCode.RC_BUSY, f"{held} control of the visitor's page.")
        CobrowseSession.objects.filter(id=session_id).update(
            rc_state=_RC.REQUESTED, rc_holder=index
        )
        name = agent.get_username()
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.RC_REQUESTED, actor=name
        )
        request = VISITOR.frame("rc_requested", agent=name, req=index)
        frame_to_visitor(session_id, request, focused_only=True)
        frame_to_agents(session_id, AGENT.frame("rc_pending", agent=name))
    log.info("rc requested key=%s agent=%s", session.key, name)


def rc_answer(*, session_id: int, accept: bool, req: int | None) -> None:
    """The visitor accepts or declines the pending request. `req` names the request the
    visitor saw (the asking agent's client index): an answer to a request another
    agent's has since replaced, or to none, changes nothing."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.rc_state != _RC.REQUESTED:
            raise TandemError(ErrorCode.BAD_FRAME, "No remote control request is waiting.")
        if req is None or session.rc_holder != req:
            raise TandemError(
                ErrorCode.BAD_FRAME, "That remote control request is no longer waiting."
            )
        state, kind = (
            (_RC.ON, SessionEvent.Type.RC_ON)
            if accept
            else (_RC.OFF, SessionEvent.Type.RC_DECLINED)
        )
        holder = session.rc_holder if accept else None
        CobrowseSession.objects.filter(id=session_id).update(rc_state=state, rc_holder=holder)
        SessionEvent.objects.create(session=session, type=kind, actor="visitor")
        if accept:
            _rc_changed(session, True, holder)
        else:
            frame_to_agents(session_id, AGENT.frame("rc_declined"))
    log.info("rc %s key=%s", "accepted" if accept else "declined", session.key)


def rc_give(*, session_id: int, to: int) -> None:
    """The visitor hands control to the agent with client index `to` (Surfly's
    giveControl), unasked; 0 takes it back."""
    if to == 0:
        rc_end(session_id=session_id, actor="visitor")
        return
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None:
            raise TandemError(ErrorCode.ENDED, "The session has ended.")
        if not 0 < to <= session.agents_joined or session.agents_watching == 0:
            raise TandemError(ErrorCode.BAD_FRAME, f"No viewer {to} in this session.")
        if session.rc_state == _RC.ON and session.rc_holder == to:
            return
        CobrowseSession.objects.filter(id=session_id).update(rc_state=_RC.ON, rc_holder=to)
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.RC_ON, actor="visitor", detail=f"to {to}"
        )
        _rc_changed(session, True, to)
    log.info("rc given key=%s to=%s", session.key, to)


def rc_end(*, session_id: int, actor: str, holder: int | None = None) -> None:
    """Either side ends remote control (or withdraws a pending request). With `holder`,
    only if that agent is the one holding or asking for it (it left the session)."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.rc_state == _RC.OFF:
            return
        if holder is not None and session.rc_holder != holder:
            return
        CobrowseSession.objects.filter(id=session_id).update(rc_state=_RC.OFF, rc_holder=None)
        SessionEvent.objects.create(session=session, type=SessionEvent.Type.RC_OFF, actor=actor)
        _rc_changed(session, False, None)
    log.info("rc ended key=%s by=%s", session.key, actor)
