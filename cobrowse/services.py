"""Writes on co-browse sessions: start, end, agents joining and leaving.

Each write records its timeline event and tells listeners (the visitor, the agents,
the dashboards) only after the transaction commits.
"""

import logging
import secrets

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from cobrowse import groups
from cobrowse.errors import ErrorCode, TandemError
from cobrowse.models import CobrowseSession, Group, SessionEvent
from cobrowse.selectors import session_summary, site_get

log = logging.getLogger("tandem.session")

KEY_DIGITS = 6
_KEY_ATTEMPTS = 20


def _broadcast(group: str, message: dict) -> None:
    """Send to a channel-layer group once the surrounding transaction has committed."""
    layer = get_channel_layer()
    transaction.on_commit(lambda: async_to_sync(layer.group_send)(group, message))


def _agents_cache_key(session_id: int) -> str:
    return f"tandem.session.{session_id}.agents"


def session_agent_count(*, session_id: int) -> int:
    return max(0, int(cache.get(_agents_cache_key(session_id), 0)))


def _agent_count_change(session_id: int, delta: int) -> int:
    key = _agents_cache_key(session_id)
    cache.add(key, 0, timeout=24 * 3600)
    try:
        return max(0, cache.incr(key, delta))
    except ValueError:  # expired between add and incr
        cache.set(key, max(0, delta), timeout=24 * 3600)
        return max(0, delta)


def _new_key() -> str:
    return str(secrets.randbelow(10**KEY_DIGITS)).zfill(KEY_DIGITS)


def session_start(
    *, group: Group, site_name: str, key: str | None, user_agent: str
) -> CobrowseSession:
    """Open a live session for a visitor; `key` is the page's own, or None for a random one."""
    site = site_get(group=group, name=site_name)
    if key is not None and not (key.isascii() and key.isalnum()):
        raise TandemError(ErrorCode.BAD_FRAME, "A session key is 1-32 letters or digits.")
    for _ in range(1 if key else _KEY_ATTEMPTS):
        candidate = key or _new_key()
        try:
            with transaction.atomic():
                session = CobrowseSession.objects.create(
                    group=group, site=site, key=candidate, visitor_user_agent=user_agent[:512]
                )
                SessionEvent.objects.create(
                    session=session, type=SessionEvent.Type.STARTED, actor="visitor"
                )
                _broadcast(
                    groups.dashboard(group.id),
                    {
                        "type": "dashboard.session",
                        "session": session_summary(session=session, agents=0),
                    },
                )
        except IntegrityError:
            continue
        log.info("session started group=%s key=%s", group.public_id, session.key)
        return session
    if key:
        raise TandemError(ErrorCode.KEY_IN_USE, f"Session key {key!r} is already in use.")
    raise TandemError(ErrorCode.KEY_IN_USE, "Could not find a free session key; try again.")


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
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.ENDED, actor=actor, detail=reason[:100]
        )
        ended = {"type": "session.ended", "reason": reason}
        _broadcast(groups.session_agents(session.id), ended)
        _broadcast(groups.session_visitor(session.id), ended)
        _broadcast(
            groups.dashboard(session.group_id), {"type": "dashboard.ended", "key": session.key}
        )
    cache.delete(_agents_cache_key(session.id))
    log.info(
        "session ended group=%s key=%s reason=%s", session.group.public_id, session.key, reason
    )
    return True


def _agents_changed(session: CobrowseSession, count: int) -> None:
    message = {"type": "agents.count", "count": count}
    _broadcast(groups.session_visitor(session.id), message)
    _broadcast(groups.session_agents(session.id), message)
    _broadcast(
        groups.dashboard(session.group_id),
        {"type": "dashboard.agents", "key": session.key, "count": count},
    )


def session_agent_join(*, session: CobrowseSession, agent: AbstractBaseUser) -> int:
    """Record an agent starting to watch; returns the number of agents now watching."""
    with transaction.atomic():
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.AGENT_JOINED, actor=agent.get_username()
        )
        count = _agent_count_change(session.id, 1)
        _agents_changed(session, count)
    log.info("agent joined key=%s agent=%s count=%s", session.key, agent.get_username(), count)
    return count


def session_agent_leave(*, session: CobrowseSession, agent: AbstractBaseUser) -> int:
    with transaction.atomic():
        still_live = CobrowseSession.objects.filter(
            id=session.id, state=CobrowseSession.State.ACTIVE
        ).exists()
        SessionEvent.objects.create(
            session=session, type=SessionEvent.Type.AGENT_LEFT, actor=agent.get_username()
        )
        count = _agent_count_change(session.id, -1) if still_live else 0
        if still_live:
            _agents_changed(session, count)
    log.info("agent left key=%s agent=%s count=%s", session.key, agent.get_username(), count)
    return count
