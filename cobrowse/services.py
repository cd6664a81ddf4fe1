"""Writes on co-browse sessions: start, end, agents joining and leaving.

Each write records its timeline event and tells listeners (the visitor, the agents,
the dashboards) only after the transaction commits.
"""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from cobrowse.models import CobrowseSession, Group, SessionEvent, SessionSocket
from cobrowse.pages import page_set
from cobrowse.selectors import session_agent_names, session_summary, site_get, visitor_presence
from core import groups, leases
from core.errors import ErrorCode, TandemError
from core.keys import (
    SESSION_KEY_RE,
    SESSION_KEY_RULE,
    VISITOR_EMAIL_MAX,
    VISITOR_NAME_MAX,
    VISITOR_PHONE_MAX,
)
from core.layers import broadcast_after_commit

log = logging.getLogger("tandem.session")

KEY_DIGITS = 6
_KEY_ATTEMPTS = 20


def visitor_presence_broadcast(*, session_id: int, presence: dict) -> None:
    """The session's agents learn where the visitor is (a `visitor` frame): `here`,
    `away` (every tab of it left: navigating or closed) or `blurred` (its tab hidden)."""
    broadcast_after_commit(
        groups.session_agents(session_id), {"type": "visitor.presence", "presence": presence}
    )


_KEY = re.compile(SESSION_KEY_RE)
# Start parameters are one line of text: no control characters (line breaks, escapes).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_VISITOR_FIELDS = {"name": VISITOR_NAME_MAX, "email": VISITOR_EMAIL_MAX, "phone": VISITOR_PHONE_MAX}


def _visitor_params(visitor: dict[str, str] | None) -> dict[str, str]:
    """The page's start parameters, checked: name, email, phone, each one bounded line."""
    checked = {}
    for name, value in (visitor or {}).items():
        limit = _VISITOR_FIELDS.get(name)
        if limit is None:
            raise TandemError(ErrorCode.BAD_FRAME, f"Unknown start parameter {name[:40]!r}.")
        value = value.strip()
        if len(value) > limit or _CONTROL.search(value):
            raise TandemError(
                ErrorCode.BAD_FRAME, f"The visitor's {name} is one line of at most {limit}."
            )
        checked[f"visitor_{name}"] = value
    return checked


def _new_key() -> str:
    return str(secrets.randbelow(10**KEY_DIGITS)).zfill(KEY_DIGITS)


def session_start(
    *,
    group: Group,
    site_name: str,
    key: str | None,
    user_agent: str,
    channel: str = "",
    reverse: bool = False,
    visitor: dict[str, str] | None = None,
    page: dict[str, str] | None = None,
) -> CobrowseSession:
    """Open a live session for a visitor; `key` is the page's own, or None for a random one.
    `channel` is the visitor socket's, which holds the session's focus. `reverse`: the
    session exists only for a reverse session (an agent asked the page to start it to show
    its screen), so it starts with the invitation open (cobrowse/media.py). `visitor`: the
    page's start parameters (name, email, phone), shown to the agents; `page`: the page it
    started on (cobrowse.pages). The group's dashboards and open viewers hear of it."""
    site = site_get(group=group, name=site_name)
    if key is not None and not _KEY.match(key):
        raise TandemError(ErrorCode.BAD_FRAME, SESSION_KEY_RULE)
    params = _visitor_params(visitor)
    for _ in range(1 if key else _KEY_ATTEMPTS):
        candidate = key or _new_key()
        try:
            with transaction.atomic():
                session = CobrowseSession.objects.create(
                    group=group,
                    site=site,
                    key=candidate,
                    visitor_user_agent=user_agent[:512],
                    visitors_connected=1,
                    focused_channel=channel,
                    reverse_state="invited" if reverse else "",
                    reverse_only=reverse,
                    **params,
                )
                SessionEvent.objects.create(
                    session=session, type=SessionEvent.Type.STARTED, actor="visitor"
                )
                _socket_opened(
                    session_id=session.id, role=SessionSocket.Role.VISITOR, channel=channel
                )
                if reverse:
                    SessionEvent.objects.create(
                        session=session, type=SessionEvent.Type.REVERSE_INVITED, actor="system"
                    )
                if page:
                    page_set(session_id=session.id, page=page)
                summary = session_summary(session=session, agents=0, page=page)
                broadcast_after_commit(
                    groups.dashboard(group.id), {"type": "dashboard.session", "session": summary}
                )
                broadcast_after_commit(
                    groups.session_news(group.id), {"type": "session.news", "session": summary}
                )
        except IntegrityError:
            if key and _end_abandoned_key(group=group, key=key):
                return session_start(
                    group=group,
                    site_name=site_name,
                    key=key,
                    user_agent=user_agent,
                    channel=channel,
                    reverse=reverse,
                    visitor=visitor,
                    page=page,
                )
            continue
        log.info(
            "session started group=%s key=%s reverse=%s", group.public_id, session.key, reverse
        )
        return session
    if key:
        raise TandemError(ErrorCode.KEY_IN_USE, f"Session key {key!r} is already in use.")
    raise TandemError(ErrorCode.KEY_IN_USE, "Could not find a free session key; try again.")


