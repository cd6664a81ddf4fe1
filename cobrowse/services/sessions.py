"""Writes on co-browse sessions: start, end, agents joining and leaving, the accessibility
mode and the page the visitor is on.

Each write records its timeline event and tells listeners (the visitor, the agents,
the dashboards) only after the transaction commits."""

import logging
import re
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from cobrowse.models import CobrowseSession, Group, SessionEvent, SessionSocket
from cobrowse.pages import page_set, pages_get
from cobrowse.selectors import (
    session_agent_names,
    session_locked,
    session_summary,
    site_get,
)
from cobrowse.services.notify import frame_to_agents, frame_to_visitor
from cobrowse.services.sockets import socket_closed, socket_opened
from core import groups
from core.errors import ErrorCode, TandemError
from core.keys import (
    SESSION_KEY_RE,
    SESSION_KEY_RULE,
    VISITOR_EMAIL_MAX,
    VISITOR_NAME_MAX,
    VISITOR_PHONE_MAX,
)
from core.layers import broadcast_after_commit, frame_after_commit
from core.protocol import AGENT, DASHBOARD, VISITOR

log = logging.getLogger("tandem.media")

KEY_DIGITS = 6
_KEY_ATTEMPTS = 20


def visitor_presence_broadcast(*, session_id: int, presence: dict) -> None:
    """The session's agents learn where the visitor is (a `visitor` frame): `here`,
    `away` (every tab of it left: navigating or closed) or `blurred` (its tab hidden)."""
    frame_to_agents(session_id, AGENT.frame("visitor", **presence))


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
    its screen), so it starts with the invitation open (cobrowse/services/reverse.py).
    `visitor`: the page's start parameters (name, email, phone), shown to the agents;
    `page`: the page it started on (cobrowse.pages). The group's dashboards and open
    viewers hear of it."""
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
                    reverse_state=CobrowseSession.Reverse.INVITED if reverse else "",
                    reverse_only=reverse,
                    **params,
                )
                SessionEvent.objects.create(
                    session=session, type=SessionEvent.Type.STARTED, actor="visitor"
                )
                socket_opened(
                    session_id=session.id, role=SessionSocket.Role.VISITOR, channel=channel
                )
                if reverse:
                    SessionEvent.objects.create(
                        session=session, type=SessionEvent.Type.REVERSE_INVITED, actor="system"
                    )
                if page:
                    page_set(session_id=session.id, page=page)
                summary = session_summary(session=session, agents=0, page=page)
                frame_after_commit(
                    groups.dashboard(group.id), DASHBOARD.frame("session", session=summary)
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
        frame_after_commit(
            groups.dashboard(session.group_id),
            DASHBOARD.frame("session_ended", key=session.key),
        )
    log.info(
        "session ended group=%s key=%s reason=%s", session.group.public_id, session.key, reason
    )
    return True


def agent_display_name(agent: AbstractBaseUser) -> str:
    """What a visitor sees of an agent: its name, or its username when it has none."""
    full = agent.get_full_name() if hasattr(agent, "get_full_name") else ""
    return full or agent.get_username()


def agents_changed(session: CobrowseSession, count: int, viewer: dict | None = None) -> None:
    """Everyone in the session, and the dashboards, learn the new agent count; `viewer`
    says who came or went ({index, name, joined})."""
    names = session_agent_names(session_id=session.id)
    message = {"type": "agents.count", "count": count, "viewer": viewer, "names": names}
    broadcast_after_commit(groups.session_visitor(session.id), message)
    broadcast_after_commit(groups.session_agents(session.id), message)
    frame_after_commit(
        groups.dashboard(session.group_id),
        DASHBOARD.frame("agents", key=session.key, count=count),
    )


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
        socket_opened(
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
        agents_changed(session, count, viewer)
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
        if still_live and not socket_closed(
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
            agents_changed(session, count, viewer if index else None)
    log.info("agent left key=%s agent=%s count=%s", session.key, agent.get_username(), count)
    return count


def session_end_if_abandoned(*, session_id: int, left_at, reason: str = "disconnected") -> bool:
    """End the session if no visitor came back since `left_at`."""
    with transaction.atomic():
        session = session_locked(session_id)
        if session is None or session.visitors_connected or session.visitor_left_at != left_at:
            return False
        return session_end(session_id=session_id, actor="visitor", reason=reason)


def visitor_state(*, session: CobrowseSession) -> dict:
    """What a visitor page learns about its session when it starts or continues it."""
    return {
        "key": session.key,
        "agents": session.agents_watching,
        # Who they are, as the visitor's panel names them ("Ana is viewing").
        "agent_names": session_agent_names(session_id=session.id),
        "rc": session.rc_state == CobrowseSession.RemoteControl.ON,
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
        frame_to_visitor(session_id, VISITOR.frame("accessibility", enabled=enabled))
        frame_to_agents(session_id, AGENT.frame("accessibility", enabled=enabled))


def session_page_moved(*, session: CobrowseSession, page: dict[str, str]) -> None:
    """The visitor continued the session on another page: the dashboards show it. A page
    that names the page already known (a reload, or a reconnect after a dropped socket,
    which names it again in case the server lost it in a restart) changes nothing."""
    if pages_get(session_ids=[session.id]).get(session.id) == page:
        return
    page_set(session_id=session.id, page=page)
    fresh = CobrowseSession.objects.select_related("group", "site").get(id=session.id)
    summary = session_summary(session=fresh, agents=fresh.agents_watching, page=page)
    frame_after_commit(
        groups.dashboard(fresh.group_id), DASHBOARD.frame("session", session=summary)
    )


def timeline_add(
    session: CobrowseSession, kind: SessionEvent.Type, actor: str, detail: str = ""
) -> None:
    """Record one timeline event of the session (kind, actor, a short detail; never page
    content)."""
    SessionEvent.objects.create(session=session, type=kind, actor=actor, detail=detail)
