"""The periodic sweep every server process runs (started by core.leases.process_running):
under a lock (core.locks) one process holds at a time, count the sockets of dead
processes as closed and end the sessions their visitors abandoned (cobrowse.services). Whichever
process is alive does it; when it dies, the next one takes over once the lease lapses.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cobrowse.models import CobrowseSession, SessionEvent, SessionSocket
from cobrowse.selectors import (
    session_locked,
    visitor_presence,
)
from cobrowse.services.remote_control import rc_end
from cobrowse.services.sessions import (
    agents_changed,
    session_end_if_abandoned,
    visitor_presence_broadcast,
)
from cobrowse.services.share import share_stop
from core import leases, locks

log = logging.getLogger("tandem.session")

LEASE = "sweep"


def lease_seconds() -> int:
    """How long a sweeper holds the lease at most: a sweep takes far less; a sweeper that
    died frees it after this many seconds, so the next sweep is at most one interval late."""
    return max(5, 2 * settings.TANDEM_SWEEP_SECONDS)


def sweep_if_leased() -> bool:
    """Sweep unless another process is sweeping now; True if this one swept."""
    token = locks.acquire(LEASE, seconds=lease_seconds())
    if token is None:
        return False
    try:
        sessions_end_abandoned()
    finally:
        locks.release(LEASE, token)
    return True


def sessions_end_abandoned(*, group_ids: list[int] | None = None, now=None) -> int:
    """Sweep the live sessions (of `group_ids`, or all): count the sockets held by dead
    server processes as closed (sessions_sockets_lost), then end the sessions whose visitor
    left longer than TANDEM_VISITOR_GRACE_SECONDS before `now` (default: the current time)
    and did not come back; the process that was to end them may have died in between.
    Safe to run from any process at any time; returns how many sessions ended."""
    sessions_sockets_lost(group_ids=group_ids)
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TANDEM_VISITOR_GRACE_SECONDS)
    stale = CobrowseSession.objects.filter(
        state=CobrowseSession.State.ACTIVE, visitors_connected=0, visitor_left_at__lt=cutoff
    )
    if group_ids is not None:
        stale = stale.filter(group_id__in=group_ids)
    return sum(
        session_end_if_abandoned(session_id=session_id, left_at=left_at)
        for session_id, left_at in stale.values_list("id", "visitor_left_at")
    )


def sessions_sockets_lost(*, group_ids: list[int] | None = None) -> int:
    """Count as closed the sockets of live sessions (of `group_ids`, or all) whose server
    process is dead (its heartbeat in core.leases lapsed); returns how many."""
    sockets = SessionSocket.objects.filter(session__state=CobrowseSession.State.ACTIVE)
    if group_ids is not None:
        sockets = sockets.filter(session__group_id__in=group_ids)
    processes = set(sockets.values_list("process", flat=True).distinct())
    dead = processes - leases.processes_alive(processes)
    if not dead:
        return 0
    session_ids = sockets.filter(process__in=dead).values_list("session_id", flat=True)
    return sum(
        session_sockets_lost(session_id=session_id, processes=dead)
        for session_id in sorted(set(session_ids))
    )


def session_sockets_lost(*, session_id: int, processes: set[str]) -> int:
    """The session's sockets held by `processes` (dead: they will never close them) count
    as closed: its visitor left now if none of its tabs remains, the agents' count drops,
    and control or a share held by a lost agent goes back. Returns how many were lost;
    0 when another sweeper got there first."""

    with transaction.atomic():
        session = session_locked(session_id)
        if session is None:
            return 0
        lost = list(SessionSocket.objects.filter(session_id=session_id, process__in=processes))
        if not lost:
            return 0
        SessionSocket.objects.filter(id__in=[socket.id for socket in lost]).delete()
        visitors = {s.channel for s in lost if s.role == SessionSocket.Role.VISITOR}
        agents = [s for s in lost if s.role == SessionSocket.Role.AGENT]
        changes = {}
        if visitors:
            remaining = max(0, session.visitors_connected - len(visitors))
            changes["visitors_connected"] = remaining
            if remaining == 0:
                changes["visitor_left_at"] = timezone.now()
                session.visitors_connected, session.visitor_left_at = 0, changes["visitor_left_at"]
                visitor_presence_broadcast(
                    session_id=session_id, presence=visitor_presence(session=session)
                )
            if session.focused_channel in visitors:
                changes["focused_channel"] = ""
        count = max(0, session.agents_watching - len(agents))
        if agents:
            changes["agents_watching"] = count
        CobrowseSession.objects.filter(id=session_id).update(**changes)
        for agent in agents:
            SessionEvent.objects.create(
                session=session,
                type=SessionEvent.Type.AGENT_LEFT,
                actor=agent.actor or "system",
                detail="server process lost",
            )
            viewer = {"index": agent.index, "name": agent.actor, "joined": False}
            agents_changed(session, count, viewer if agent.index else None)
            if agent.index is not None:
                rc_end(session_id=session_id, actor=agent.actor or "system", holder=agent.index)
                share_stop(
                    session_id=session_id,
                    index=agent.index,
                    actor=agent.actor or "system",
                    leaving=True,
                )
    log.warning(
        "sockets lost with their process key=%s visitors=%s agents=%s",
        session.key,
        len(visitors),
        len(agents),
    )
    return len(lost)