def _end_abandoned_key(*, group: Group, key: str) -> bool:
    """End the live session `key` of `group` if no visitor page is connected to it (its
    tab was closed and the grace period is still running): the visitor starting again
    with the same key wants a new session. False when the key is really in use."""
    abandoned = CobrowseSession.objects.filter(
        group=group, key=key, state=CobrowseSession.State.ACTIVE, visitors_connected=0
    ).values_list("id", "visitor_left_at")
    return any(
        session_end_if_abandoned(session_id=session_id, left_at=left_at, reason="replaced")
        for session_id, left_at in abandoned
    )


def session_end(*, session_id: int, actor: str, reason: str) -> bool:
    """End a live session; False when it had already ended."""
    with transaction.atomic():
        session = (
            CobrowseSession.objects.select_for_update()
            .select_related("group")
            .filter(id=session_id)
            .first()
        )
        if session is None or not session.is_active:
            return False
        session.state = CobrowseSession.State.ENDED
        session.ended_at = timezone.now()
        session.save(update_fields=["state", "ended_at"])
        SessionSocket.objects.filter(session_id=session.id).delete()
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.ENDED, actor=actor, detail=reason[:100]
        )
        ended = {"type": "session.ended", "reason": reason}
        broadcast_after_commit(groups.session_agents(session.id), ended)
        broadcast_after_commit(groups.session_visitor(session.id), ended)
        broadcast_after_commit(
            groups.dashboard(session.group_id), {"type": "dashboard.ended", "key": session.key}
        )
    log.info(
        "session ended group=%s key=%s reason=%s", session.group.public_id, session.key, reason
    )
    return True


def agent_display_name(agent: AbstractBaseUser) -> str:
    """What a visitor sees of an agent: its name, or its username when it has none."""
    full = agent.get_full_name() if hasattr(agent, "get_full_name") else ""
    return full or agent.get_username()


def _agents_changed(session: CobrowseSession, count: int, viewer: dict | None = None) -> None:
    """Everyone in the session, and the dashboards, learn the new agent count; `viewer`
    says who came or went ({index, name, joined})."""
    names = session_agent_names(session_id=session.id)
    message = {"type": "agents.count", "count": count, "viewer": viewer, "names": names}
    broadcast_after_commit(groups.session_visitor(session.id), message)
    broadcast_after_commit(groups.session_agents(session.id), message)
    broadcast_after_commit(
        groups.dashboard(session.group_id),
        {"type": "dashboard.agents", "key": session.key, "count": count},
    )


def session_locked(session_id: int) -> CobrowseSession | None:
    """The session row, locked for this transaction; None when it is no longer live."""
    return (
        CobrowseSession.objects.select_for_update()
        .filter(id=session_id, state=CobrowseSession.State.ACTIVE)
        .first()
    )


def _socket_opened(
    *, session_id: int, role: str, channel: str, index: int | None = None, actor: str = ""
) -> None:
    """Record that this process (leases.PROCESS) holds the socket `channel` of the session,
    so that the sweeper counts it closed if the process dies. No channel: not recorded."""
    if channel:
        SessionSocket.objects.update_or_create(
            session_id=session_id,
            channel=channel,
            defaults={"role": role, "process": leases.PROCESS, "index": index, "actor": actor},
        )


def _socket_closed(*, session_id: int, role: str, channel: str) -> bool:
    """Forget the socket `channel`; False when it is not counted any more: the sweeper
    took its process for dead (its heartbeat lapsed) and counted it closed already."""
    if not channel:
        return True
    if SessionSocket.objects.filter(session_id=session_id, channel=channel).delete()[0]:
        return True
    # A socket opened without a record (before records were kept) is counted as before.
    return not SessionSocket.objects.filter(session_id=session_id, role=role).exists()


def session_agent_join(
    *, session: CobrowseSession, agent: AbstractBaseUser, channel: str = ""
) -> tuple[int, int]:
    """Record an agent starting to watch on socket `channel`; returns (agents now watching,
    its client index)."""
    with transaction.atomic():
        if session_locked(session.id) is None:
            raise TandemError(ErrorCode.ENDED, f"Session {session.key!r} has ended.")
        CobrowseSession.objects.filter(id=session.id).update(
            agents_watching=F("agents_watching") + 1, agents_joined=F("agents_joined") + 1
        )
        count, index = CobrowseSession.objects.values_list("agents_watching", "agents_joined").get(
            id=session.id
        )
        _socket_opened(
            session_id=session.id,
            role=SessionSocket.Role.AGENT,
            channel=channel,
            index=index,
            actor=agent.get_username(),
        )
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.AGENT_JOINED, actor=agent.get_username()
        )
        viewer = {"index": index, "name": agent_display_name(agent), "joined": True}
        _agents_changed(session, count, viewer)
    log.info("agent joined key=%s agent=%s count=%s", session.key, agent.get_username(), count)
    return count, index


def session_agent_leave(
    *,
    session: CobrowseSession,
    agent: AbstractBaseUser,
    index: int | None = None,
    channel: str = "",
) -> int:
    """Record an agent no longer watching (its socket `channel` closed); returns the number
    of agents still watching."""
    with transaction.atomic():
        still_live = session_locked(session.id) is not None
        if still_live and not _socket_closed(
            session_id=session.id, role=SessionSocket.Role.AGENT, channel=channel
        ):
            return CobrowseSession.objects.values_list("agents_watching", flat=True).get(
                id=session.id
            )
        CobrowseSession.objects.filter(id=session.id).update(
            agents_watching=Greatest(F("agents_watching") - 1, 0)
        )
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.AGENT_LEFT, actor=agent.get_username()
        )
        count = 0
        if still_live:
            count = CobrowseSession.objects.values_list("agents_watching", flat=True).get(
                id=session.id
            )
            viewer = {"index": index, "name": agent_display_name(agent), "joined": False}
            _agents_changed(session, count, viewer if index else None)
    log.info("agent left key=%s agent=%s count=%s", session.key, agent.get_username(), count)
    return count


# Visitor tabs: navigations, dropped connections, focus.

_RESUME_SALT = "tandem.resume"


def resume_token(*, session: CobrowseSession) -> str:
    """A signed, expiring token with which a page of this visitor rejoins the session."""
    return signing.dumps({"s": session.id, "g": session.group_id}, salt=_RESUME_SALT)


def handoff_token(*, session: CobrowseSession) -> str:
    """A resume token for a page on another trusted domain; it travels in that page's URL
    (history, logs, referrers), so it expires after TANDEM_HANDOFF_TOKEN_MAX_AGE seconds
    and works once: its id `n` is recorded as used when a page resumes with it."""
    claims = {"s": session.id, "g": session.group_id, "h": 1, "n": secrets.token_urlsafe(12)}
    return signing.dumps(claims, salt=_RESUME_SALT)


def _handoff_use(*, token_id: object) -> None:
    """Record a handoff token as used, atomically in the shared cache (add: one process
    wins); the record outlives the token's validity. A second use is refused."""
    if not isinstance(token_id, str) or not token_id:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is not valid.")
    ttl = settings.TANDEM_HANDOFF_TOKEN_MAX_AGE + 60
    if not cache.add(f"tandem:handoff-used:{token_id}", 1, timeout=ttl):
        raise TandemError(ErrorCode.BAD_TOKEN, "The link's session token was already used.")


def resume_claims(*, group: Group, token: str) -> int:
    """The session id a resume token names, if it is genuine, fresh and for `group`; a
    handoff token also must not have been used before (it is used up here)."""
    try:
        claims = signing.loads(
            token, salt=_RESUME_SALT, max_age=settings.TANDEM_RESUME_TOKEN_MAX_AGE
        )
    except signing.SignatureExpired:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token has expired.") from None
    except signing.BadSignature:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is not valid.") from None
    if not isinstance(claims, dict) or claims.get("g") != group.id:
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is for another group.")
    if claims.get("h"):
        try:
            signing.loads(token, salt=_RESUME_SALT, max_age=settings.TANDEM_HANDOFF_TOKEN_MAX_AGE)
        except signing.SignatureExpired:
            raise TandemError(ErrorCode.BAD_TOKEN, "The link's session token expired.") from None
    session_id = claims.get("s")
    if not isinstance(session_id, int):
        raise TandemError(ErrorCode.BAD_TOKEN, "The resume token is not valid.")
    if claims.get("h"):
        _handoff_use(token_id=claims.get("n"))
    return session_id


def session_resume(*, session_id: int, channel: str, why: str) -> CobrowseSession:
    """Attach a visitor socket to a live session and give it focus.

    `why` is "reconnect" (the same page after a dropped connection) or anything else for
    a new page of the tab; the timeline records which.
    """
    with transaction.atomic():
        if session_locked(session_id) is None:
            raise TandemError(ErrorCode.ENDED, "This co-browsing session has ended.")
        CobrowseSession.objects.filter(id=session_id).update(
            visitors_connected=F("visitors_connected") + 1,
            visitor_left_at=None,
            focused_channel=channel,
        )
        _socket_opened(session_id=session_id, role=SessionSocket.Role.VISITOR, channel=channel)
        session = CobrowseSession.objects.select_related("group", "site").get(id=session_id)
        kind = SessionEvent.Type.RECONNECTED if why == "reconnect" else SessionEvent.Type.NAVIGATED
        detail = "other domain" if why == "crossdomain" else ""
        SessionEvent.objects.create(session=session, type=kind, actor="visitor", detail=detail)
        broadcast_after_commit(
            groups.session_visitor(session_id), {"type": "visitor.focus", "channel": channel}
        )
        visitor_presence_broadcast(session_id=session_id, presence={"state": "here"})
    log.info("session resumed key=%s why=%s", session.key, kind)
    return session


def session_visitor_left(*, session_id: int, channel: str):
    """A visitor socket closed; returns the time the last one left, or None while others
    remain (or the session is over). The caller ends the session if none comes back."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None:
            return None
        if not _socket_closed(
            session_id=session_id, role=SessionSocket.Role.VISITOR, channel=channel
        ):
            return None  # counted closed by the sweeper already
        remaining = max(0, session.visitors_connected - 1)
        left_at = timezone.now() if remaining == 0 else None
        CobrowseSession.objects.filter(id=session_id).update(
            visitors_connected=remaining,
            visitor_left_at=left_at,
            focused_channel="" if session.focused_channel == channel else session.focused_channel,
        )
        if left_at is not None:
            session.visitors_connected, session.visitor_left_at = 0, left_at
            visitor_presence_broadcast(
                session_id=session_id, presence=visitor_presence(session=session)
            )
    return left_at


def session_end_if_abandoned(*, session_id: int, left_at, reason: str = "disconnected") -> bool:
    """End the session if no visitor came back since `left_at`."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.visitors_connected or session.visitor_left_at != left_at:
            return False
        return session_end(session_id=session_id, actor="visitor", reason=reason)


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
    from cobrowse import media  # media builds on this module

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
            _agents_changed(session, count, viewer if agent.index else None)
            if agent.index is not None:
                rc_end(session_id=session_id, actor=agent.actor or "system", holder=agent.index)
                media.share_stop(
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


def session_focus(*, session_id: int, channel: str) -> bool:
    """The visitor tab on `channel` takes the session's focus; the others are told to blur.
    False when it had the focus already."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.focused_channel == channel:
            return False
        CobrowseSession.objects.filter(id=session_id).update(focused_channel=channel)
        SessionEvent.objects.create(session=session, type=SessionEvent.Type.FOCUS, actor="visitor")
        broadcast_after_commit(
            groups.session_visitor(session_id), {"type": "visitor.focus", "channel": channel}
        )
        # The tab the visitor is using now is the one shown.
        visitor_presence_broadcast(session_id=session_id, presence={"state": "here"})
    return True


def visitor_visibility(*, session_id: int, channel: str, hidden: bool) -> None:
    """The visitor's tab on `channel` was hidden or shown again; the agents hear of it
    when that tab is the one the session shows."""
    focused = (
        CobrowseSession.objects.filter(
            id=session_id, state=CobrowseSession.State.ACTIVE, focused_channel=channel
        )
        .values_list("id", flat=True)
        .first()
    )
    if focused is not None:
        visitor_presence_broadcast(
            session_id=session_id, presence={"state": "blurred" if hidden else "here"}
        )


def visitor_paused(*, session_id: int, channel: str, paused: bool) -> None:
    """The visitor paused the session (nothing of the page is sent) or resumed it; the
    agents hear of it when the tab on `channel` is the one the session shows."""
    focused = (
        CobrowseSession.objects.filter(
            id=session_id, state=CobrowseSession.State.ACTIVE, focused_channel=channel
        )
        .values_list("id", flat=True)
        .first()
    )
    if focused is not None:
        visitor_presence_broadcast(
            session_id=session_id, presence={"state": "paused" if paused else "here"}
        )


def visitor_state(*, session: CobrowseSession) -> dict:
    """What a visitor page learns about its session when it starts or continues it."""
    return {
        "key": session.key,
        "agents": session.agents_watching,
        # Who they are, as the visitor's panel names them ("Ana is viewing").
        "agentNames": session_agent_names(session_id=session.id),
        "rc": session.rc_state == "on",
        "accessibility": session.accessibility,
    }


def accessibility_set(*, session_id: int, enabled: bool, agent: AbstractBaseUser) -> None:
    """An agent switches accessibility mode on or off; the visitor page is told."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.accessibility == enabled:
            return
        CobrowseSession.objects.filter(id=session_id).update(accessibility=enabled)
        SessionEvent.objects.create(
            session=session,
            type=SessionEvent.Type.ACCESSIBILITY,
            actor=agent.get_username(),
            detail="on" if enabled else "off",
        )
        message = {"type": "accessibility.changed", "enabled": enabled}
        broadcast_after_commit(groups.session_visitor(session_id), message)
        broadcast_after_commit(groups.session_agents(session_id), message)


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
        if session.rc_state == "on":
            raise TandemError(ErrorCode.BAD_FRAME, "Remote control is already on.")
        CobrowseSession.objects.filter(id=session_id).update(rc_state="requested", rc_holder=index)
        name = agent.get_username()
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.RC_REQUESTED, actor=name
        )
        broadcast_after_commit(
            groups.session_visitor(session_id),
            {"type": "rc.requested", "agent": name, "req": index},
        )
        broadcast_after_commit(
            groups.session_agents(session_id), {"type": "rc.pending", "agent": name}
        )
    log.info("rc requested key=%s agent=%s", session.key, name)


def rc_answer(*, session_id: int, accept: bool, req: int | None) -> None:
    """The visitor accepts or declines the pending request. `req` names the request the
    visitor saw (the asking agent's client index): an answer to a request another
    agent's has since replaced, or to none, changes nothing."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.rc_state != "requested":
            raise TandemError(ErrorCode.BAD_FRAME, "No remote control request is waiting.")
        if req is None or session.rc_holder != req:
            raise TandemError(
                ErrorCode.BAD_FRAME, "That remote control request is no longer waiting."
            )
        state, kind = (
            ("on", SessionEvent.Type.RC_ON) if accept else ("off", SessionEvent.Type.RC_DECLINED)
        )
        holder = session.rc_holder if accept else None
        CobrowseSession.objects.filter(id=session_id).update(rc_state=state, rc_holder=holder)
        SessionEvent.objects.create(session=session, type=kind, actor="visitor")
        if accept:
            _rc_changed(session, True, holder)
        else:
            broadcast_after_commit(groups.session_agents(session_id), {"type": "rc.declined"})
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
        if session.rc_state == "on" and session.rc_holder == to:
            return
        CobrowseSession.objects.filter(id=session_id).update(rc_state="on", rc_holder=to)
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
        if session is None or session.rc_state == "off":
            return
        if holder is not None and session.rc_holder != holder:
            return
        CobrowseSession.objects.filter(id=session_id).update(rc_state="off", rc_holder=None)
        SessionEvent.objects.create(session=session, type=SessionEvent.Type.RC_OFF, actor=actor)
        _rc_changed(session, False, None)
    log.info("rc ended key=%s by=%s", session.key, actor)


def session_page_moved(*, session: CobrowseSession, page: dict[str, str]) -> None:
    """The visitor continued the session on another page: the dashboards show it."""
    page_set(session_id=session.id, page=page)
    fresh = CobrowseSession.objects.select_related("group", "site").get(id=session.id)
    broadcast_after_commit(
        groups.dashboard(fresh.group_id),
        {
            "type": "dashboard.session",
            "session": session_summary(session=fresh, agents=fresh.agents_watching, page=page),
        },
    )
